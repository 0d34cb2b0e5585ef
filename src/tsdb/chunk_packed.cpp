#include "chunk_packed.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "chunk.h"
#include "encoding.h"
#include "gorilla_decode.h"

namespace vigil::tsdb {
namespace {

constexpr size_t kMarkerSize = 3;  // two zero bytes, the encoding byte
// Values per frame-of-reference block: small enough that one outlier (a
// counter reset, a clamped gauge) widens only its own block.
constexpr size_t kBlockValues = 32;
// The largest decimal exponent tried: 10^15 is exact in a double, and
// mantissas stay below 2^53.
constexpr int kMaxDecimals = 15;
constexpr double kPow10[kMaxDecimals + 1] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                             1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
constexpr double kMaxExact = 9007199254740992.0;  // 2^53

uint64_t WrapSub(uint64_t a, uint64_t b) { return a - b; }

// The mantissa of `bits` at exponent e, when m / 10^e gives back exactly
// those bits (never for NaN, ±Inf, -0 or magnitudes from 2^53 on).
std::optional<int64_t> MantissaAt(uint64_t bits, int e) {
  double v = std::bit_cast<double>(bits);
  if (e == 0) {
    // Integers (counters, histogram buckets) without llround and the
    // division: an integral value's cast is its llround, and a value that
    // is not integral fails the check with either.
    if (!(std::fabs(v) < kMaxExact)) return std::nullopt;
    auto m = static_cast<int64_t>(v);
    if (std::bit_cast<uint64_t>(static_cast<double>(m)) != bits) return std::nullopt;
    return m;
  }
  double scaled = v * kPow10[e];
  if (!(std::fabs(scaled) < kMaxExact)) return std::nullopt;
  auto m = static_cast<int64_t>(std::llround(scaled));
  if (std::bit_cast<uint64_t>(static_cast<double>(m) / kPow10[e]) != bits) return std::nullopt;
  return m;
}

// The smallest exponent that represents the value exactly, with its
// mantissa in *mantissa; -1 for none. `hint` (the previous value's) is tried
// first, as a series' values mostly share one; a smaller exponent can then
// only work when the mantissa ends in 0. (A slightly larger exponent than
// the smallest costs bytes, not exactness: the encoder checks every
// mantissa it writes.)
int MinDecimals(uint64_t bits, int hint, int64_t* mantissa) {
  double v = std::bit_cast<double>(bits);
  if (!(std::fabs(v) < kMaxExact)) return -1;
  std::optional<int64_t> m;
  if (hint >= 0) m = MantissaAt(bits, hint);
  if (!m.has_value()) {
    for (int e = 0; e <= kMaxDecimals; ++e) {
      if (e != hint) {
        if (std::optional<int64_t> at = MantissaAt(bits, e)) {
          *mantissa = *at;
          return e;
        }
      }
      if (!(std::fabs(v * kPow10[e]) < kMaxExact)) break;
    }
    return -1;
  }
  int e = hint;
  while (e > 0 && *m % 10 == 0) {
    std::optional<int64_t> lower = MantissaAt(bits, e - 1);
    if (!lower.has_value()) break;
    m = lower;
    --e;
  }
  *mantissa = *m;
  return e;
}

// Frame-of-reference blocks of the values (as int64, modulo 2^64): per block
// a width byte, the block's minimum (varint), then each value minus the
// minimum in `width` bits, most significant first, padded to a byte.
void PutBlocks(const uint64_t* values, size_t n, std::string* out) {
  for (size_t start = 0; start < n; start += kBlockValues) {
    size_t end = std::min(n, start + kBlockValues);
    auto lo = static_cast<int64_t>(values[start]);
    auto hi = lo;
    for (size_t i = start + 1; i < end; ++i) {
      lo = std::min(lo, static_cast<int64_t>(values[i]));
      hi = std::max(hi, static_cast<int64_t>(values[i]));
    }
    uint64_t range = WrapSub(static_cast<uint64_t>(hi), static_cast<uint64_t>(lo));
    int width = 64 - std::countl_zero(range);
    out->push_back(static_cast<char>(width));
    PutVarint(lo, out);
    if (width == 0) continue;
    // The block's bytes are sized up front; whole bytes leave the
    // accumulator as soon as they are complete (fewer than 8 bits wait).
    const size_t at = out->size();
    out->resize(at + ((end - start) * static_cast<size_t>(width) + 7) / 8);
    auto* p = reinterpret_cast<uint8_t*>(out->data() + at);
    uint64_t acc = 0;
    int pending = 0;
    auto put = [&](uint64_t bits, int n_bits) {  // n_bits <= 56: acc never overflows
      acc = (acc << n_bits) | bits;
      pending += n_bits;
      while (pending >= 8) {
        pending -= 8;
        *p++ = static_cast<uint8_t>(acc >> pending);
      }
    };
    for (size_t i = start; i < end; ++i) {
      uint64_t x = WrapSub(values[i], static_cast<uint64_t>(lo));
      if (width > 56) {
        put(x >> 32, width - 32);
        put(x & 0xffffffff, 32);
      } else {
        put(x, width);
      }
    }
    if (pending > 0) *p = static_cast<uint8_t>(acc << (8 - pending));
  }
}

// Reads bit-packed fields, most significant bit first.
class BitUnpacker {
 public:
  BitUnpacker(const uint8_t* p, const uint8_t* end) : p_(p), end_(end) {}
  // Reads `width` (0..64) bits; false when the bytes end first.
  bool Read(int width, uint64_t* v) {
    if (width <= 32) return Read32(width, v);
    uint64_t hi = 0;
    uint64_t lo = 0;
    if (!Read32(width - 32, &hi) || !Read32(32, &lo)) return false;
    *v = (hi << 32) | lo;
    return true;
  }

