// The storage engine: opened on a data directory by DB::Open, it is the
// Appendable that scrape, rules and remote write append through, and the
// Queryable the PromQL engine reads from. Samples go to the in-memory head
// and the write-ahead log on commit; full chunks move to RocksDB in the
// background. No storage library appears here.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "vigil/base/clock.h"
#include "vigil/base/metrics.h"
#include "vigil/base/result.h"
#include "vigil/tsdb/appender.h"
#include "vigil/tsdb/querier.h"

namespace vigil::tsdb {

// The on-disk format this build writes (docs/format/tsdb.md). Open migrates
// an older data directory and refuses a newer one.
//   0: the WAL only (no RocksDB, no version)
//   1: the WAL plus RocksDB (series, postings, chunks, meta)
//   2: as 1, with compact WAL batch records (type 3; type 1 still replays)
//   3: as 2, with tombstones in meta (an older vigil would show deleted data)
//   4: as 3, stored chunks packed when smaller (Gorilla ones still read)
inline constexpr uint32_t kFormatVersion = 4;

struct Options {
  // Where the self-metrics go; null: a registry private to the DB.
  metrics::Registry* registry = nullptr;
  // Samples per chunk before a new one is cut.
  int max_samples_per_chunk = 120;
  // Chunks never span a multiple of this; also the retention granularity.
  int64_t chunk_range_ms = 2 * 3600 * 1000;
  // fdatasync the WAL each second and per segment (Commit returns once its
  // record is written, which kill -9 cannot undo); false: never (throwaway data).
  bool wal_sync = true;
  uint64_t wal_segment_bytes = 32 * 1024 * 1024;
  // A checkpoint is written once this many WAL bytes were appended since the last.
  uint64_t checkpoint_after_bytes = 128 * 1024 * 1024;
  // Run flushes and checkpoints in a background thread (tests call Flush()
  // and Checkpoint()).
  bool background = true;
  // How often the background thread flushes full chunks to RocksDB.
  int64_t flush_interval_ms = 1000;
  // Retention by time: persisted data older than the newest sample minus
  // this is dropped, a whole chunk_range_ms bucket at a time (so up to one
  // bucket more is kept); series left without samples leave the head and the
  // index. 0 keeps everything.
  int64_t retention_time_ms = 0;
  // Retention by size: the oldest buckets are dropped while RocksDB's files
  // and the WAL take more than this many bytes. 0: no limit.
  uint64_t retention_size_bytes = 0;
  // How often the background thread applies retention.
  int64_t retention_interval_ms = 60'000;
  // RocksDB's block cache (shared by its column families) and memtables.
  size_t block_cache_bytes = 8 << 20;
  // 8 MiB: the chunks' memtable (a quarter) holds ~2 MiB of chunks before it
  // becomes an SST; a memtable is resident memory, and chunks are only read
  // back by queries, so small memtables cost little.
  size_t write_buffer_bytes = 8 << 20;
};

struct DBStats {
  uint64_t head_series = 0;
  uint64_t wal_bytes = 0;
  uint64_t storage_bytes = 0;  // RocksDB's files
};

class DB : public Appendable, public Queryable {
 public:
  // Opens (creating when absent) the database in directory `path`, replaying
  // its WAL. A torn or corrupted WAL tail is cut and counted, not an error.
  // An older format is migrated first; a newer one fails with
  // kFailedPrecondition naming both versions, before anything is changed.
  static Result<std::unique_ptr<DB>> Open(const std::string& path, const Options& options);

  // Writes a WAL checkpoint now and drops the segments it covers.
  virtual Status Checkpoint() = 0;
  // Moves every full chunk of the head to RocksDB now.
  virtual Status Flush() = 0;
  // Applies the retention options now (after a flush).
  virtual Status ApplyRetention() = 0;

  // Deletes, as Prometheus's admin API does, the samples in [mint, maxt] of
  // every series all `matchers` match: a tombstone per series, bounded by its
  // newest sample so later appends stay visible. Queries no longer return
  // those samples, nor a series left without any. Durable (also across a
  // SIGKILL) when it returns OK. mint > maxt deletes nothing.
  virtual Status DeleteSeries(const std::vector<model::Matcher>& matchers, TimestampMs mint,
                              TimestampMs maxt) = 0;
  // Removes deleted samples from the chunks (persisted and in the head),
  // series left with no sample from the index, then the tombstones.
  virtual Status CleanTombstones() = 0;
  // Writes a copy of the database into directory `dir` (created with its
  // parents; `dir`/rocksdb must not exist) that DB::Open opens: RocksDB's
  // files (hard links where the filesystem allows) and, `with_head`, a WAL
  // checkpoint holding the head's samples not yet in RocksDB. Tombstones are
  // copied.
  virtual Status Snapshot(const std::string& dir, bool with_head) = 0;
  virtual DBStats Stats() = 0;
};

}  // namespace vigil::tsdb
