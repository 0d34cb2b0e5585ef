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
  ChunkEncoder();

  // Precondition: num_samples() == 0 || t > max_time(); num_samples() < kMaxChunkSamples.
  void Append(TimestampMs t, double v);

  int num_samples() const { return count_; }
  TimestampMs min_time() const { return min_t_; }
  TimestampMs max_time() const { return t_; }
  // The encoded chunk; valid until the next Append.
  std::string_view bytes() const { return data_; }

 private:
  void AppendTimestamp(TimestampMs t);
  void AppendValue(uint64_t bits);

  std::string data_;
  int free_bits_ = 0;
  uint8_t tail_ = 0;  // the value of data_'s last byte while free_bits_ > 0
  int count_ = 0;
  TimestampMs min_t_ = 0;
  TimestampMs t_ = 0;
  int64_t delta_ = 0;
  uint64_t v_bits_ = 0;
  int leading_ = 0xff;  // 0xff: no previous XOR window
  int trailing_ = 0;
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
