// The head: every known series in memory, interned by the hash of its labels
// in striped hash maps (so appenders on different series rarely contend),
// each with its not-yet-persisted chunks and one open chunk being appended.
// Full chunks wait in `closed` until the flusher has written them to RocksDB.
//
// Series without samples left (after retention) are removed; their memory is
// freed only once every appender batch and querier that could still hold a
// pointer to them has ended (an epoch scheme: Pin/Unpin).
//
// Commits are applied in the order the WAL sequenced them, under the shared
// side of `visibility_mu()`; readers that need a batch-consistent view of
// several series (the querier) snapshot them under the exclusive side.
// Thread-safety: every method may be called from any thread. A MemSeries's
// mutable fields are guarded by its `mu`.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "chunk.h"
#include "chunk_view.h"
#include "metrics_set.h"
#include "postings.h"
#include "series_lock.h"
#include "series_refs.h"
#include "vigil/model/labels.h"
#include "vigil/tsdb/appender.h"

namespace vigil::tsdb {

inline constexpr TimestampMs kMinTime = std::numeric_limits<int64_t>::min();
inline constexpr TimestampMs kMaxTime = std::numeric_limits<int64_t>::max();
// Refs count up from 1 and are never reused; 2^36 lasts ~78 years at 100k
// new series an hour, and bounds the ref table's directory (128 MiB at most).
inline constexpr SeriesRef kMaxSeriesRef = SeriesRef{1} << 36;

// An immutable chunk of a series.
struct ChunkRef {
  std::shared_ptr<const std::string> bytes;
  TimestampMs min_t = 0;
  TimestampMs max_t = 0;
};

class MemSeries {
 public:
  MemSeries(SeriesRef ref, model::Labels labels) : ref_(ref), labels_(std::move(labels)) {}
  SeriesRef ref() const { return ref_; }
  const model::Labels& labels() const { return labels_; }

  // The fields every append reads or writes come first: the append checks
  // the first 64 bytes, the commit's apply also writes the open chunk right
  // after them (the head's many series rarely stay cached from one scrape to
  // the next).
  mutable SeriesLock mu;
  // Open appender batches holding this series: raised under mu (so
  // RemoveEmpty, which reads it under mu, never misses a holder), lowered
  // without it when a batch ends.
  std::atomic<int> in_batches{0};
  bool removed = false;  // guarded by mu; no longer in the head's maps
  std::atomic<bool> logged{false};     // its series record is in the WAL
  std::atomic<bool> persisted{false};  // its labels are in RocksDB
  TimestampMs max_t = kMinTime;          // guarded by mu; newest committed sample
  uint64_t last_v_bits = 0;              // guarded by mu; its value
  // The newest sample an uncommitted batch holds for this series, so Append
  // can refuse out-of-order samples within a batch (guarded by mu).
  uint64_t pending_token = 0;
  TimestampMs pending_t = 0;
  uint64_t pending_v_bits = 0;

 private:
  const SeriesRef ref_;

 public:
  ChunkEncoder open;  // guarded by mu; empty when no chunk is open
  std::vector<ChunkRef> closed;          // guarded by mu; full, not yet persisted, oldest first
  TimestampMs persisted_max_t = kMinTime;  // guarded by mu; newest sample in RocksDB
  TimestampMs persisted_min_t = kMaxTime;  // guarded by mu; start of its oldest RocksDB chunk
  // Guarded by mu: the start of its newest RocksDB chunk, so a query that
  // needs only that chunk reads it by key; kMinTime when not known (after a
  // restart), and possibly stale after a tombstone clean (a read by key then
  // finds nothing and falls back to a scan).
  TimestampMs persisted_newest_min_t = kMinTime;

 private:
  const model::Labels labels_;
};

struct HeadOptions {
  int max_samples_per_chunk = 120;
  // Chunks never straddle a multiple of this (the retention buckets).
  int64_t chunk_range_ms = 2 * 3600 * 1000;
};

// What a commit hands to the head (and to the WAL before it).
struct PendingSample {
  PendingSample(MemSeries* s, TimestampMs t, double v) : series(s), ref(s->ref()), t(t), v(v) {}
  MemSeries* series;
  SeriesRef ref;  // series->ref(), so logging the batch reads no series
  TimestampMs t;
  double v;
};
struct Batch {
  std::vector<MemSeries*> new_series;  // series whose record is not yet logged
  std::vector<PendingSample> samples;
};

class Head {
 public:
  Head(HeadOptions options, MetricsSet* metrics);
  ~Head();
  Head(const Head&) = delete;
  Head& operator=(const Head&) = delete;

