// The persisted part of the storage engine: full chunks moved out of the head,
// the labels and postings of the series they belong to, and the meta data
// (format version, chunk range, retention floor, per-series watermarks), in
// one RocksDB database under <path>/rocksdb. RocksDB stays behind this
// interface: its statuses are converted to vigil Status here, and no RocksDB
// header is included by any other file. Key layout: docs/format/tsdb.md.
// Thread-safety: every method may be called from any thread. A ChunkSource
// returned by NewReader is used by one thread at a time (its querier's).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "head.h"
#include "querier_impl.h"
#include "vigil/base/result.h"
#include "vigil/model/labels.h"

namespace vigil::tsdb {

struct StoreOptions {
  // The width of a time bucket: a chunk never spans two.
  int64_t chunk_range_ms = 2 * 3600 * 1000;
  // Block cache shared by every column family.
  size_t block_cache_bytes = 8 << 20;
  // Memtable budget across column families.
  size_t write_buffer_bytes = 8 << 20;
  bool read_only = false;
  // Block compression of the chunks column family (see docs/format/tsdb.md
  // for the measurement behind the default).
  enum class Compression { kNone, kLz4, kZstd };
  Compression chunk_compression = Compression::kZstd;
};

// One series' chunks for a flush, oldest first; `labels` is set when the
// series is not in RocksDB yet.
struct FlushItem {
  SeriesRef ref = 0;
  const model::Labels* labels = nullptr;
  std::vector<ChunkRef> chunks;
  // Where the series' persisted chunks start once these are written.
  TimestampMs first_persisted = kMaxTime;
  // The bits of the last chunk's last value, when the caller has them at
  // hand (else Flush decodes the chunk for them).
  std::optional<uint64_t> last_value_bits;
};

// A persisted chunk as a scan sees it.
struct StoredChunk {
  SeriesRef ref = 0;
  TimestampMs min_t = 0;
  TimestampMs max_t = 0;
  std::string_view bytes;  // valid during the callback only
};

// One persisted chunk rewritten by a tombstone clean: the chunk of `ref`
// starting at `old_min_t` is replaced by `replacement` (same bucket), or
// deleted when it has none.
struct ChunkEdit {
  SeriesRef ref = 0;
  TimestampMs old_min_t = 0;
  std::optional<ChunkRef> replacement;
};

// RocksDB's state that matters for operating it (the self-metrics).
struct RocksStats {
  uint64_t sst_bytes = 0;                 // live SST files
  uint64_t memtable_bytes = 0;            // active and immutable memtables
  uint64_t block_cache_bytes = 0;         // the shared block cache in use
  uint64_t pending_compaction_bytes = 0;  // RocksDB's estimate
  uint64_t compactions = 0;               // finished since open
  uint64_t compaction_micros = 0;         // their total duration
  uint64_t stall_micros = 0;              // writes delayed or stopped since open
};

class Store {
 public:
  virtual ~Store() = default;

  // Opens (creating when absent) the database in `dir`.
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, const StoreOptions& options);

  // The format version in meta; nullopt when none was ever written.
  virtual Result<std::optional<uint32_t>> FormatVersion() = 0;
  virtual Status SetFormatVersion(uint32_t version) = 0;
  // The chunk range the keys were written with; nullopt when unset.
  virtual Result<std::optional<int64_t>> ChunkRange() = 0;
  virtual Status SetChunkRange(int64_t range_ms) = 0;
  // The retention floor: no persisted chunk starts before it (kMinTime: none).
  virtual Result<TimestampMs> MinTime() = 0;

  // A series' watermarks: where its oldest persisted chunk starts, and its
  // newest persisted sample (time and value bits).
  struct Watermark {
    TimestampMs min_t = kMaxTime;
    TimestampMs max_t = kMinTime;  // kMinTime: nothing persisted
    uint64_t last_v_bits = 0;
  };
  // Calls fn for every persisted series with its watermarks.
  virtual Status LoadSeries(
      const std::function<void(SeriesRef, model::Labels, const Watermark&)>& fn) = 0;

  // Writes the chunks, new series (labels and postings) and the new
  // watermarks in one WriteBatch: all of it or nothing. Like every write of
  // the store it is durable only after the next Persist (or a memtable flush
  // RocksDB starts by itself): the caller keeps it in its WAL until then.
  virtual Status Flush(const std::vector<FlushItem>& items) = 0;

  // Drops every time bucket that ends at or before `t` (DeleteRange, then
  // compaction of that range) and records the new floor. Returns the number
  // of buckets dropped.
  virtual Result<uint64_t> DropBefore(TimestampMs t) = 0;
  // Drops the oldest bucket (retention by size) if it ends at or before
  // `limit`. False when there is no such bucket.
  virtual Result<bool> DropOldestBucket(TimestampMs limit) = 0;
  // Removes series (labels, postings, watermark) that have no chunks left.
  virtual Status DeleteSeries(const std::vector<std::pair<SeriesRef, model::Labels>>& series) = 0;

  // Tombstones (meta `t` + ref → encoded intervals). Calls fn for each.
  virtual Status LoadTombstones(
      const std::function<Status(SeriesRef, std::string_view)>& fn) = 0;
  // Writes these tombstones and deletes those of `erase`, in one batch.
  virtual Status WriteTombstones(const std::vector<std::pair<SeriesRef, std::string>>& put,
                                 const std::vector<SeriesRef>& erase) = 0;
  // Applies chunk edits in one batch (all or nothing).
  virtual Status RewriteChunks(const std::vector<ChunkEdit>& edits) = 0;

  // Calls fn for every persisted chunk in [mint, maxt], bucket by bucket.
  virtual Status ScanChunks(TimestampMs mint, TimestampMs maxt,
                            const std::function<void(const StoredChunk&)>& fn) = 0;

  // A reader for one querier (it keeps one RocksDB iterator).
  virtual std::shared_ptr<ChunkSource> NewReader() = 0;

  virtual RocksStats Stats() = 0;

  // Makes every write so far durable (flushes the memtables of all column
  // families at once, and syncs).
  virtual Status Persist() = 0;
  // A consistent copy of the database in `dir` (which must not exist), with
  // every write so far: RocksDB's checkpoint, SSTs hard-linked when possible.
  virtual Status Checkpoint(const std::string& dir) = 0;

  // Bytes of RocksDB's live files (SSTs, logs) on disk.
  virtual uint64_t SizeBytes() = 0;
  // Forces memtables to SSTs and compacts (tools and benchmarks).
  virtual Status CompactAll() = 0;
};

}  // namespace vigil::tsdb
