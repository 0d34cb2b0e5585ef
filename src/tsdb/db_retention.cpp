// DBImpl's retention: whole time buckets dropped from RocksDB, old chunks
// from the head, and series left without samples from both.
#include <chrono>

#include "db_impl.h"
#include "store_keys.h"
#include "vigil/base/log.h"

namespace vigil::tsdb {

Status DBImpl::ApplyRetention() {
  std::lock_guard lock(maintenance_mu_);
  Status s = RetentionLocked();
  if (!s.ok()) log::Error("applying retention failed", {{"err", s.ToString()}});
  return s;
}

Status DBImpl::DropHeadBefore(TimestampMs floor, size_t* removed_count) {
  if (floor > head_->min_valid_time()) head_->set_min_valid_time(floor);
  std::vector<MemSeries*> empty;
  head_->ForEachSeries([&](MemSeries* s) {
    if (head_->TruncateBefore(s, floor)) empty.push_back(s);
  });
  std::vector<std::pair<SeriesRef, model::Labels>> removed = head_->RemoveEmpty(empty, floor);
  *removed_count = removed.size();
  if (removed.empty()) return Status::Ok();
  return store_->DeleteSeries(removed);
}

Status DBImpl::RetentionLocked() {
  // The flush drains the head's dirty list, so no series about to be
  // removed is still waiting there.
  VIGIL_RETURN_IF_ERROR(FlushLocked());
  auto start = std::chrono::steady_clock::now();
  uint64_t dropped = 0;
  TimestampMs newest = head_->MaxTime();
  if (options_.retention_time_ms > 0) {
    if (newest != kMinTime && newest >= kMinTime + options_.retention_time_ms) {
      VIGIL_ASSIGN_OR_RETURN(uint64_t n, store_->DropBefore(newest - options_.retention_time_ms));
      dropped += n;
    }
  }
  if (options_.retention_size_bytes > 0 && newest != kMinTime) {
    // Each pass drops one bucket; the loop ends when none is left but the
    // one being written (as Prometheus, size never costs the head).
    TimestampMs limit = BucketStart(newest, options_.chunk_range_ms);
    while (store_->SizeBytes() + wal_->SizeBytes() > options_.retention_size_bytes) {
      VIGIL_ASSIGN_OR_RETURN(bool more, store_->DropOldestBucket(limit));
      if (!more) break;
      ++dropped;
    }
  }
  VIGIL_ASSIGN_OR_RETURN(TimestampMs floor, store_->MinTime());
  if (floor == kMinTime) return Status::Ok();
  size_t removed = 0;
  VIGIL_RETURN_IF_ERROR(DropHeadBefore(floor, &removed));

  metrics_->retention_deletions.Inc(static_cast<double>(dropped));
  metrics_->min_time.Set(static_cast<double>(floor) / 1000.0);
  metrics_->storage_bytes.Set(static_cast<double>(store_->SizeBytes() + wal_->SizeBytes()));
  if (dropped > 0 || removed > 0) {
    log::Info("retention applied",
              {{"buckets_dropped", static_cast<int64_t>(dropped)},
               {"series_removed", static_cast<int64_t>(removed)},
               {"min_time", floor},
               {"ms", std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start)
                          .count()}});
  }
  return Status::Ok();
}

}  // namespace vigil::tsdb