  // The series with these labels, created (with a new ref) when unknown.
  MemSeries* GetOrCreate(const model::Labels& labels);
  // As GetOrCreate, with the ref it had before (WAL replay, RocksDB load).
  // Returns the existing series when the labels are known under another ref,
  // null when `ref` is above kMaxSeriesRef (corrupt input).
  MemSeries* GetOrCreateWithRef(SeriesRef ref, const model::Labels& labels);
  MemSeries* ByRef(SeriesRef ref) const;

  enum class AppendOutcome { kAppended, kIgnored, kOutOfOrder, kDuplicate };
  // Checks a sample against the newest committed one of `s` (caller holds s->mu).
  static AppendOutcome Check(const MemSeries& s, TimestampMs t, uint64_t v_bits);
  // Appends a committed sample, counting refusals. Takes s->mu.
  AppendOutcome AppendCommitted(MemSeries* s, TimestampMs t, double v);

  // Replay: appends a sample unless it is not newer than the series' newest
  // (already applied or persisted); nothing is counted as refused.
  void ReplaySample(MemSeries* s, TimestampMs t, double v);
  // Replay: raises the series' newest and persisted times to at least these.
  void RestoreWatermarks(MemSeries* s, TimestampMs max_t, uint64_t last_v_bits,
                         TimestampMs persisted_max_t);
  // Blocks until every commit up to `seq` is applied.
  void WaitApplied(uint64_t seq);

  // Applies a batch (already in the WAL) as seq-th commit: waits for the
  // commits before it, so commits become visible in WAL order.
  // `apply` false skips the samples (the WAL write failed) but keeps the order.
  void ApplyInOrder(uint64_t seq, const Batch& batch, bool apply);
  // The sequence number of the newest applied commit.
  uint64_t applied_seq() const;
  // Makes the next sequence `seq + 1` (after replay).
  void ResetSeq(uint64_t seq);
  MetricsSet* metrics() const { return metrics_; }

  // What a query reads of a series under its lock, besides its head chunks.
  struct PersistedSpan {
    TimestampMs min_t = kMaxTime;  // start of its oldest persisted chunk
    TimestampMs max_t = kMinTime;  // its newest persisted sample; kMinTime: none
    TimestampMs newest_chunk_min_t = kMinTime;  // see MemSeries::persisted_newest_min_t
  };
  // Appends the series' head chunks overlapping [mint, maxt], oldest first,
  // to `views`: full chunks as views of the head's immutable bytes (whose
  // owners are appended to `owners`), the open chunk as a copy in `arena`.
  // Returns what is persisted (samples up to its max_t are in RocksDB).
  PersistedSpan Snapshot(MemSeries* s, TimestampMs mint, TimestampMs maxt, ChunkArena* arena,
                         std::vector<ChunkView>* views,
                         std::vector<std::shared_ptr<const std::string>>* owners) const;
  // A sequence number for a commit when there is no WAL to sequence it.
  uint64_t NextSeq();
  // The oldest time an append may have (retention); older is out of bounds.
  TimestampMs min_valid_time() const { return min_valid_time_.load(); }
  void set_min_valid_time(TimestampMs t) { min_valid_time_.store(t); }

  std::shared_mutex& visibility_mu() { return visibility_mu_; }
  const PostingsIndex& postings() const { return postings_; }
  size_t NumSeries() const { return postings_.NumSeries(); }
  SeriesRef next_ref() const { return next_ref_.load(); }

  // Calls fn for every series (in no particular order).
  void ForEachSeries(const std::function<void(MemSeries*)>& fn) const;

  // Series with closed chunks or unpersisted labels since the last call.
  std::vector<MemSeries*> TakeDirty();
  size_t NumDirtyChunks() const { return dirty_chunks_.load(); }
  void MarkDirty(MemSeries* s);

