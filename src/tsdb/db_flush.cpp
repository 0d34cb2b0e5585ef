// DBImpl's flusher: full chunks from the head to RocksDB.
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "chunk_packed.h"
#include "db_impl.h"
#include "store_keys.h"
#include "vigil/base/log.h"

namespace vigil::tsdb {
namespace {

// A flush writes batches of about this many bytes, so one WriteBatch (and
// the memory it copies) stays small next to the head.
constexpr size_t kFlushBatchBytes = 1 << 20;
// Once this many bytes left the head's chunks or RocksDB's memtables, freed
// memory is handed back to the OS: glibc keeps freed blocks in its arenas
// otherwise, and the resident size only grows. Counted in the head's
// encoding, not the smaller stored one.
constexpr size_t kTrimAfterBytes = 4 << 20;

TimestampMs PersistedMin(MemSeries* s) {
  std::lock_guard lock(s->mu);
  return s->persisted_min_t;
}

}  // namespace

Status DBImpl::Flush() {
  std::lock_guard lock(maintenance_mu_);
  return FlushLocked();
}

Status DBImpl::WriteFlush(std::vector<FlushItem>* items, std::vector<MemSeries*>* series) {
  Status s = store_->Flush(*items);
  if (s.ok()) {
    for (size_t i = 0; i < items->size(); ++i) {
      const FlushItem& item = (*items)[i];
      if (item.chunks.empty()) continue;
      head_->MarkPersisted((*series)[i], item.chunks.size(), item.chunks.front().min_t,
                           item.chunks.back().max_t);
      metrics_->chunks_persisted.Inc(static_cast<double>(item.chunks.size()));
    }
  }
  items->clear();
  series->clear();
  return s;
}

Status DBImpl::FlushLocked() {
  auto start = std::chrono::steady_clock::now();
  // Once the newest sample is in a later bucket than the one before it, open
  // chunks that ended before that earlier bucket belong to series that went
  // quiet: they are sealed and flushed too, so the head keeps no samples of
  // idle series. Checked once per bucket.
  TimestampMs newest = head_->newest();
  if (newest != kMinTime) {
    TimestampMs previous = BucketStart(newest, options_.chunk_range_ms);
    if (previous >= kMinTime + options_.chunk_range_ms) previous -= options_.chunk_range_ms;
    if (previous > sealed_before_) {
      head_->SealBefore(previous);
      sealed_before_ = previous;
    }
  }
  std::vector<MemSeries*> dirty = head_->TakeDirty();
  // In ref order, the chunk, series and watermark keys of a batch reach
  // RocksDB in key order, and each memtable insert starts its search from
  // the previous one's place in the skiplist.
  std::sort(dirty.begin(), dirty.end(),
            [](const MemSeries* a, const MemSeries* b) { return a->ref() < b->ref(); });
  dirty.erase(std::unique(dirty.begin(), dirty.end()), dirty.end());

  std::vector<FlushItem> items;
  std::vector<MemSeries*> batch_series;
  ChunkCompactor compactor;  // its buffers serve every chunk of the flush
  size_t bytes = 0;
  size_t flushed = 0;
  Status status;
  size_t i = 0;
  for (; i < dirty.size(); ++i) {
    MemSeries* s = dirty[i];
    std::vector<ChunkRef> chunks = head_->ClosedChunks(s);
    if (chunks.empty()) continue;
    // The head's Gorilla chunks are stored in the (usually smaller) packed
    // encoding; the head keeps its own bytes until MarkPersisted drops them.
    size_t chunk_bytes = 0;
    std::optional<uint64_t> last_value_bits;  // of the newest chunk, for its watermark
    for (ChunkRef& c : chunks) {
      flushed += c.bytes->size();  // what leaves the head's memory
      last_value_bits.reset();
      std::string_view stored = compactor.Compact(*c.bytes, &last_value_bits);
      // A chunk stored as it is shares the head's (immutable) bytes.
      if (stored.data() != c.bytes->data()) c.bytes = std::make_shared<const std::string>(stored);
      chunk_bytes += c.bytes->size();
    }
    const model::Labels* labels = s->persisted.load() ? nullptr : &s->labels();
    // A series new to RocksDB also writes its labels, and a postings key per label.
    bytes += chunk_bytes + (labels != nullptr ? 2 * labels->encoded().size() : 0);
    TimestampMs first = std::min(chunks.front().min_t, PersistedMin(s));
    items.push_back(FlushItem{s->ref(), labels, std::move(chunks), first, last_value_bits});
    batch_series.push_back(s);
    if (bytes >= kFlushBatchBytes) {
      status = WriteFlush(&items, &batch_series);
      bytes = 0;
      if (!status.ok()) break;
    }
  }
  if (status.ok() && !items.empty()) status = WriteFlush(&items, &batch_series);
  flushed_since_trim_ += flushed;
  if (!status.ok()) {
    // Nothing of a failed batch left the head: retry every unwritten series.
    for (MemSeries* s : dirty) {
      if (!head_->ClosedChunks(s).empty()) head_->MarkDirty(s);
    }
    metrics_->flush_failures.Inc();
    log::Error("flushing chunks to RocksDB failed; they stay in the head",
               {{"err", status.ToString()}});
    return status;
  }
  metrics_->flush_duration.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  metrics_->storage_bytes.Set(static_cast<double>(store_->SizeBytes() + wal_->SizeBytes()));
  // RocksDB frees a memtable in the background once it is in an SST, after
  // the write that filled it (and usually after that flush's trim): counted
  // when the memtables shrink, seen on a later tick.
  uint64_t memtable_before = reported_rocks_.memtable_bytes;
  UpdateRocksMetrics();
  if (reported_rocks_.memtable_bytes < memtable_before) {
    flushed_since_trim_ += memtable_before - reported_rocks_.memtable_bytes;
  }
  if (flushed_since_trim_ >= kTrimAfterBytes) {
    ::malloc_trim(0);
    flushed_since_trim_ = 0;
  }
  return Status::Ok();
}

void DBImpl::UpdateRocksMetrics() {
  RocksStats st = store_->Stats();
  metrics_->rocksdb_sst_bytes.Set(static_cast<double>(st.sst_bytes));
  metrics_->rocksdb_memtable_bytes.Set(static_cast<double>(st.memtable_bytes));
  metrics_->rocksdb_block_cache_bytes.Set(static_cast<double>(st.block_cache_bytes));
  metrics_->rocksdb_pending_compaction_bytes.Set(static_cast<double>(st.pending_compaction_bytes));
  // RocksDB's figures are totals since open: the counters get the growth.
  metrics_->rocksdb_compactions.Inc(static_cast<double>(st.compactions - reported_rocks_.compactions));
  metrics_->rocksdb_compaction_seconds.Inc(
      static_cast<double>(st.compaction_micros - reported_rocks_.compaction_micros) / 1e6);
  metrics_->rocksdb_stall_seconds.Inc(
      static_cast<double>(st.stall_micros - reported_rocks_.stall_micros) / 1e6);
  reported_rocks_ = st;
}

}  // namespace vigil::tsdb
