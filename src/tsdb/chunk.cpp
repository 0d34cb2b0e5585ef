#include "chunk.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "chunk_packed.h"

namespace vigil::tsdb {
namespace {

constexpr size_t kHeaderSize = 2;

struct DodBucket {
  uint64_t prefix;
  int prefix_bits;
  int value_bits;
};
// Delta-of-delta buckets after the '0' (dod == 0) case.
constexpr DodBucket kDodBuckets[] = {
    {0b10, 2, 9},
    {0b110, 3, 14},
    {0b1110, 4, 20},
    {0b1111, 4, 64},
};

bool FitsSigned(int64_t v, int bits) {
  if (bits >= 64) return true;
  int64_t lo = -(int64_t{1} << (bits - 1));
  int64_t hi = (int64_t{1} << (bits - 1)) - 1;
  return v >= lo && v <= hi;
}

int64_t WrapSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

}  // namespace

namespace {

// One sample's bits, most significant first, gathered in 64-bit words and
// appended to the chunk at once. It starts from the bits already in the
// chunk's last byte (kept by the encoder as `tail`), and rewrites that byte,
// so the chunk's buffer is never read.
class SampleBits {
 public:
  SampleBits(uint8_t tail, int free_bits)
      : acc_(free_bits > 0 ? static_cast<uint64_t>(tail >> free_bits) : 0),
        acc_bits_(free_bits > 0 ? 8 - free_bits : 0),
        rewrites_tail_(free_bits > 0) {}

  // Writes the low `n` bits of `v`, most significant first. 1 <= n <= 64.
  // Bits of acc_ above acc_bits_ are left over from emitted words: every
  // shift moves them out before they could be stored.
  void Put(uint64_t v, int n) {
    if (n < 64) v &= (uint64_t{1} << n) - 1;
    const int room = 64 - acc_bits_;
    if (n < room) {
      acc_ = (acc_ << n) | v;
      acc_bits_ += n;
      return;
    }
    const int rest = n - room;
    Store(acc_bits_ == 0 ? v : (acc_ << room) | (v >> rest), 8);
    acc_ = v;
    acc_bits_ = rest;
  }

  // Appends the bits to `chunk`; returns the free bits of its new last byte.
  int AppendTo(std::string* chunk) {
    if (acc_bits_ > 0) Store(acc_ << (64 - acc_bits_), (acc_bits_ + 7) / 8);
    if (rewrites_tail_) {
      chunk->back() = static_cast<char>(buf_[0]);
      chunk->append(reinterpret_cast<const char*>(buf_) + 1, len_ - 1);
    } else {
      chunk->append(reinterpret_cast<const char*>(buf_), len_);
    }
    return (8 - acc_bits_ % 8) % 8;
  }
  uint8_t last_byte() const { return buf_[len_ - 1]; }

 private:
  // Stores the top `bytes` bytes of `word`, big-endian.
  void Store(uint64_t word, size_t bytes) {
    if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap64(word);
    std::memcpy(buf_ + len_, &word, sizeof(word));
    len_ += bytes;
  }

