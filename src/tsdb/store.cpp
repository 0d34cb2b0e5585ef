#include "store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/listener.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/statistics.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <filesystem>
#include <system_error>

#include "posting_batch.h"
#include "store_keys.h"

namespace vigil::tsdb {
namespace {

// RocksDB statuses become vigil statuses here, and nowhere else.
Status Convert(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsCorruption()) return Status(StatusCode::kCorruption, msg);
  if (s.IsNotFound()) return NotFound(msg);
  if (s.IsInvalidArgument()) return InvalidArgument(msg);
  if (s.IsNotSupported()) return Unimplemented(msg);
  if (s.IsNoSpace()) return ResourceExhausted(msg);
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return Unavailable(msg);
  return IoError(msg);
}

// Every write skips RocksDB's own WAL: what is written is either still in
// vigil's WAL (flushed chunks, until the checkpoint that follows
// Store::Persist) or re-derived on the next run (retention, meta written at
// open), so logging it twice would only cost CPU and disk.
rocksdb::WriteOptions Unlogged() {
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;
  return wo;
}

// The bytes of the WriteBatch a flush of `items` builds, or a little more:
// a batch sized up front does not copy itself as it grows. A record is its
// key and value and at most 12 bytes of type, column family and lengths.
size_t FlushBatchBytes(const std::vector<FlushItem>& items) {
  constexpr size_t kRecord = 12;
  size_t bytes = 12;  // the batch header
  for (const FlushItem& item : items) {
    if (item.labels != nullptr) {
      const size_t encoded = item.labels->encoded().size();
      bytes += kRecord + 8 + encoded;  // the series
      // A posting key per label: the label's encoded bytes and a ref.
      bytes += encoded + item.labels->size() * (kRecord + 8);
    }
    for (const ChunkRef& c : item.chunks) bytes += kRecord + kChunkKeySize + 10 + c.bytes->size();
    if (!item.chunks.empty()) bytes += kRecord + 9 + 24;  // the watermark
  }
  return bytes;
}

enum Cf { kDefault = 0, kSeries, kPostings, kChunks, kMeta, kNumCfs };
constexpr const char* kCfNames[kNumCfs] = {"default", "series", "postings", "chunks", "meta"};

rocksdb::ColumnFamilyOptions CfOptions(Cf cf, const std::shared_ptr<rocksdb::Cache>& cache,
                                       const StoreOptions& o) {
  rocksdb::ColumnFamilyOptions opts;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.optimize_filters_for_memory = true;
  table.format_version = 5;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  opts.write_buffer_size = o.write_buffer_bytes / 4;
  opts.max_write_buffer_number = 2;
  opts.level_compaction_dynamic_level_bytes = true;
  if (cf == kChunks) {
    // Packed chunks of a scrape target's series sit side by side and share
    // its scrape times: ZSTD finds those repeats (docs/format/tsdb.md).
    switch (o.chunk_compression) {
      case StoreOptions::Compression::kNone: opts.compression = rocksdb::kNoCompression; break;
      case StoreOptions::Compression::kLz4: opts.compression = rocksdb::kLZ4Compression; break;
      case StoreOptions::Compression::kZstd: opts.compression = rocksdb::kZSTD; break;
    }
    // Queries seek bucket+series: a prefix bloom skips files without it.
    opts.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(kChunkKeyPrefix));
    table.whole_key_filtering = false;
    table.block_size = 16 * 1024;
  } else {
    // Labels and postings repeat a lot and compress well.
    opts.compression = rocksdb::kLZ4Compression;
    opts.write_buffer_size = o.write_buffer_bytes / 8;
  }
  opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return opts;
}

// Counts RocksDB's finished compactions and their time, for the self-metrics.
class CompactionCounter final : public rocksdb::EventListener {
 public:
  void OnCompactionCompleted(rocksdb::DB*, const rocksdb::CompactionJobInfo& info) override {
    completed.fetch_add(1, std::memory_order_relaxed);
    micros.fetch_add(info.stats.elapsed_micros, std::memory_order_relaxed);
  }
  std::atomic<uint64_t> completed{0};
  std::atomic<uint64_t> micros{0};
};

class RocksStore;

