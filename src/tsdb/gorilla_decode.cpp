#include "gorilla_decode.h"

#include <bit>
#include <cstring>

#include "bitstream.h"

namespace vigil::tsdb {
namespace {

constexpr size_t kHeaderSize = 2;  // the big-endian sample count

// Reads a bit stream, most significant bit first, through 64-bit windows.
// Reads may run past the end (bits there read as 0): the caller checks
// overran() after each sample, before using what it read.
class BitCursor {
 public:
  explicit BitCursor(std::string_view bytes)
      : data_(reinterpret_cast<const uint8_t*>(bytes.data())), size_(bytes.size()) {}

  // At least the next 57 bits, left-aligned.
  uint64_t Peek() const {
    const size_t byte = pos_ >> 3;
    uint64_t w = 0;
    if (byte + 8 <= size_) {
      std::memcpy(&w, data_ + byte, 8);
      w = __builtin_bswap64(w);  // big-endian: the first byte on top
    } else {
      for (size_t i = byte; i < byte + 8; ++i) w = (w << 8) | (i < size_ ? data_[i] : 0);
    }
    return w << (pos_ & 7);
  }
  void Skip(int n) { pos_ += static_cast<size_t>(n); }
  // The next n bits (1 <= n <= 64).
  uint64_t Read(int n) {
    if (n > 57) {
      uint64_t hi = Read(n - 32);
      return (hi << 32) | Read(32);
    }
    uint64_t v = Peek() >> (64 - n);
    pos_ += static_cast<size_t>(n);
    return v;
  }
  bool overran() const { return pos_ > size_ * 8; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;  // in bits
};

}  // namespace

bool DecodeGorillaChunk(std::string_view chunk, std::vector<TimestampMs>* ts,
                        std::vector<uint64_t>* value_bits) {
  ts->clear();
  value_bits->clear();
  if (chunk.size() < kHeaderSize) return false;
  const size_t n =
      (static_cast<size_t>(static_cast<uint8_t>(chunk[0])) << 8) | static_cast<uint8_t>(chunk[1]);
  if (n == 0) return true;
  ts->resize(n);
  value_bits->resize(n);
  TimestampMs* t_out = ts->data();
  uint64_t* v_out = value_bits->data();
  BitCursor bits(chunk.substr(kHeaderSize));
  // Times and deltas in modular 64-bit arithmetic, as the encoder wrote them.
  uint64_t t = bits.Read(64);
  uint64_t v = bits.Read(64);
  if (bits.overran()) return false;
  t_out[0] = static_cast<TimestampMs>(t);
  v_out[0] = v;
  uint64_t delta = 0;
  int leading = 0;
  int trailing = 0;
  bool window = false;  // a value window was read
  for (size_t i = 1; i < n; ++i) {
    // Timestamp: '0', or 1-4 ones ('10', '110', '1110', '1111') and a dod
    // of 9, 14, 20 or 64 bits.
    uint64_t w = bits.Peek();
    if ((w >> 63) == 0) {
      bits.Skip(1);
    } else {
      int ones = std::countl_one(w);
      if (ones > 4) ones = 4;
      constexpr int kDodBits[] = {9, 14, 20, 64};
      const int dod_bits = kDodBits[ones - 1];
      bits.Skip(ones < 4 ? ones + 1 : 4);
      delta += static_cast<uint64_t>(SignExtend(bits.Read(dod_bits), dod_bits));
    }
    t += delta;
    // Value: '0' (unchanged), '10' (the previous window) or '11', 6 bits of
    // leading zeros, 6 bits of length - 1 (a new window), then the XOR.
    w = bits.Peek();
    if ((w >> 63) == 0) {
      bits.Skip(1);
    } else {
      if ((w >> 62) & 1) {
        const int lead = static_cast<int>((w >> 56) & 0x3f);
        const int sig = static_cast<int>((w >> 50) & 0x3f) + 1;
        if (lead + sig > 64) return false;
        leading = lead;
        trailing = 64 - lead - sig;
        window = true;
        bits.Skip(14);
      } else {
        if (!window) return false;  // reuse of a window never set
        bits.Skip(2);
      }
      v ^= bits.Read(64 - leading - trailing) << trailing;
    }
    if (bits.overran()) return false;
    t_out[i] = static_cast<TimestampMs>(t);
    v_out[i] = v;
  }
  return true;
}

}  // namespace vigil::tsdb
