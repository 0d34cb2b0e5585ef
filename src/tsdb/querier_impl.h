// The Querier over the head and the persisted chunks: matchers are answered
// from the in-memory postings; each series' head chunks are snapshotted at
// Select under the head's exclusive visibility lock (so a commit is seen
// whole or not at all), persisted chunks are read when the series is reached.
// Samples under the tombstones it was opened with are left out, and a series
// with none left in range is not returned.
// Thread-safety: one thread at a time (see vigil/tsdb/querier.h).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "head.h"
#include "tombstones.h"
#include "vigil/tsdb/querier.h"

namespace vigil::tsdb {

// A series whose newest persisted chunk a Select reads by key.
struct PersistedRead {
  SeriesRef ref = 0;
  Head::PersistedSpan span;  // what the head knew of its persisted chunks
  uint32_t first = 0;        // out: its chunks are views[first, first + count)
  uint32_t count = 0;
};

// Reads a series' persisted chunks (RocksDB); a null reader means none.
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  // Appends the chunks of `ref` overlapping [mint, maxt] whose first sample
  // is in [from, upto] (the series' persisted watermarks), oldest first.
  virtual Status ReadChunks(SeriesRef ref, TimestampMs mint, TimestampMs maxt, TimestampMs from,
                            TimestampMs upto, std::vector<ChunkRef>* out) = 0;
  // The same for many series whose range needs only their newest chunk
  // (span.newest_chunk_min_t <= mint): reads each by its key, in batches,
  // and scans those whose key is gone (a clean moved it). Copies the bytes
  // into `arena`, appends views to `views`, and sets each read's first/count.
  virtual Status ReadNewest(TimestampMs mint, TimestampMs maxt, std::vector<PersistedRead>* reads,
                            ChunkArena* arena, std::vector<ChunkView>* views) = 0;
  // Called after the head was snapshotted: later reads must see at least
  // every chunk persisted before this call (the flusher writes RocksDB
  // before it drops chunks from the head).
  virtual void Refresh() = 0;
};

// Iterates a list of non-overlapping chunks, oldest first, within [mint, maxt].
// `owner` keeps the chunks' bytes alive.
class ChunkListIterator final : public SampleIterator {
 public:
  ChunkListIterator(std::shared_ptr<const void> owner, std::span<const ChunkView> chunks,
                    TimestampMs mint, TimestampMs maxt);
  bool Next() override;
  bool Seek(TimestampMs t) override;
  TimestampMs AtT() const override;
  double AtV() const override;
  Status status() const override { return status_; }

 private:
  bool OpenChunk();

  std::shared_ptr<const void> owner_;
  std::span<const ChunkView> chunks_;
  TimestampMs mint_;
  TimestampMs maxt_;
  size_t index_ = 0;
  std::optional<ChunkIterator> it_;
  bool done_ = false;
  bool valid_ = false;  // At() is a sample in range
  bool returned_ = false;  // a sample was returned; last_t_ is its time
  TimestampMs last_t_ = 0;
  Status status_;
};

class HeadQuerier final : public Querier {
 public:
  // Covers [mint, maxt]. `source` and `tombstones` may be null. The
  // tombstones must be taken before the head is read (a clean rewrites the
  // chunks before it drops the tombstones).
  // Pins the head's epoch, so the series it reads stay allocated.
  HeadQuerier(Head* head, std::shared_ptr<ChunkSource> source, TimestampMs mint,
              TimestampMs maxt, std::shared_ptr<const TombstoneMap> tombstones = nullptr);
  ~HeadQuerier() override;

  // Series are always returned sorted (cheap next to reading them).
  std::unique_ptr<SeriesSet> Select(bool sorted, const SelectHints* hints,
                                    const std::vector<model::Matcher>& matchers) override;
  Result<std::vector<std::string>> LabelNames(
      const std::vector<model::Matcher>& matchers) override;
  Result<std::vector<std::string>> LabelValues(
      std::string_view name, const std::vector<model::Matcher>& matchers) override;

 private:
  // An unbounded range: the index answers label queries without matchers.
  bool CoversAllTime() const;
  // The deleted intervals of `ref`; null when it has none.
  const Intervals* DeletedOf(SeriesRef ref) const;
  // Whether `s` has samples in range that are not deleted (at the
  // granularity of HasSamplesIn).
  bool HasLiveSamples(MemSeries* s) const;

  Head* head_;
  std::shared_ptr<ChunkSource> source_;
  const TimestampMs mint_;
  const TimestampMs maxt_;
  const uint64_t epoch_;
  const std::shared_ptr<const TombstoneMap> tombstones_;
};

}  // namespace vigil::tsdb