class RocksReader final : public ChunkSource {
 public:
  RocksReader(RocksStore* store, rocksdb::DB* db, rocksdb::ColumnFamilyHandle* chunks)
      : store_(store), db_(db), chunks_(chunks) {}
  Status ReadChunks(SeriesRef ref, TimestampMs mint, TimestampMs maxt, TimestampMs from,
                    TimestampMs upto, std::vector<ChunkRef>* out) override;
  Status ReadNewest(TimestampMs mint, TimestampMs maxt, std::vector<PersistedRead>* reads,
                    ChunkArena* arena, std::vector<ChunkView>* views) override;
  // The iterator is an implicit snapshot: a new one is taken on the next read.
  void Refresh() override { it_.reset(); }

 private:
  // Calls add(const StoredChunk&) for each chunk of `ref` that ReadChunks
  // returns, oldest first, seeking each bucket of [from, upto].
  template <typename Add>
  Status Scan(SeriesRef ref, TimestampMs mint, TimestampMs maxt, TimestampMs from,
              TimestampMs upto, const Add& add);
  // ReadNewest's lookups by key; the reads whose key is gone are appended
  // to `missing`.
  Status ReadByKey(TimestampMs mint, TimestampMs maxt, std::vector<PersistedRead>* reads,
                   ChunkArena* arena, std::vector<ChunkView>* views,
                   std::vector<PersistedRead*>* missing);

  RocksStore* store_;
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* chunks_;
  std::unique_ptr<rocksdb::Iterator> it_;  // null until the first read after Refresh
};

class RocksStore final : public Store {
 public:
  RocksStore(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> cfs,
             std::string dir, StoreOptions options, std::shared_ptr<CompactionCounter> compactions,
             std::shared_ptr<rocksdb::Statistics> statistics)
      : db_(std::move(db)), cfs_(std::move(cfs)), dir_(std::move(dir)), options_(options),
        compactions_(std::move(compactions)), statistics_(std::move(statistics)) {}

