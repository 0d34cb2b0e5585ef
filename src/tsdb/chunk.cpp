#include "chunk.h"

#include <algorithm>
#include <bit>

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

int64_t SignExtend(uint64_t v, int bits) {
  if (bits >= 64) return static_cast<int64_t>(v);
  uint64_t sign = 1ULL << (bits - 1);
  return static_cast<int64_t>((v ^ sign) - sign);
}

int64_t WrapSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

}  // namespace

namespace {

// Appends bits after a chunk's last byte without reading that byte back: its
// value is kept in the encoder (`tail`), so appending to a chunk that is cold
// in the cache (the head's case: one sample per series per scrape) does not
// wait on a load of its buffer.
class TailBitWriter {
 public:
  TailBitWriter(std::string* out, int free_bits, uint8_t tail)
      : out_(out), free_bits_(free_bits), tail_(tail) {}

  void WriteBit(bool bit) { WriteBits(bit ? 1 : 0, 1); }

  // Writes the low `n` bits of `v`, most significant first. 0 <= n <= 64.
  void WriteBits(uint64_t v, int n) {
    while (n > 0) {
      if (free_bits_ == 0) {
        out_->push_back(0);
        free_bits_ = 8;
        tail_ = 0;
      }
      int take = n < free_bits_ ? n : free_bits_;
      uint64_t chunk = (v >> (n - take)) & ((1ULL << take) - 1);
      tail_ = static_cast<uint8_t>(tail_ | (chunk << (free_bits_ - take)));
      out_->back() = static_cast<char>(tail_);
      free_bits_ -= take;
      n -= take;
    }
  }

  int free_bits() const { return free_bits_; }
  uint8_t tail() const { return tail_; }

 private:
  std::string* out_;
  int free_bits_;  // unused low bits of the last byte
  uint8_t tail_;   // the last byte's value
};

}  // namespace

ChunkEncoder::ChunkEncoder() { data_.assign(kHeaderSize, '\0'); }

void ChunkEncoder::Append(TimestampMs t, double v) {
  uint64_t bits = std::bit_cast<uint64_t>(v);
  TailBitWriter w(&data_, free_bits_, tail_);
  if (count_ == 0) {
    w.WriteBits(static_cast<uint64_t>(t), 64);
    w.WriteBits(bits, 64);
    min_t_ = t;
  } else {
    // Modular arithmetic: any int64 timestamps round-trip without overflow.
    int64_t delta = WrapSub(t, t_);
    int64_t dod = WrapSub(delta, delta_);
    if (dod == 0) {
      w.WriteBit(false);
    } else {
      for (const DodBucket& b : kDodBuckets) {
        if (FitsSigned(dod, b.value_bits)) {
          w.WriteBits(b.prefix, b.prefix_bits);
          w.WriteBits(static_cast<uint64_t>(dod), b.value_bits);
          break;
        }
      }
    }
    delta_ = delta;
    uint64_t x = bits ^ v_bits_;
    if (x == 0) {
      w.WriteBit(false);
    } else {
      w.WriteBit(true);
      int lead = std::countl_zero(x);
      int trail = std::countr_zero(x);
      if (leading_ != 0xff && lead >= leading_ && trail >= trailing_) {
        w.WriteBit(false);
        w.WriteBits(x >> trailing_, 64 - leading_ - trailing_);
      } else {
        int sig = 64 - lead - trail;
        w.WriteBit(true);
        w.WriteBits(static_cast<uint64_t>(lead), 6);
        w.WriteBits(static_cast<uint64_t>(sig - 1), 6);
        w.WriteBits(x >> trail, sig);
        leading_ = lead;
        trailing_ = trail;
      }
    }
  }
  free_bits_ = w.free_bits();
  tail_ = w.tail();
  t_ = t;
  v_bits_ = bits;
  ++count_;
  data_[0] = static_cast<char>(count_ >> 8);
  data_[1] = static_cast<char>(count_ & 0xff);
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
