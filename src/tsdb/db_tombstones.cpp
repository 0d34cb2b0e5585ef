// DBImpl's deletions (the admin API): tombstones written durably, then
// applied to the chunks and dropped by CleanTombstones.
//
// Why a clean is safe at every step: tombstones stay in force until the very
// last step, so a crash before it only means the next clean redoes the work.
// The clean rewrites RocksDB's chunks and the head's, removes series left
// empty, then writes a WAL checkpoint (which persists RocksDB first): the
// deleted samples leave the WAL segments that still held them, so no replay
// brings them back. Only then are the tombstones erased. Watermarks are left
// as they are: they tell the replay what is already persisted, and lowering
// one would let the WAL bring deleted samples back.
#include <chrono>

#include "chunk_packed.h"
#include "db_impl.h"
#include "vigil/base/log.h"

namespace vigil::tsdb {
namespace {

// Chunk bytes per RocksDB batch of a clean, as the flusher's batches.
constexpr size_t kCleanBatchBytes = 1 << 20;

}  // namespace

Status DBImpl::LoadTombstones() {
  TombstoneMap map;
  std::vector<SeriesRef> stale;
  VIGIL_RETURN_IF_ERROR(store_->LoadTombstones([&](SeriesRef ref, std::string_view bytes) {
    VIGIL_ASSIGN_OR_RETURN(Intervals intervals, DecodeIntervals(bytes));
    // A series retention removed: its ref may be handed out again.
    if (head_->ByRef(ref) == nullptr) {
      stale.push_back(ref);
    } else {
      map.emplace(ref, std::move(intervals));
    }
    return Status::Ok();
  }));
  if (!stale.empty()) VIGIL_RETURN_IF_ERROR(store_->WriteTombstones({}, stale));
  tombstones_.Set(std::move(map));
  return Status::Ok();
}

Status DBImpl::DeleteSeries(const std::vector<model::Matcher>& matchers, TimestampMs mint,
                            TimestampMs maxt) {
  if (mint > maxt) return Status::Ok();
  // Holding maintenance_mu_ also keeps retention from removing series meanwhile.
  std::lock_guard lock(maintenance_mu_);
  std::shared_ptr<const TombstoneMap> current = tombstones_.Snapshot();
  TombstoneMap next = current != nullptr ? *current : TombstoneMap();
  std::vector<std::pair<SeriesRef, std::string>> writes;
  for (SeriesRef ref : head_->postings().Select(matchers)) {
    MemSeries* s = head_->ByRef(ref);
    if (s == nullptr) continue;
    TimestampMs newest = kMinTime;
    {
      std::lock_guard series_lock(s->mu);
      newest = s->max_t;
    }
    // Up to the newest sample only, as Prometheus clamps to the head's range:
    // what is appended later is not deleted.
    TimestampMs upto = std::min(maxt, newest);
    if (newest == kMinTime || mint > upto || !head_->HasSamplesIn(s, mint, upto)) continue;
    Intervals& intervals = next[ref];
    if (IntervalsCover(intervals, mint, upto)) continue;
    AddInterval(&intervals, Interval{mint, upto});
    writes.emplace_back(ref, EncodeIntervals(intervals));
  }
  if (writes.empty()) return Status::Ok();
  VIGIL_RETURN_IF_ERROR(store_->WriteTombstones(writes, {}).WithPrefix("deleting series"));
  // The write is in RocksDB's memtable from here on: queries honour it even
  // if making it durable fails (a later flush persists it).
  tombstones_.Set(std::move(next));
  log::Info("series deleted",
            {{"series", static_cast<int64_t>(writes.size())}, {"mint", mint}, {"maxt", maxt}});
  return store_->Persist().WithPrefix("deleting series: making the tombstones durable");
}

Result<bool> DBImpl::CleanPersisted(MemSeries* s, const Intervals& deleted, ChunkSource* reader,
                                    std::vector<ChunkEdit>* edits) {
  TimestampMs from = kMaxTime;
  TimestampMs upto = kMinTime;
  {
    std::lock_guard lock(s->mu);
    from = s->persisted_min_t;
    upto = s->persisted_max_t;
  }
  if (upto == kMinTime) return false;
  std::vector<ChunkRef> chunks;
  VIGIL_RETURN_IF_ERROR(reader->ReadChunks(s->ref(), kMinTime, kMaxTime, from, upto, &chunks));
  bool left = false;
  for (const ChunkRef& c : chunks) {
    if (!IntervalsOverlap(deleted, c.min_t, c.max_t)) {
      left = true;
      continue;
    }
    VIGIL_ASSIGN_OR_RETURN(std::optional<ChunkRef> kept, FilterChunk(c, deleted));
    left = left || kept.has_value();
    // Stored as the flusher stores chunks (packed when smaller).
    if (kept.has_value()) {
      kept->bytes = std::make_shared<const std::string>(CompactChunkForStorage(*kept->bytes));
    }
    edits->push_back(ChunkEdit{s->ref(), c.min_t, std::move(kept)});
  }
  return left;
}

Result<bool> DBImpl::CleanHead(MemSeries* s, const Intervals& deleted) {
  std::lock_guard lock(s->mu);
  std::vector<ChunkRef> kept;
  for (const ChunkRef& c : s->closed) {
    if (!IntervalsOverlap(deleted, c.min_t, c.max_t)) {
      kept.push_back(c);
      continue;
    }
    VIGIL_ASSIGN_OR_RETURN(std::optional<ChunkRef> filtered, FilterChunk(c, deleted));
    if (filtered.has_value()) kept.push_back(std::move(*filtered));
  }
  metrics_->head_chunks.Add(static_cast<double>(kept.size()) -
                            static_cast<double>(s->closed.size()));
  s->closed = std::move(kept);
  if (!s->open.empty() && IntervalsOverlap(deleted, s->open.min_time(), s->open.max_time())) {
    // Re-encoded with what is left; appends go on into it (same bucket).
    ChunkEncoder open;
    ChunkIterator it(s->open.bytes());
    while (it.Next()) {
      if (!IntervalsContain(deleted, it.t())) open.Append(it.t(), it.v());
    }
    VIGIL_RETURN_IF_ERROR(it.status());
    s->open = std::move(open);
    if (s->open.empty()) metrics_->head_chunks.Dec();  // the next append cuts a new one
  }
  return !s->closed.empty() || !s->open.empty();
}

Status DBImpl::CleanTombstones() {
  std::lock_guard lock(maintenance_mu_);
  std::shared_ptr<const TombstoneMap> current = tombstones_.Snapshot();
  if (current == nullptr) return Status::Ok();
  auto start = std::chrono::steady_clock::now();
  // Closed chunks go to RocksDB first, so most of the work is one pass there.
  VIGIL_RETURN_IF_ERROR(FlushLocked().WithPrefix("cleaning tombstones"));
  std::shared_ptr<ChunkSource> reader = store_->NewReader();
  std::vector<ChunkEdit> edits;
  size_t edit_bytes = 0;
  std::vector<MemSeries*> emptied;
  std::vector<SeriesRef> cleaned;
  for (const auto& [ref, deleted] : *current) {
    cleaned.push_back(ref);
    MemSeries* s = head_->ByRef(ref);
    if (s == nullptr) continue;
    size_t before = edits.size();
    VIGIL_ASSIGN_OR_RETURN(bool persisted_left, CleanPersisted(s, deleted, reader.get(), &edits));
    VIGIL_ASSIGN_OR_RETURN(bool head_left, CleanHead(s, deleted));
    if (!persisted_left && !head_left) emptied.push_back(s);
    for (size_t i = before; i < edits.size(); ++i) {
      if (edits[i].replacement.has_value()) edit_bytes += edits[i].replacement->bytes->size();
    }
    if (edit_bytes >= kCleanBatchBytes) {
      VIGIL_RETURN_IF_ERROR(store_->RewriteChunks(edits).WithPrefix("cleaning tombstones"));
      edits.clear();
      edit_bytes = 0;
    }
  }
  if (!edits.empty()) {
    VIGIL_RETURN_IF_ERROR(store_->RewriteChunks(edits).WithPrefix("cleaning tombstones"));
  }
  // Series with nothing left leave the head and RocksDB, as after retention
  // (kMaxTime: their watermarks no longer stand for persisted samples).
  std::vector<std::pair<SeriesRef, model::Labels>> removed = head_->RemoveEmpty(emptied, kMaxTime);
  if (!removed.empty()) {
    VIGIL_RETURN_IF_ERROR(store_->DeleteSeries(removed).WithPrefix("cleaning tombstones"));
  }
  VIGIL_RETURN_IF_ERROR(CheckpointLocked().WithPrefix("cleaning tombstones"));
  VIGIL_RETURN_IF_ERROR(store_->WriteTombstones({}, cleaned).WithPrefix("cleaning tombstones"));
  tombstones_.Set(TombstoneMap());
  VIGIL_RETURN_IF_ERROR(store_->Persist().WithPrefix("cleaning tombstones"));
  log::Info(
      "tombstones cleaned",
      {{"series", static_cast<int64_t>(cleaned.size())},
       {"series_removed", static_cast<int64_t>(removed.size())},
       {"ms", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count()}});
  return Status::Ok();
}

}  // namespace vigil::tsdb
