// Gorilla-compressed chunks of one series' samples: delta-of-delta encoded
// timestamps and XOR encoded float values, bit-exact (every NaN payload,
// including the staleness marker, ±Inf and -0 round-trip unchanged).
//
// Layout (docs/format/tsdb.md): a 2-byte big-endian sample count, then a
// bit stream. The first sample is 64 bits of time and 64 bits of value; the
// next timestamps are delta-of-deltas in variable-width buckets; values are
// XORed with the previous one and stored as their meaningful bits.
// Thread-safety: ChunkEncoder and ChunkIterator are single-threaded values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/clock.h"
#include "bitstream.h"
#include "vigil/base/status.h"

namespace vigil::tsdb {

// The most samples a chunk holds (its count is 16 bits).
inline constexpr int kMaxChunkSamples = 65535;

class ChunkEncoder {
 public:
  // Precondition: num_samples() == 0 || t > max_time(); num_samples() < kMaxChunkSamples.
  void Append(TimestampMs t, double v);
  // Drops every sample and frees the buffer: the next chunk grows its own.
  void Reset();

  bool empty() const { return count_ == 0; }
  int num_samples() const { return count_; }
  TimestampMs min_time() const { return min_t_; }
  TimestampMs max_time() const { return t_; }
  // The encoded chunk; valid until the next Append or Reset. It writes the
  // header, so callers serialize it with Append (the head's series lock does).
  std::string_view bytes() const;
  // Starts fetching the bytes the next Append writes.
  void PrefetchTail() const { __builtin_prefetch(data_.data() + data_.size(), 1); }

 private:
  // The header's sample count is written when the bytes are read, not by
  // every Append: an append to a chunk that is cold in the cache (the head's
  // case, one sample per series per scrape) then touches only its tail.
  mutable std::string data_;  // header and bits; empty before the first sample
  TimestampMs min_t_ = 0;
  TimestampMs t_ = 0;
  int64_t delta_ = 0;
  uint64_t v_bits_ = 0;
  uint16_t count_ = 0;
  uint8_t free_bits_ = 0;  // unused low bits of data_'s last byte
  uint8_t tail_ = 0;       // the value of data_'s last byte while free_bits_ > 0
  uint8_t leading_ = 0xff;  // 0xff: no previous XOR window
  uint8_t trailing_ = 0;
};

// Iterates the samples of a chunk: a Gorilla chunk (the head's, and stored
// chunks of format 3 and older), or a stored chunk in another encoding
// (chunk_packed.h), decoded whole when the iterator is made. The bytes must
// outlive it.
class ChunkIterator {
 public:
  explicit ChunkIterator(std::string_view chunk);

  // Moves to the next sample; false at the end or on corrupt data (status()).
  bool Next();
  // Moves to the first sample with time >= t, never backwards; false when
  // there is none.
  bool Seek(TimestampMs t);

  TimestampMs t() const { return t_; }
  double v() const;
  // Corruption when the chunk ended before its sample count.
  const Status& status() const { return status_; }
  int num_samples() const { return total_; }

 private:
  bool ReadTimestamp();
  bool ReadValue();
  bool Fail();

  BitReader reader_;
  int total_ = 0;
  int read_ = 0;
  TimestampMs t_ = 0;
  int64_t delta_ = 0;
  uint64_t v_bits_ = 0;
  int leading_ = 0;
  int trailing_ = 0;
  bool started_ = false;
  bool done_ = false;
  Status status_;
  // A packed chunk's samples, decoded; empty for a Gorilla chunk.
  bool packed_ = false;
  std::vector<TimestampMs> packed_t_;
  std::vector<uint64_t> packed_v_;
};

// The number of samples of a chunk of any encoding (0 when too short to tell).
int ChunkNumSamples(std::string_view chunk);

}  // namespace vigil::tsdb
