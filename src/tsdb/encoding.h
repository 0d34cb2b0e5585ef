// Byte-level encoding helpers shared by the WAL, the chunk and the RocksDB
// key layouts: varints (unsigned and zigzag), fixed-width big-endian integers
// (so keys sort numerically), and a bounds-checked reader over a byte span.
// Thread-safety: free functions and a value type; no shared state.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "vigil/base/result.h"
#include "vigil/model/labels.h"

namespace vigil::tsdb {

inline void PutUvarint(uint64_t n, std::string* out) {
  while (n >= 0x80) {
    out->push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out->push_back(static_cast<char>(n));
}

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

inline void PutVarint(int64_t v, std::string* out) { PutUvarint(ZigZag(v), out); }

inline void PutFixed64BE(uint64_t v, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}
inline void PutFixed32LE(uint32_t v, std::string* out) {
  for (int shift = 0; shift < 32; shift += 8) out->push_back(static_cast<char>(v >> shift));
}
inline uint64_t GetFixed64BE(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
inline uint32_t GetFixed32LE(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
// Timestamps in keys: the sign bit flipped so negative times sort first.
inline void PutTimeKey(int64_t t, std::string* out) {
  PutFixed64BE(static_cast<uint64_t>(t) ^ (1ULL << 63), out);
}
inline int64_t GetTimeKey(const char* p) {
  return static_cast<int64_t>(GetFixed64BE(p) ^ (1ULL << 63));
}

// Reads values from untrusted bytes; every getter fails instead of reading
// past the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  bool empty() const { return pos_ == data_.size(); }
  size_t remaining() const { return data_.size() - pos_; }
  // The bytes not read yet.
  std::string_view Rest() const { return data_.substr(pos_); }

  bool GetUvarint(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64 && pos_ < data_.size(); shift += 7) {
      uint8_t b = static_cast<uint8_t>(data_[pos_++]);
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) {
        *v = result;
        return true;
      }
    }
    return false;
  }
  bool GetVarint(int64_t* v) {
    uint64_t u = 0;
    if (!GetUvarint(&u)) return false;
    *v = UnZigZag(u);
    return true;
  }
  bool GetDouble(double* v) {
    if (remaining() < 8) return false;
    *v = std::bit_cast<double>(GetFixed64BE(data_.data() + pos_));
    pos_ += 8;
    return true;
  }
  bool GetBytes(size_t n, std::string_view* out) {
    if (remaining() < n) return false;
    *out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool GetLengthPrefixed(std::string_view* out) {
    uint64_t n = 0;
    return GetUvarint(&n) && GetBytes(n, out);
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

inline void PutDouble(double v, std::string* out) {
  PutFixed64BE(std::bit_cast<uint64_t>(v), out);
}

// Labels travel as their encoded buffer (see model/labels.h). Decoding
// checks the structure and rebuilds the value.
Result<model::Labels> DecodeLabels(std::string_view encoded);

}  // namespace vigil::tsdb