  uint64_t acc_;
  int acc_bits_;  // 0..63
  bool rewrites_tail_;
  size_t len_ = 0;
  // The first sample is 128 bits, any other at most 7 (the tail's) + 68 + 78:
  // three words, and Store writes a whole word.
  uint8_t buf_[32];
};

}  // namespace

void ChunkEncoder::Append(TimestampMs t, double v) {
  uint64_t bits = std::bit_cast<uint64_t>(v);
  SampleBits w(tail_, free_bits_);
  if (count_ == 0) {
    // Room for ~10 samples of a typical series before the first regrowth.
    data_.reserve(64);
    data_.assign(kHeaderSize, '\0');
    w.Put(static_cast<uint64_t>(t), 64);
    w.Put(bits, 64);
    min_t_ = t;
  } else {
    // Modular arithmetic: any int64 timestamps round-trip without overflow.
    int64_t delta = WrapSub(t, t_);
    int64_t dod = WrapSub(delta, delta_);
    if (dod == 0) {
      w.Put(0, 1);
    } else {
      for (const DodBucket& b : kDodBuckets) {
        if (FitsSigned(dod, b.value_bits)) {
          w.Put(b.prefix, b.prefix_bits);
          w.Put(static_cast<uint64_t>(dod), b.value_bits);
          break;
        }
      }
    }
    delta_ = delta;
    uint64_t x = bits ^ v_bits_;
    if (x == 0) {
      w.Put(0, 1);
    } else {
      int lead = std::countl_zero(x);
      int trail = std::countr_zero(x);
      if (leading_ != 0xff && lead >= leading_ && trail >= trailing_) {
        w.Put(0b10, 2);
        w.Put(x >> trailing_, 64 - leading_ - trailing_);
      } else {
        int sig = 64 - lead - trail;
        w.Put(0b11, 2);
        w.Put(static_cast<uint64_t>(lead), 6);
        w.Put(static_cast<uint64_t>(sig - 1), 6);
        w.Put(x >> trail, sig);
        leading_ = static_cast<uint8_t>(lead);
        trailing_ = static_cast<uint8_t>(trail);
      }
    }
  }
  free_bits_ = static_cast<uint8_t>(w.AppendTo(&data_));
  tail_ = w.last_byte();
  t_ = t;
  v_bits_ = bits;
  ++count_;
}

void ChunkEncoder::Reset() {
  std::string().swap(data_);
  min_t_ = t_ = delta_ = 0;
  v_bits_ = 0;
  count_ = 0;
  free_bits_ = tail_ = 0;
  leading_ = 0xff;
  trailing_ = 0;
}

std::string_view ChunkEncoder::bytes() const {
  static constexpr char kEmptyChunk[kHeaderSize] = {0, 0};
  if (count_ == 0) return std::string_view(kEmptyChunk, kHeaderSize);
  data_[0] = static_cast<char>(count_ >> 8);
  data_[1] = static_cast<char>(count_ & 0xff);
  return data_;
}

int ChunkNumSamples(std::string_view chunk) {
  if (IsEncodedChunk(chunk)) return PackedChunkNumSamples(chunk);
  if (chunk.size() < kHeaderSize) return 0;
  return (static_cast<uint8_t>(chunk[0]) << 8) | static_cast<uint8_t>(chunk[1]);
}

ChunkIterator::ChunkIterator(std::string_view chunk)
    : reader_(chunk.size() >= kHeaderSize ? chunk.substr(kHeaderSize) : std::string_view()),
      total_(ChunkNumSamples(chunk)) {
  if (chunk.size() < kHeaderSize) status_ = Status(StatusCode::kCorruption, "chunk too short");
  if (IsEncodedChunk(chunk)) {
    packed_ = true;
    status_ = DecodePackedChunk(chunk, &packed_t_, &packed_v_);
    total_ = status_.ok() ? static_cast<int>(packed_t_.size()) : 0;
  }
}

double ChunkIterator::v() const { return std::bit_cast<double>(v_bits_); }

bool ChunkIterator::Fail() {
  status_ = Status(StatusCode::kCorruption, "chunk ends before its last sample");
  read_ = total_;
  done_ = true;
  return false;
}

bool ChunkIterator::ReadTimestamp() {
  bool bit = false;
  if (!reader_.ReadBit(&bit)) return false;
  if (!bit) {
    t_ = WrapAdd(t_, delta_);
    return true;
  }
  // Count the prefix's leading ones (at most 3 more).
  int ones = 1;
  while (ones < 4) {
    if (!reader_.ReadBit(&bit)) return false;
    if (!bit) break;
    ++ones;
  }
  const DodBucket& b = kDodBuckets[ones - 1];
  uint64_t raw = 0;
  if (!reader_.ReadBits(b.value_bits, &raw)) return false;
  delta_ = WrapAdd(delta_, SignExtend(raw, b.value_bits));
  t_ = WrapAdd(t_, delta_);
  return true;
}

bool ChunkIterator::ReadValue() {
  bool bit = false;
  if (!reader_.ReadBit(&bit)) return false;
  if (!bit) return true;  // same value
  if (!reader_.ReadBit(&bit)) return false;
  if (bit) {
    uint64_t lead = 0;
    uint64_t sig_minus_one = 0;
    if (!reader_.ReadBits(6, &lead) || !reader_.ReadBits(6, &sig_minus_one)) return false;
    int sig = static_cast<int>(sig_minus_one) + 1;
    if (static_cast<int>(lead) + sig > 64) return false;
    leading_ = static_cast<int>(lead);
    trailing_ = 64 - leading_ - sig;
  } else if (!started_) {
    return false;  // reuse of a window never set
  }
  started_ = true;
  int sig = 64 - leading_ - trailing_;
  uint64_t x = 0;
  if (!reader_.ReadBits(sig, &x)) return false;
  v_bits_ ^= x << trailing_;
  return true;
}

bool ChunkIterator::Next() {
  if (read_ >= total_) {
    done_ = true;
    return false;
  }
  if (packed_) {
    t_ = packed_t_[static_cast<size_t>(read_)];
    v_bits_ = packed_v_[static_cast<size_t>(read_)];
  } else if (read_ == 0) {
    uint64_t t = 0;
    if (!reader_.ReadBits(64, &t) || !reader_.ReadBits(64, &v_bits_)) return Fail();
    t_ = static_cast<TimestampMs>(t);
  } else if (!ReadTimestamp() || !ReadValue()) {
    return Fail();
  }
  ++read_;
  return true;
}

bool ChunkIterator::Seek(TimestampMs t) {
  if (done_) return false;
  if (read_ > 0 && t_ >= t) return true;
  if (packed_) {
    // Decoded already: jump to the sample before the first one >= t.
    auto from = packed_t_.begin() + read_;
    read_ = static_cast<int>(std::lower_bound(from, packed_t_.end(), t) - packed_t_.begin());
  }
  while (Next()) {
    if (t_ >= t) return true;
  }
  return false;
}

}  // namespace vigil::tsdb
