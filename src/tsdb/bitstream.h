// Bit-granular writer and reader for the Gorilla chunk encoding: bits are
// written most significant first into a growing byte string.
// Thread-safety: value types; one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil::tsdb {

// The low `bits` bits of v as a two's-complement number (1 <= bits <= 64):
// how a Gorilla chunk stores a delta of deltas.
inline int64_t SignExtend(uint64_t v, int bits) {
  if (bits >= 64) return static_cast<int64_t>(v);
  uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((v ^ sign) - sign);
}

class BitWriter {
 public:
  // Bits are appended to `out` starting after its existing `bit_len` bits.
  explicit BitWriter(std::string* out) : out_(out) {}

  void WriteBit(bool bit) {
    if (free_bits_ == 0) {
      out_->push_back(0);
      free_bits_ = 8;
    }
    --free_bits_;
    if (bit) out_->back() = static_cast<char>(static_cast<uint8_t>(out_->back()) | (1u << free_bits_));
  }

  // Writes the low `n` bits of `v`, most significant first. 0 <= n <= 64.
  void WriteBits(uint64_t v, int n) {
    while (n > 0) {
      if (free_bits_ == 0) {
        out_->push_back(0);
        free_bits_ = 8;
      }
      int take = n < free_bits_ ? n : free_bits_;
      uint64_t chunk = (v >> (n - take)) & ((1ULL << take) - 1);
      uint8_t byte = static_cast<uint8_t>(out_->back());
      byte |= static_cast<uint8_t>(chunk << (free_bits_ - take));
      out_->back() = static_cast<char>(byte);
      free_bits_ -= take;
      n -= take;
    }
  }

  int free_bits() const { return free_bits_; }
  void set_free_bits(int n) { free_bits_ = n; }

 private:
  std::string* out_;
  int free_bits_ = 0;  // unused low bits of out_->back()
};

class BitReader {
 public:
  explicit BitReader(std::string_view data) : data_(data) {}

  // False when no bits are left.
  bool ReadBit(bool* bit) {
    if (pos_ >= data_.size() * 8) return false;
    uint8_t byte = static_cast<uint8_t>(data_[pos_ >> 3]);
    *bit = (byte >> (7 - (pos_ & 7))) & 1;
    ++pos_;
    return true;
  }

  // Reads `n` bits (0 <= n <= 64) into the low bits of *v.
  bool ReadBits(int n, uint64_t* v) {
    if (pos_ + static_cast<size_t>(n) > data_.size() * 8) return false;
    uint64_t result = 0;
    while (n > 0) {
      size_t bit_in_byte = pos_ & 7;
      int avail = static_cast<int>(8 - bit_in_byte);
      int take = n < avail ? n : avail;
      uint8_t byte = static_cast<uint8_t>(data_[pos_ >> 3]);
      uint64_t bits = (byte >> (avail - take)) & ((1u << take) - 1);
      result = (result << take) | bits;
      pos_ += static_cast<size_t>(take);
      n -= take;
    }
    *v = result;
    return true;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;  // in bits
};

}  // namespace vigil::tsdb