  ~RocksStore() override {
    // Unlogged writes still in memtables would otherwise be replayed from
    // vigil's WAL on the next open; a clean close makes them durable here.
    // A failure only means that replay does it.
    if (!options_.read_only) (void)Persist();
    for (rocksdb::ColumnFamilyHandle* h : cfs_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }

  Status Init() {
    // The bucket range of persisted chunks, so reads never walk empty time.
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cfs_[kChunks]));
    it->SeekToFirst();
    if (it->Valid() && it->key().size() == kChunkKeySize) min_bucket_ = GetTimeKey(it->key().data());
    it->SeekToLast();
    if (it->Valid() && it->key().size() == kChunkKeySize) max_bucket_ = GetTimeKey(it->key().data());
    return Convert(it->status(), "scanning chunks");
  }

  Result<std::optional<uint32_t>> FormatVersion() override {
    std::string v;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cfs_[kMeta], kMetaVersion, &v);
    if (s.IsNotFound()) return std::optional<uint32_t>();
    VIGIL_RETURN_IF_ERROR(Convert(s, "reading the format version"));
    if (v.size() != 8) return Status(StatusCode::kCorruption, "malformed format version in meta");
    return std::optional<uint32_t>(static_cast<uint32_t>(GetFixed64BE(v.data())));
  }

  Status SetFormatVersion(uint32_t version) override {
    std::string v;
    PutFixed64BE(version, &v);
    return PutMeta(kMetaVersion, v);
  }

  Result<std::optional<int64_t>> ChunkRange() override {
    std::string v;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cfs_[kMeta], kMetaChunkRange, &v);
    if (s.IsNotFound()) return std::optional<int64_t>();
    VIGIL_RETURN_IF_ERROR(Convert(s, "reading the chunk range"));
    if (v.size() != 8) return Status(StatusCode::kCorruption, "malformed chunk range in meta");
    return std::optional<int64_t>(static_cast<int64_t>(GetFixed64BE(v.data())));
  }

  Status SetChunkRange(int64_t range_ms) override {
    std::string v;
    PutFixed64BE(static_cast<uint64_t>(range_ms), &v);
    return PutMeta(kMetaChunkRange, v);
  }

  Result<TimestampMs> MinTime() override {
    std::string v;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cfs_[kMeta], kMetaMinTime, &v);
    if (s.IsNotFound()) return kMinTime;
    VIGIL_RETURN_IF_ERROR(Convert(s, "reading the retention floor"));
    if (v.size() != 8) return Status(StatusCode::kCorruption, "malformed min_time in meta");
    return GetTimeKey(v.data());
  }

  Status LoadSeries(
      const std::function<void(SeriesRef, model::Labels, const Watermark&)>& fn) override {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cfs_[kSeries]));
    std::unique_ptr<rocksdb::Iterator> wm(db_->NewIterator(rocksdb::ReadOptions(), cfs_[kMeta]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->key().size() != 8) return Status(StatusCode::kCorruption, "malformed series key");
      SeriesRef ref = GetFixed64BE(it->key().data());
      VIGIL_ASSIGN_OR_RETURN(model::Labels labels,
                             DecodeLabels(std::string_view(it->value().data(), it->value().size())));
      Watermark w;
      std::string wk = WatermarkKey(ref);
      wm->Seek(wk);
      if (wm->Valid() && wm->key() == rocksdb::Slice(wk)) {
        if (wm->value().size() != 24) return Status(StatusCode::kCorruption, "malformed watermark");
        w.max_t = GetTimeKey(wm->value().data());
        w.min_t = GetTimeKey(wm->value().data() + 8);
        w.last_v_bits = GetFixed64BE(wm->value().data() + 16);
      }
      fn(ref, std::move(labels), w);
    }
    VIGIL_RETURN_IF_ERROR(Convert(wm->status(), "reading watermarks"));
    return Convert(it->status(), "loading series");
  }

  Status Flush(const std::vector<FlushItem>& items) override {
    rocksdb::WriteBatch batch(FlushBatchBytes(items));
    TimestampMs lo = kMaxTime;
    TimestampMs hi = kMinTime;
    // Postings go in sorted, after the loop: a memtable insert next to the
    // previous one is cheap, one anywhere in the skiplist is a search.
    PostingBatch postings;
    std::string key;
    std::string value;
    for (const FlushItem& item : items) {
      if (item.labels != nullptr) {
        batch.Put(cfs_[kSeries], SeriesKey(item.ref), item.labels->encoded());
        postings.Add(*item.labels, item.ref);
      }
      if (item.chunks.empty()) continue;
      for (const ChunkRef& c : item.chunks) {
        TimestampMs bucket = BucketStart(c.min_t, options_.chunk_range_ms);
        lo = std::min(lo, bucket);
        hi = std::max(hi, bucket);
        key.clear();
        AppendChunkKey(bucket, item.ref, c.min_t, &key);
        value.clear();
        PutUvarint(static_cast<uint64_t>(c.max_t - c.min_t), &value);
        value.append(*c.bytes);
        batch.Put(cfs_[kChunks], key, value);
      }
      value.clear();
      PutTimeKey(item.chunks.back().max_t, &value);
      PutTimeKey(std::min(item.first_persisted, item.chunks.front().min_t), &value);
      // The newest value, so a restart can tell a repeated sample from a
      // duplicate one at the watermark.
      uint64_t last_bits = 0;
      if (item.last_value_bits.has_value()) {
        last_bits = *item.last_value_bits;
      } else {
        ChunkIterator last(*item.chunks.back().bytes);
        while (last.Next()) last_bits = std::bit_cast<uint64_t>(last.v());
        VIGIL_RETURN_IF_ERROR(last.status());
      }
      PutFixed64BE(last_bits, &value);
      batch.Put(cfs_[kMeta], WatermarkKey(item.ref), value);
    }
    postings.ForEachKey([&](std::string_view k) {
      batch.Put(cfs_[kPostings], rocksdb::Slice(k.data(), k.size()), rocksdb::Slice());
    });
    VIGIL_RETURN_IF_ERROR(Convert(db_->Write(Unlogged(), &batch), "writing flushed chunks"));
    if (lo != kMaxTime) {
      AtomicMin(&min_bucket_, lo);
      AtomicMax(&max_bucket_, hi);
    }
    return Status::Ok();
  }

  Result<uint64_t> DropBefore(TimestampMs t) override {
    const int64_t range = options_.chunk_range_ms;
    // The first bucket kept is the one holding t; everything before it goes.
    TimestampMs keep = BucketStart(t, range);
    TimestampMs first = min_bucket_.load();
    uint64_t dropped = 0;
    if (first != kMaxTime && first < keep) {
      dropped = static_cast<uint64_t>((keep - first) / range);
      std::string begin;
      std::string end;
      PutTimeKey(first, &begin);
      PutTimeKey(keep, &end);
      VIGIL_RETURN_IF_ERROR(Convert(db_->DeleteRange(Unlogged(), cfs_[kChunks], begin, end),
                                    "dropping old chunks"));
      rocksdb::Slice b(begin);
      rocksdb::Slice e(end);
      VIGIL_RETURN_IF_ERROR(Convert(
          db_->CompactRange(rocksdb::CompactRangeOptions(), cfs_[kChunks], &b, &e),
          "compacting dropped chunks"));
    }
    TimestampMs current = kMinTime;
    VIGIL_ASSIGN_OR_RETURN(current, MinTime());
    if (keep > current) {
      std::string v;
      PutTimeKey(keep, &v);
      VIGIL_RETURN_IF_ERROR(PutMeta(kMetaMinTime, v));
    }
    if (first != kMaxTime && first < keep) {
      min_bucket_.store(keep > max_bucket_.load() ? kMaxTime : keep);
      if (min_bucket_.load() == kMaxTime) max_bucket_.store(kMinTime);
    }
    return dropped;
  }

  Result<bool> DropOldestBucket(TimestampMs limit) override {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cfs_[kChunks]));
    it->SeekToFirst();
    VIGIL_RETURN_IF_ERROR(Convert(it->status(), "finding the oldest bucket"));
    if (!it->Valid() || it->key().size() != kChunkKeySize) return false;
    TimestampMs bucket = GetTimeKey(it->key().data());
    it.reset();
    if (bucket > limit - options_.chunk_range_ms) return false;
    min_bucket_.store(std::min(min_bucket_.load(), bucket));
    VIGIL_ASSIGN_OR_RETURN(uint64_t n, DropBefore(bucket + options_.chunk_range_ms));
    return n > 0;
  }

  Status DeleteSeries(const std::vector<std::pair<SeriesRef, model::Labels>>& series) override {
    rocksdb::WriteBatch batch;
    for (const auto& [ref, labels] : series) {
      batch.Delete(cfs_[kSeries], SeriesKey(ref));
      batch.Delete(cfs_[kMeta], WatermarkKey(ref));
      for (const model::Label& l : labels) {
        batch.Delete(cfs_[kPostings], PostingKey(l.name, l.value, ref));
      }
    }
    return Convert(db_->Write(Unlogged(), &batch), "deleting series");
  }

  Status LoadTombstones(
      const std::function<Status(SeriesRef, std::string_view)>& fn) override {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cfs_[kMeta]));
    const std::string prefix(1, kMetaTombstonePrefix);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      if (it->key().size() != 9) return Status(StatusCode::kCorruption, "malformed tombstone key");
      VIGIL_RETURN_IF_ERROR(fn(GetFixed64BE(it->key().data() + 1),
                               std::string_view(it->value().data(), it->value().size())));
    }
    return Convert(it->status(), "loading tombstones");
  }

  Status WriteTombstones(const std::vector<std::pair<SeriesRef, std::string>>& put,
                         const std::vector<SeriesRef>& erase) override {
    rocksdb::WriteBatch batch;
    for (const auto& [ref, value] : put) batch.Put(cfs_[kMeta], TombstoneKey(ref), value);
    for (SeriesRef ref : erase) batch.Delete(cfs_[kMeta], TombstoneKey(ref));
    return Convert(db_->Write(Unlogged(), &batch), "writing tombstones");
  }

  Status RewriteChunks(const std::vector<ChunkEdit>& edits) override {
    rocksdb::WriteBatch batch;
    std::string value;
    for (const ChunkEdit& e : edits) {
      TimestampMs bucket = BucketStart(e.old_min_t, options_.chunk_range_ms);
      batch.Delete(cfs_[kChunks], ChunkKey(bucket, e.ref, e.old_min_t));
      if (!e.replacement.has_value()) continue;
      const ChunkRef& c = *e.replacement;
      value.clear();
      PutUvarint(static_cast<uint64_t>(c.max_t - c.min_t), &value);
      value.append(*c.bytes);
      batch.Put(cfs_[kChunks], ChunkKey(bucket, e.ref, c.min_t), value);
    }
    return Convert(db_->Write(Unlogged(), &batch), "rewriting chunks");
  }

  Status ScanChunks(TimestampMs mint, TimestampMs maxt,
                    const std::function<void(const StoredChunk&)>& fn) override {
    std::string begin;
    PutTimeKey(std::max(BucketStart(mint, options_.chunk_range_ms), min_bucket_.load()), &begin);
    rocksdb::ReadOptions ro;
    ro.total_order_seek = true;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cfs_[kChunks]));
    for (it->Seek(begin); it->Valid(); it->Next()) {
      StoredChunk c;
      VIGIL_RETURN_IF_ERROR(Decode(it->key(), it->value(), &c));
      if (BucketStart(c.min_t, options_.chunk_range_ms) > maxt) break;
      if (c.max_t < mint || c.min_t > maxt) continue;
      fn(c);
    }
    return Convert(it->status(), "scanning chunks");
  }

  std::shared_ptr<ChunkSource> NewReader() override {
    return std::make_shared<RocksReader>(this, db_.get(), cfs_[kChunks]);
  }

  uint64_t SizeBytes() override {
    uint64_t total = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
      if (e.is_regular_file(ec)) total += e.file_size(ec);
    }
    return total;
  }

  RocksStats Stats() override {
    RocksStats st;
    uint64_t v = 0;
    if (db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kLiveSstFilesSize, &v)) {
      st.sst_bytes = v;
    }
    if (db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables, &v)) {
      st.memtable_bytes = v;
    }
    // One cache is shared by every column family: read it once.
    if (db_->GetIntProperty(cfs_[kChunks], rocksdb::DB::Properties::kBlockCacheUsage, &v)) {
      st.block_cache_bytes = v;
    }
    if (db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kEstimatePendingCompactionBytes,
                                      &v)) {
      st.pending_compaction_bytes = v;
    }
    st.compactions = compactions_->completed.load(std::memory_order_relaxed);
    st.compaction_micros = compactions_->micros.load(std::memory_order_relaxed);
    st.stall_micros = statistics_->getTickerCount(rocksdb::STALL_MICROS);
    return st;
  }

  Status Persist() override {
    rocksdb::FlushOptions fo;
    fo.wait = true;
    fo.allow_write_stall = true;
    return Convert(db_->Flush(fo, cfs_), "flushing memtables");
  }

  Status Checkpoint(const std::string& dir) override {
    // Writes skip RocksDB's WAL: the memtables must be in SSTs to be copied.
    VIGIL_RETURN_IF_ERROR(Persist());
    rocksdb::Checkpoint* raw = nullptr;
    VIGIL_RETURN_IF_ERROR(Convert(rocksdb::Checkpoint::Create(db_.get(), &raw),
                                  "starting a RocksDB checkpoint"));
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    return Convert(checkpoint->CreateCheckpoint(dir), "writing a RocksDB checkpoint to " + dir);
  }

  Status CompactAll() override {
    VIGIL_RETURN_IF_ERROR(Convert(db_->Flush(rocksdb::FlushOptions(), cfs_), "flushing memtables"));
    for (size_t i = 1; i < cfs_.size(); ++i) {
      VIGIL_RETURN_IF_ERROR(Convert(
          db_->CompactRange(rocksdb::CompactRangeOptions(), cfs_[i], nullptr, nullptr),
          "compacting"));
    }
    return Status::Ok();
  }

  static Status Decode(const rocksdb::Slice& key, const rocksdb::Slice& value, StoredChunk* c) {
    if (key.size() != kChunkKeySize) return Status(StatusCode::kCorruption, "malformed chunk key");
    ByteReader r(std::string_view(value.data(), value.size()));
    uint64_t span = 0;
    if (!r.GetUvarint(&span)) return Status(StatusCode::kCorruption, "malformed chunk value");
    c->ref = GetFixed64BE(key.data() + 8);
    c->min_t = GetTimeKey(key.data() + 16);
    c->max_t = c->min_t + static_cast<int64_t>(span);
    c->bytes = std::string_view(value.data() + (value.size() - r.remaining()), r.remaining());
    return Status::Ok();
  }

  TimestampMs min_bucket() const { return min_bucket_.load(); }
  TimestampMs max_bucket() const { return max_bucket_.load(); }
  int64_t range() const { return options_.chunk_range_ms; }

 private:
  Status PutMeta(std::string_view key, const std::string& value) {
    return Convert(db_->Put(Unlogged(), cfs_[kMeta], key, value), "writing meta");
  }
  static void AtomicMin(std::atomic<TimestampMs>* a, TimestampMs v) {
    TimestampMs cur = a->load();
    while (v < cur && !a->compare_exchange_weak(cur, v)) {
    }
  }
  static void AtomicMax(std::atomic<TimestampMs>* a, TimestampMs v) {
    TimestampMs cur = a->load();
    while (v > cur && !a->compare_exchange_weak(cur, v)) {
    }
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
  const std::string dir_;
  const StoreOptions options_;
  const std::shared_ptr<CompactionCounter> compactions_;
  const std::shared_ptr<rocksdb::Statistics> statistics_;
  // The first and last bucket holding chunks (kMaxTime / kMinTime: none).
  std::atomic<TimestampMs> min_bucket_{kMaxTime};
  std::atomic<TimestampMs> max_bucket_{kMinTime};
};

