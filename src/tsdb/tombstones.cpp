#include "tombstones.h"

#include <algorithm>

#include "encoding.h"

namespace vigil::tsdb {
namespace {

// b - a for a < b, which fits in 64 unsigned bits.
uint64_t Gap(TimestampMs a, TimestampMs b) {
  return static_cast<uint64_t>(b) - static_cast<uint64_t>(a);
}

// The first interval that ends at or after `t`.
Intervals::const_iterator FirstEndingFrom(const Intervals& intervals, TimestampMs t) {
  return std::lower_bound(intervals.begin(), intervals.end(), t,
                          [](const Interval& iv, TimestampMs x) { return iv.maxt < x; });
}

}  // namespace

void AddInterval(Intervals* intervals, Interval iv) {
  Intervals out;
  out.reserve(intervals->size() + 1);
  bool placed = false;
  for (const Interval& cur : *intervals) {
    // Disjoint and not touching (maxt + 1 < mint, without overflow).
    if (cur.maxt < iv.mint && Gap(cur.maxt, iv.mint) > 1) {
      out.push_back(cur);
    } else if (iv.maxt < cur.mint && Gap(iv.maxt, cur.mint) > 1) {
      if (!placed) out.push_back(iv);
      placed = true;
      out.push_back(cur);
    } else {
      iv.mint = std::min(iv.mint, cur.mint);
      iv.maxt = std::max(iv.maxt, cur.maxt);
    }
  }
  if (!placed) out.push_back(iv);
  *intervals = std::move(out);
}

bool IntervalsContain(const Intervals& intervals, TimestampMs t) {
  auto it = FirstEndingFrom(intervals, t);
  return it != intervals.end() && it->mint <= t;
}

bool IntervalsCover(const Intervals& intervals, TimestampMs mint, TimestampMs maxt) {
  // Merged intervals never touch: one interval must hold the whole range.
  auto it = FirstEndingFrom(intervals, maxt);
  return it != intervals.end() && it->mint <= mint;
}

bool IntervalsOverlap(const Intervals& intervals, TimestampMs mint, TimestampMs maxt) {
  auto it = FirstEndingFrom(intervals, mint);
  return it != intervals.end() && it->mint <= maxt;
}

std::string EncodeIntervals(const Intervals& intervals) {
  std::string out;
  PutUvarint(intervals.size(), &out);
  for (const Interval& iv : intervals) {
    PutVarint(iv.mint, &out);
    PutUvarint(static_cast<uint64_t>(iv.maxt) - static_cast<uint64_t>(iv.mint), &out);
  }
  return out;
}

Result<Intervals> DecodeIntervals(std::string_view bytes) {
  ByteReader r(bytes);
  uint64_t n = 0;
  if (!r.GetUvarint(&n) || n > bytes.size()) {
    return Status(StatusCode::kCorruption, "malformed tombstone: bad interval count");
  }
  Intervals out;
  for (uint64_t i = 0; i < n; ++i) {
    int64_t mint = 0;
    uint64_t span = 0;
    if (!r.GetVarint(&mint) || !r.GetUvarint(&span) ||
        span > static_cast<uint64_t>(kMaxTime) - static_cast<uint64_t>(mint)) {
      return Status(StatusCode::kCorruption, "malformed tombstone: bad interval");
    }
    AddInterval(&out, Interval{mint, static_cast<TimestampMs>(static_cast<uint64_t>(mint) + span)});
  }
  if (r.remaining() != 0)
    return Status(StatusCode::kCorruption, "malformed tombstone: trailing bytes");
  return out;
}

std::shared_ptr<const TombstoneMap> Tombstones::Snapshot() const {
  std::lock_guard lock(mu_);
  return map_;
}

void Tombstones::Set(TombstoneMap map) {
  std::shared_ptr<const TombstoneMap> next;
  if (!map.empty()) next = std::make_shared<const TombstoneMap>(std::move(map));
  std::lock_guard lock(mu_);
  map_ = std::move(next);
}

Result<std::optional<ChunkRef>> FilterChunk(const ChunkRef& chunk, const Intervals& deleted) {
  ChunkEncoder kept;
  ChunkIterator it(*chunk.bytes);
  while (it.Next()) {
    if (!IntervalsContain(deleted, it.t())) kept.Append(it.t(), it.v());
  }
  if (!it.status().ok()) return it.status();
  if (kept.num_samples() == 0) return std::optional<ChunkRef>();
  return std::optional<ChunkRef>(ChunkRef{std::make_shared<const std::string>(kept.bytes()),
                                          kept.min_time(), kept.max_time()});
}

bool TombstoneFilterIterator::SkipDeleted() {
  for (;;) {
    if (!IntervalsContain(*deleted_, inner_->AtT())) return true;
    if (!inner_->Next()) return false;
  }
}

bool TombstoneFilterIterator::Next() { return inner_->Next() && SkipDeleted(); }

bool TombstoneFilterIterator::Seek(TimestampMs t) { return inner_->Seek(t) && SkipDeleted(); }

}  // namespace vigil::tsdb
