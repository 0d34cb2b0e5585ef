// What a query reads chunks into: views of chunk bytes kept in an arena
// that lives as long as the query's series set, so a Select of many series
// costs a few block allocations instead of one string per chunk.
// Thread-safety: single-threaded values.
#pragma once

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "vigil/base/clock.h"

namespace vigil::tsdb {

// A chunk's bytes (owned elsewhere) and its time span.
struct ChunkView {
  std::string_view bytes;
  TimestampMs min_t = 0;
  TimestampMs max_t = 0;
};

// Copies of byte strings in blocks that never move or shrink.
class ChunkArena {
 public:
  std::string_view Copy(std::string_view bytes) {
    char* at = nullptr;
    if (bytes.size() > kBlockSize / 4) {
      // A big string gets a block of its own; the current one stays in use.
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(bytes.size()));
      at = blocks_.back().get();
    } else {
      if (bytes.size() > free_) {
        blocks_.push_back(std::make_unique_for_overwrite<char[]>(kBlockSize));
        next_ = blocks_.back().get();
        free_ = kBlockSize;
      }
      at = next_;
      next_ += bytes.size();
      free_ -= bytes.size();
    }
    if (!bytes.empty()) std::memcpy(at, bytes.data(), bytes.size());
    return {at, bytes.size()};
  }

  // Frees every copy.
  void Clear() {
    blocks_.clear();
    next_ = nullptr;
    free_ = 0;
  }

 private:
  static constexpr size_t kBlockSize = 64 * 1024;

  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t free_ = 0;
};

}  // namespace vigil::tsdb