template <typename Add>
Status RocksReader::Scan(SeriesRef ref, TimestampMs mint, TimestampMs maxt, TimestampMs from,
                         TimestampMs upto, const Add& add) {
  if (it_ == nullptr) {
    rocksdb::ReadOptions ro;
    ro.prefix_same_as_start = true;
    it_.reset(db_->NewIterator(ro, chunks_));
  }
  const int64_t range = store_->range();
  TimestampMs hi = std::min({maxt, upto});
  // Only the buckets between the series' first and last persisted chunk.
  TimestampMs first = std::max({BucketStart(mint, range), BucketStart(from, range),
                                store_->min_bucket()});
  TimestampMs last = std::min(BucketStart(hi, range), store_->max_bucket());
  for (TimestampMs b = first; b <= last; b += range) {
    std::string prefix = ChunkKeyPrefix(b, ref);
    for (it_->Seek(prefix); it_->Valid() && it_->key().starts_with(prefix); it_->Next()) {
      StoredChunk c;
      VIGIL_RETURN_IF_ERROR(RocksStore::Decode(it_->key(), it_->value(), &c));
      if (c.min_t > hi) break;
      if (c.max_t < mint) continue;
      add(c);
    }
    VIGIL_RETURN_IF_ERROR(Convert(it_->status(), "reading chunks"));
    if (b > kMaxTime - range) break;
  }
  return Status::Ok();
}

