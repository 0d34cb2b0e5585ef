// TextArena: stores many small strings in large blocks, so each costs its
// bytes and no allocation of its own, and the views it hands out stay valid
// (blocks never move) until the arena is destroyed.
// Thread-safety: one thread at a time.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace vigil::scrape {

class TextArena {
 public:
  std::string_view Add(std::string_view text) {
    if (text.size() > capacity_ - used_) {
      // A text larger than a block gets a block of its own.
      capacity_ = std::max(kBlockBytes, text.size());
      blocks_.push_back(std::make_unique<char[]>(capacity_));
      used_ = 0;
    }
    char* dst = blocks_.back().get() + used_;
    if (!text.empty()) std::memcpy(dst, text.data(), text.size());
    used_ += text.size();
    bytes_ += text.size();
    return {dst, text.size()};
  }
  // Bytes of every text added.
  size_t bytes() const { return bytes_; }

 private:
  static constexpr size_t kBlockBytes = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t capacity_ = 0;  // of the last block
  size_t used_ = 0;      // of the last block
  size_t bytes_ = 0;
};

}  // namespace vigil::scrape