 private:
  bool Read32(int width, uint64_t* v) {
    while (have_ < width) {  // have_ stays below 40: acc_ never loses unread bits
      if (p_ == end_) return false;
      acc_ = (acc_ << 8) | *p_++;
      have_ += 8;
    }
    have_ -= width;
    *v = (acc_ >> have_) & ((uint64_t{1} << width) - 1);
    return true;
  }
  const uint8_t* p_;
  const uint8_t* end_;
  uint64_t acc_ = 0;
  int have_ = 0;
};

bool GetBlocks(ByteReader* r, size_t n, uint64_t* out) {
  for (size_t start = 0; start < n; start += kBlockValues) {
    size_t end = std::min(n, start + kBlockValues);
    std::string_view width_byte;
    int64_t lo = 0;
    if (!r->GetBytes(1, &width_byte) || !r->GetVarint(&lo)) return false;
    int width = static_cast<uint8_t>(width_byte[0]);
    if (width > 64) return false;
    if (width == 0) {
      std::fill(out + start, out + end, static_cast<uint64_t>(lo));
      continue;
    }
    size_t bytes = ((end - start) * static_cast<size_t>(width) + 7) / 8;
    std::string_view packed;
    if (!r->GetBytes(bytes, &packed)) return false;
    const auto* p = reinterpret_cast<const uint8_t*>(packed.data());
    BitUnpacker bits(p, p + packed.size());
    for (size_t i = start; i < end; ++i) {
      uint64_t x = 0;
      if (!bits.Read(width, &x)) return false;
      out[i] = static_cast<uint64_t>(lo) + x;
    }
  }
  return true;
}

Status Corrupt(std::string_view what) {
  return Status(StatusCode::kCorruption, "packed chunk: " + std::string(what));
}

}  // namespace

bool IsEncodedChunk(std::string_view chunk) {
  return chunk.size() >= kMarkerSize && chunk[0] == '\0' && chunk[1] == '\0';
}

std::string EncodePackedChunk(const std::vector<TimestampMs>& ts,
                              const std::vector<uint64_t>& value_bits) {
  ChunkCompactor compactor;
  return std::string(compactor.Encode(ts.data(), value_bits.data(), value_bits.size()));
}

Status DecodePackedChunk(std::string_view chunk, std::vector<TimestampMs>* ts,
                         std::vector<uint64_t>* value_bits) {
  if (!IsEncodedChunk(chunk)) return Corrupt("no encoding marker");
  if (static_cast<uint8_t>(chunk[2]) != kChunkEncodingPacked) {
    return Corrupt("unknown encoding " + std::to_string(static_cast<uint8_t>(chunk[2])));
  }
  ByteReader r(chunk.substr(kMarkerSize));
  uint64_t n = 0;
  int64_t t0 = 0;
  if (!r.GetUvarint(&n) || n == 0 || n > kMaxChunkSamples || !r.GetVarint(&t0)) {
    return Corrupt("bad header");
  }
  ts->resize(n);
  value_bits->resize(n);
  (*ts)[0] = t0;
  if (n >= 2) {
    int64_t d = 0;
    if (!r.GetVarint(&d)) return Corrupt("bad first delta");
    // The delta-of-deltas land in value_bits first, then become times.
    uint64_t* dods = value_bits->data();
    if (!GetBlocks(&r, n - 2, dods)) return Corrupt("timestamps end early");
    auto delta = static_cast<uint64_t>(d);
    auto t = static_cast<uint64_t>(t0) + delta;
    (*ts)[1] = static_cast<TimestampMs>(t);
    for (size_t i = 2; i < n; ++i) {
      delta += dods[i - 2];
      t += delta;
      (*ts)[i] = static_cast<TimestampMs>(t);
    }
  }
  std::string_view e_byte;
  int64_t m0 = 0;
  if (!r.GetBytes(1, &e_byte) || !r.GetVarint(&m0)) return Corrupt("bad value header");
  int e = static_cast<uint8_t>(e_byte[0]);
  if (e > kMaxDecimals) return Corrupt("bad decimal exponent");
  uint64_t* v = value_bits->data();
  v[0] = static_cast<uint64_t>(m0);
  if (n >= 2) {
    if (!GetBlocks(&r, n - 1, v + 1)) return Corrupt("values end early");
    for (size_t i = 1; i < n; ++i) v[i] += v[i - 1];
  }
  // Mantissas to value bits; exactly representable, so one division each.
  if (e == 0) {
    for (size_t i = 0; i < n; ++i) {
      v[i] = std::bit_cast<uint64_t>(static_cast<double>(static_cast<int64_t>(v[i])));
    }
  } else {
    const double scale = kPow10[e];
    for (size_t i = 0; i < n; ++i) {
      v[i] = std::bit_cast<uint64_t>(static_cast<double>(static_cast<int64_t>(v[i])) / scale);
    }
  }
  uint64_t exceptions = 0;
  if (!r.GetUvarint(&exceptions) || exceptions > n) return Corrupt("bad exception count");
  uint64_t index = 0;
  for (uint64_t k = 0; k < exceptions; ++k) {
    uint64_t gap = 0;
    std::string_view raw;
    if (!r.GetUvarint(&gap) || gap >= n - index || !r.GetBytes(8, &raw)) {
      return Corrupt("bad exception");
    }
    index += gap;
    v[index] = GetFixed64BE(raw.data());
    ++index;
  }
  if (!r.empty()) return Corrupt("trailing bytes");
  return Status::Ok();
}

int PackedChunkNumSamples(std::string_view chunk) {
  if (!IsEncodedChunk(chunk)) return 0;
  ByteReader r(chunk.substr(kMarkerSize));
  uint64_t n = 0;
  if (!r.GetUvarint(&n) || n > kMaxChunkSamples) return 0;
  return static_cast<int>(n);
}

std::string CompactChunkForStorage(std::string_view gorilla_chunk,
                                   std::optional<uint64_t>* last_value_bits) {
  ChunkCompactor compactor;
  return std::string(compactor.Compact(gorilla_chunk, last_value_bits));
}

std::string_view ChunkCompactor::Compact(std::string_view gorilla_chunk,
                                         std::optional<uint64_t>* last_value_bits) {
  // A chunk already encoded (a tombstone rewrite's input) reads like
  // ChunkIterator reads it.
  bool decoded = IsEncodedChunk(gorilla_chunk)
                     ? DecodePackedChunk(gorilla_chunk, &ts_, &value_bits_).ok()
                     : DecodeGorillaChunk(gorilla_chunk, &ts_, &value_bits_);
  if (!decoded || ts_.empty()) return gorilla_chunk;
  if (last_value_bits != nullptr) *last_value_bits = value_bits_.back();
  std::string_view packed = Encode(ts_.data(), value_bits_.data(), ts_.size());
  if (packed.size() >= gorilla_chunk.size()) return gorilla_chunk;
  return packed;
}

std::string_view ChunkCompactor::Encode(const TimestampMs* ts, const uint64_t* value_bits,
                                        size_t n) {
  min_e_.resize(n);
  min_m_.resize(n);
  int count_at[kMaxDecimals + 1] = {};
  int hint = -1;
  for (size_t i = 0; i < n; ++i) {
    int64_t m = 0;
    int e = MinDecimals(value_bits[i], hint, &m);
    min_e_[i] = static_cast<int8_t>(e);
    min_m_[i] = m;
    if (e >= 0) {
      ++count_at[e];
      hint = e;
    }
  }
  out_.assign(kMarkerSize, '\0');
  out_[2] = static_cast<char>(kChunkEncodingPacked);
  PutUvarint(n, &out_);
  PutVarint(ts[0], &out_);
  if (n >= 2) {
    uint64_t delta = WrapSub(static_cast<uint64_t>(ts[1]), static_cast<uint64_t>(ts[0]));
    PutVarint(static_cast<int64_t>(delta), &out_);
    ints_.resize(n - 2);
    for (size_t i = 2; i < n; ++i) {
      uint64_t d = WrapSub(static_cast<uint64_t>(ts[i]), static_cast<uint64_t>(ts[i - 1]));
      ints_[i - 2] = WrapSub(d, delta);
      delta = d;
    }
    PutBlocks(ints_.data(), n - 2, &out_);
  }
  // Usually one exponent fits every value. Otherwise each exponent trades
  // wider mantissas against more exceptions (9 bytes each): the largest one
  // (fewest exceptions) is tried, and smaller ones that leave at most an
  // eighth of the values as exceptions; the smallest result wins. The
  // timestamps are the same for each, so only the value parts compete.
  size_t representable = 0;
  for (int e = 0; e <= kMaxDecimals; ++e) representable += static_cast<size_t>(count_at[e]);
  size_t covered = 0;
  bool tried = false;
  for (int e = 0; e <= kMaxDecimals; ++e) {
    if (count_at[e] == 0) continue;
    covered += static_cast<size_t>(count_at[e]);
    if (covered < representable && (n - covered) * 8 > n) continue;
    values_.clear();
    EncodeValues(value_bits, n, e, &values_);
    if (!tried || values_.size() < best_values_.size()) std::swap(values_, best_values_);
    tried = true;
  }
  if (!tried) {  // every value an exception
    best_values_.clear();
    EncodeValues(value_bits, n, 0, &best_values_);
  }
  out_.append(best_values_);
  return out_;
}

void ChunkCompactor::EncodeValues(const uint64_t* value_bits, size_t n, int e, std::string* out) {
  // An exception's mantissa repeats the previous one, so it costs a zero delta.
  ints_.resize(n);
  exceptions_.clear();
  int64_t prev = 0;
  for (size_t i = 0; i < n; ++i) {
    const int min_e = min_e_[i];
    std::optional<int64_t> m;
    if (min_e == e) {
      m = min_m_[i];
    } else if (min_e >= 0 && min_e < e) {
      m = MantissaAt(value_bits[i], e);
    }
    if (m.has_value()) {
      prev = *m;
    } else {
      exceptions_.push_back(static_cast<uint32_t>(i));
    }
    ints_[i] = static_cast<uint64_t>(prev);
  }
  out->push_back(static_cast<char>(e));
  PutVarint(static_cast<int64_t>(ints_[0]), out);
  if (n >= 2) {
    for (size_t i = n - 1; i >= 1; --i) ints_[i] = WrapSub(ints_[i], ints_[i - 1]);
    PutBlocks(ints_.data() + 1, n - 1, out);
  }
  PutUvarint(exceptions_.size(), out);
  size_t next = 0;
  for (uint32_t i : exceptions_) {
    PutUvarint(i - next, out);
    PutFixed64BE(value_bits[i], out);
    next = i + 1;
  }
}

}  // namespace vigil::tsdb