Status RocksReader::ReadChunks(SeriesRef ref, TimestampMs mint, TimestampMs maxt, TimestampMs from,
                               TimestampMs upto, std::vector<ChunkRef>* out) {
  return Scan(ref, mint, maxt, from, upto, [&](const StoredChunk& c) {
    out->push_back(ChunkRef{std::make_shared<const std::string>(c.bytes), c.min_t, c.max_t});
  });
}

Status RocksReader::ReadByKey(TimestampMs mint, TimestampMs maxt,
                              std::vector<PersistedRead>* reads, ChunkArena* arena,
                              std::vector<ChunkView>* views,
                              std::vector<PersistedRead*>* missing) {
  // RocksDB batches lookups of up to 32 keys internally; a few batches at
  // a time keep the pinned values few.
  constexpr size_t kBatch = 128;
  const int64_t range = store_->range();
  std::string keys;  // n keys of kChunkKeySize bytes
  std::vector<rocksdb::Slice> slices;
  std::vector<rocksdb::PinnableSlice> values(kBatch);
  std::vector<rocksdb::Status> statuses(kBatch);
  for (size_t begin = 0; begin < reads->size(); begin += kBatch) {
    const size_t n = std::min(kBatch, reads->size() - begin);
    keys.clear();
    slices.clear();
    for (size_t i = 0; i < n; ++i) {
      const PersistedRead& r = (*reads)[begin + i];
      const TimestampMs t = r.span.newest_chunk_min_t;
      AppendChunkKey(BucketStart(t, range), r.ref, t, &keys);
    }
    for (size_t i = 0; i < n; ++i) {
      slices.emplace_back(keys.data() + i * kChunkKeySize, kChunkKeySize);
    }
    db_->MultiGet(rocksdb::ReadOptions(), chunks_, n, slices.data(), values.data(),
                  statuses.data());
    for (size_t i = 0; i < n; ++i) {
      PersistedRead& r = (*reads)[begin + i];
      if (statuses[i].IsNotFound()) {
        missing->push_back(&r);
        continue;
      }
      VIGIL_RETURN_IF_ERROR(Convert(statuses[i], "reading chunks"));
      StoredChunk c;
      VIGIL_RETURN_IF_ERROR(RocksStore::Decode(slices[i], values[i], &c));
      r.first = static_cast<uint32_t>(views->size());
      r.count = 0;
      if (c.max_t >= mint && c.min_t <= maxt) {
        views->push_back(ChunkView{arena->Copy(c.bytes), c.min_t, c.max_t});
        r.count = 1;
      }
      values[i].Reset();
    }
  }
  return Status::Ok();
}

