// Tombstones: the time ranges of each series that the admin API deleted
// (DB::DeleteSeries) and that CleanTombstones has not yet removed from the
// chunks. Queriers leave the samples inside them out; chunks keep them until
// the clean rewrites those chunks. Stored in RocksDB's meta column family
// (docs/format/tsdb.md, "Tombstones").
// Thread-safety: Intervals, the filter iterator and the free functions are
// values used by one thread; Tombstones may be used from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "head.h"
#include "vigil/base/result.h"
#include "vigil/tsdb/querier.h"

namespace vigil::tsdb {

struct Interval {
  TimestampMs mint = 0;  // inclusive
  TimestampMs maxt = 0;  // inclusive
  friend bool operator==(const Interval&, const Interval&) = default;
};

// Sorted by time, disjoint and never adjacent (touching ranges are merged).
using Intervals = std::vector<Interval>;

// Adds [iv.mint, iv.maxt] (mint <= maxt), merging what it overlaps or touches.
void AddInterval(Intervals* intervals, Interval iv);
// Whether `t` is deleted.
bool IntervalsContain(const Intervals& intervals, TimestampMs t);
// Whether every time of [mint, maxt] is deleted.
bool IntervalsCover(const Intervals& intervals, TimestampMs mint, TimestampMs maxt);
// Whether some time of [mint, maxt] is deleted.
bool IntervalsOverlap(const Intervals& intervals, TimestampMs mint, TimestampMs maxt);

// uvarint count, then per interval: varint mint, uvarint (maxt - mint).
std::string EncodeIntervals(const Intervals& intervals);
Result<Intervals> DecodeIntervals(std::string_view bytes);

using TombstoneMap = std::unordered_map<SeriesRef, Intervals>;

// The current tombstones, copied on write: deletions are rare admin calls,
// while every querier takes a snapshot.
class Tombstones {
 public:
  // Null when there are none (queriers then skip every check).
  std::shared_ptr<const TombstoneMap> Snapshot() const;
  void Set(TombstoneMap map);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const TombstoneMap> map_;  // guarded by mu_; null when empty
};

// The chunk without its deleted samples: nullopt when none is left.
Result<std::optional<ChunkRef>> FilterChunk(const ChunkRef& chunk, const Intervals& deleted);

// Iterates `inner`, skipping deleted samples.
class TombstoneFilterIterator final : public SampleIterator {
 public:
  TombstoneFilterIterator(std::unique_ptr<SampleIterator> inner, const Intervals* deleted)
      : inner_(std::move(inner)), deleted_(deleted) {}
  bool Next() override;
  bool Seek(TimestampMs t) override;
  TimestampMs AtT() const override { return inner_->AtT(); }
  double AtV() const override { return inner_->AtV(); }
  Status status() const override { return inner_->status(); }

 private:
  // From the inner iterator's current sample on, the first one kept.
  bool SkipDeleted();

  std::unique_ptr<SampleIterator> inner_;
  const Intervals* deleted_;  // owned by the querier's tombstone snapshot
};

}  // namespace vigil::tsdb