  // The flusher's side. The closed chunks of `s` (copies of the refs), oldest first.
  std::vector<ChunkRef> ClosedChunks(MemSeries* s) const;
  // The first `n` closed chunks of `s` are in RocksDB from `min_t` up to
  // `max_t`: drops them and moves the watermarks, in one step under s->mu so
  // a querier sees each chunk in exactly one place.
  void MarkPersisted(MemSeries* s, size_t n, TimestampMs min_t, TimestampMs max_t);

  const HeadOptions& options() const { return options_; }

  // Epochs: while pinned, no series pointer obtained from the head is freed.
  // Appenders pin for a batch, queriers for their lifetime.
  uint64_t Pin();
  void Unpin(uint64_t epoch);

  // Retention: drops the chunks of `s` that end before `t`; true when the
  // series then has no sample left in the head.
  bool TruncateBefore(MemSeries* s, TimestampMs t);
  // Removes the series that have no sample in the head, none persisted at or
  // after `persisted_floor`, and no open appender batch. Returns their refs
  // and labels (for the store), in no particular order.
  std::vector<std::pair<SeriesRef, model::Labels>> RemoveEmpty(
      const std::vector<MemSeries*>& candidates, TimestampMs persisted_floor);
  // Whether `s` may have samples in [mint, maxt]: a head chunk overlaps it,
  // or the span of its persisted chunks does (chunk granularity).
  bool HasSamplesIn(MemSeries* s, TimestampMs mint, TimestampMs maxt) const;
  // The newest committed sample time over all series (kMinTime: none).
  TimestampMs MaxTime() const;
  // The same, kept as samples are appended (no walk).
  TimestampMs newest() const { return newest_.load(std::memory_order_relaxed); }
  // Closes every open chunk that ends before `t` (its series stopped
  // receiving samples), so the flusher moves it to RocksDB. Returns how many.
  size_t SealBefore(TimestampMs t);

 private:
  static constexpr size_t kStripes = 1024;
  struct HashStripe {
    // The series with these labels, or null (caller holds mu).
    MemSeries* Find(uint64_t hash, const model::Labels& labels) const;

    mutable std::mutex mu;
    // One node per series (a vector per hash would cost two allocations).
    std::unordered_multimap<uint64_t, MemSeries*> by_hash;  // guarded by mu
  };
  MemSeries* Insert(SeriesRef ref, const model::Labels& labels, uint64_t hash);
  void CutChunk(MemSeries* s);  // caller holds s->mu
  // Appends a sample without counting it; *cut is set when a full chunk was
  // closed (caller holds s->mu, and calls MarkDirty after releasing it).
  AppendOutcome AppendLocked(MemSeries* s, TimestampMs t, double v, bool* cut);
  void ApplyBatch(const Batch& batch);
  void RaiseNewest(TimestampMs t);

  const HeadOptions options_;
  MetricsSet* metrics_;
  // A hash stripe's lock may be held while refs_ takes its own, never the
  // other way round.
  std::unique_ptr<HashStripe[]> hash_stripes_;
  SeriesRefTable refs_;
  std::atomic<SeriesRef> next_ref_{1};
  std::atomic<uint64_t> next_seq_{0};
  std::atomic<TimestampMs> min_valid_time_{kMinTime};
  std::atomic<TimestampMs> newest_{kMinTime};  // the newest sample appended
  PostingsIndex postings_;

  std::shared_mutex visibility_mu_;
  mutable std::mutex seq_mu_;
  std::condition_variable seq_cv_;
  uint64_t applied_seq_ = 0;  // guarded by seq_mu_

  void Reclaim();             // caller holds epoch_mu_

  std::mutex epoch_mu_;
  uint64_t epoch_ = 1;                    // guarded by epoch_mu_
  std::multiset<uint64_t> pinned_;        // guarded by epoch_mu_
  // Removed series and the epoch they were removed in (guarded by epoch_mu_).
  std::vector<std::pair<uint64_t, std::unique_ptr<MemSeries>>> graveyard_;
  // Ref table segments left empty by removals, with their epoch (guarded by epoch_mu_).
  std::vector<std::pair<uint64_t, std::unique_ptr<SeriesRefTable::Segment>>> segment_graveyard_;

  std::mutex dirty_mu_;
  std::vector<MemSeries*> dirty_;  // guarded by dirty_mu_
  std::atomic<size_t> dirty_chunks_{0};
};

}  // namespace vigil::tsdb