Status RocksReader::ReadNewest(TimestampMs mint, TimestampMs maxt,
                               std::vector<PersistedRead>* reads, ChunkArena* arena,
                               std::vector<ChunkView>* views) {
  std::vector<PersistedRead*> missing;
  VIGIL_RETURN_IF_ERROR(ReadByKey(mint, maxt, reads, arena, views, &missing));
  for (PersistedRead* r : missing) {
    r->first = static_cast<uint32_t>(views->size());
    auto add = [&](const StoredChunk& c) {
      views->push_back(ChunkView{arena->Copy(c.bytes), c.min_t, c.max_t});
    };
    VIGIL_RETURN_IF_ERROR(Scan(r->ref, mint, maxt, r->span.min_t, r->span.max_t, add));
    r->count = static_cast<uint32_t>(views->size()) - r->first;
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, const StoreOptions& options) {
  rocksdb::DBOptions db_opts;
  db_opts.create_if_missing = true;
  db_opts.create_missing_column_families = true;
  db_opts.max_background_jobs = 2;
  db_opts.keep_log_file_num = 2;
  // Without RocksDB's WAL, a memtable flush is the only durable point; it
  // covers every column family at once, so a crash leaves RocksDB at one
  // consistent state (chunks, postings and watermarks of the same writes).
  db_opts.atomic_flush = true;
  db_opts.db_write_buffer_size = options.write_buffer_bytes;
  db_opts.max_open_files = 256;
  auto compactions = std::make_shared<CompactionCounter>();
  db_opts.listeners.push_back(compactions);
  // Tickers only (the stall time): histograms and timers cost on every write.
  db_opts.statistics = rocksdb::CreateDBStatistics();
  db_opts.statistics->set_stats_level(rocksdb::StatsLevel::kExceptHistogramOrTimers);
  std::shared_ptr<rocksdb::Statistics> statistics = db_opts.statistics;
  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (int i = 0; i < kNumCfs; ++i) {
    descs.emplace_back(kCfNames[i], CfOptions(static_cast<Cf>(i), cache, options));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = options.read_only
                          ? rocksdb::DB::OpenForReadOnly(db_opts, dir, descs, &handles, &raw)
                          : rocksdb::DB::Open(db_opts, dir, descs, &handles, &raw);
  VIGIL_RETURN_IF_ERROR(Convert(s, "opening RocksDB at " + dir));
  auto store = std::make_unique<RocksStore>(std::unique_ptr<rocksdb::DB>(raw), std::move(handles),
                                            dir, options, std::move(compactions),
                                            std::move(statistics));
  VIGIL_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace vigil::tsdb
