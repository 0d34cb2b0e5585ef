// The head's series by ref, for the appender's hot path (one lookup per
// sample). Refs are handed out densely from 1, so a two-level array (a
// directory of fixed-size segments) finds a series with three atomic loads
// and no lock; a hash map behind striped locks cost ~12% of the CPU of a
// scrape in profiles. Writers (insert, remove) serialize on a mutex.
//
// Memory: a segment is 8 bytes per ref. A segment whose series all left (the
// refs of churned series are never reused) is detached and handed back to
// the caller, who frees it once no reader can still hold it (the head's
// epochs); so are grown-out directories, kept until the table dies (their
// sizes sum to less than the current one's).
// Thread-safety: Get from any thread, lock-free; a reader must be protected
// by the caller's epoch against frees of what Remove detached. Insert,
// Remove and ForEach from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "vigil/tsdb/appender.h"

namespace vigil::tsdb {

class MemSeries;

class SeriesRefTable {
 public:
  static constexpr int kSegmentBits = 12;
  static constexpr size_t kSegmentSize = size_t{1} << kSegmentBits;

  struct Segment {
    std::atomic<MemSeries*> slots[kSegmentSize] = {};
    size_t live = 0;  // guarded by the table's mutex
  };

  SeriesRefTable();
  ~SeriesRefTable();  // deletes the series still in it
  SeriesRefTable(const SeriesRefTable&) = delete;
  SeriesRefTable& operator=(const SeriesRefTable&) = delete;

  MemSeries* Get(SeriesRef ref) const {
    const Directory* dir = dir_.load(std::memory_order_acquire);
    size_t index = static_cast<size_t>(ref >> kSegmentBits);
    if (index >= dir->size) return nullptr;
    const Segment* seg = dir->segments[index].load(std::memory_order_acquire);
    if (seg == nullptr) return nullptr;
    return seg->slots[ref & (kSegmentSize - 1)].load(std::memory_order_acquire);
  }

  // Takes ownership of `series`. Precondition: no series under its ref.
  void Insert(std::unique_ptr<MemSeries> series);
  // Releases the series under `ref` (null when there is none). When that
  // empties its segment, and newer segments exist, the segment is detached
  // and returned in `*detached` for the caller to free after its readers.
  std::unique_ptr<MemSeries> Remove(SeriesRef ref, std::unique_ptr<Segment>* detached);
  // Calls fn for every series, a segment at a time, without holding the lock
  // during the calls.
  void ForEach(const std::function<void(MemSeries*)>& fn) const;

 private:
  struct Directory {
    explicit Directory(size_t n)
        : size(n), segments(std::make_unique<std::atomic<Segment*>[]>(n)) {}
    const size_t size;
    std::unique_ptr<std::atomic<Segment*>[]> segments;
  };

  mutable std::mutex mu_;  // serializes writers and ForEach
  std::atomic<const Directory*> dir_;
  std::vector<std::unique_ptr<Directory>> directories_;  // guarded by mu_; the last is dir_
  size_t highest_segment_ = 0;                           // guarded by mu_
};

}  // namespace vigil::tsdb
