#include "series_refs.h"

#include <algorithm>

#include "head.h"

namespace vigil::tsdb {
namespace {

constexpr size_t kInitialSegments = 16;  // 64k refs before the first growth

}  // namespace

SeriesRefTable::SeriesRefTable() {
  directories_.push_back(std::make_unique<Directory>(kInitialSegments));
  dir_.store(directories_.back().get());
}

SeriesRefTable::~SeriesRefTable() {
  const Directory* dir = dir_.load();
  for (size_t i = 0; i < dir->size; ++i) {
    std::unique_ptr<Segment> seg(dir->segments[i].load());
    if (seg == nullptr) continue;
    for (std::atomic<MemSeries*>& slot : seg->slots) delete slot.load();
  }
}

void SeriesRefTable::Insert(std::unique_ptr<MemSeries> series) {
  const SeriesRef ref = series->ref();
  const size_t index = static_cast<size_t>(ref >> kSegmentBits);
  std::lock_guard lock(mu_);
  const Directory* dir = dir_.load();
  if (index >= dir->size) {
    // Grow: readers keep using the old directory until they see the new one;
    // both point to the same segments.
    auto grown = std::make_unique<Directory>(std::max(index + 1, dir->size * 2));
    for (size_t i = 0; i < dir->size; ++i) grown->segments[i].store(dir->segments[i].load());
    directories_.push_back(std::move(grown));
    dir = directories_.back().get();
    dir_.store(dir, std::memory_order_release);
  }
  Segment* seg = dir->segments[index].load();
  if (seg == nullptr) {
    seg = new Segment();
    dir->segments[index].store(seg, std::memory_order_release);
  }
  highest_segment_ = std::max(highest_segment_, index);
  ++seg->live;
  seg->slots[ref & (kSegmentSize - 1)].store(series.release(), std::memory_order_release);
}

std::unique_ptr<MemSeries> SeriesRefTable::Remove(SeriesRef ref,
                                                  std::unique_ptr<Segment>* detached) {
  const size_t index = static_cast<size_t>(ref >> kSegmentBits);
  std::lock_guard lock(mu_);
  const Directory* dir = dir_.load();
  if (index >= dir->size) return nullptr;
  Segment* seg = dir->segments[index].load();
  if (seg == nullptr) return nullptr;
  std::unique_ptr<MemSeries> series(
      seg->slots[ref & (kSegmentSize - 1)].exchange(nullptr, std::memory_order_acq_rel));
  if (series == nullptr) return nullptr;
  if (--seg->live == 0 && index < highest_segment_) {
    // New refs go to higher segments: this one would stay empty forever.
    dir->segments[index].store(nullptr, std::memory_order_release);
    detached->reset(seg);
  }
  return series;
}

void SeriesRefTable::ForEach(const std::function<void(MemSeries*)>& fn) const {
  std::vector<MemSeries*> batch;
  for (size_t i = 0;; ++i) {
    batch.clear();
    {
      std::lock_guard lock(mu_);
      const Directory* dir = dir_.load();
      if (i >= dir->size) break;
      const Segment* seg = dir->segments[i].load();
      if (seg == nullptr) continue;
      for (const std::atomic<MemSeries*>& slot : seg->slots) {
        if (MemSeries* s = slot.load(); s != nullptr) batch.push_back(s);
      }
    }
    for (MemSeries* s : batch) fn(s);
  }
}

}  // namespace vigil::tsdb
