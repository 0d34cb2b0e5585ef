// The "packed" chunk encoding, for chunks that leave the head for RocksDB
// (the head keeps Gorilla for cheap appends). Values become decimal
// mantissas m / 10^e with one exponent per chunk (exposition values are
// mostly integers or a few decimals); timestamps become delta-of-deltas;
// both streams are stored as frame-of-reference bit-packed blocks. Values
// that do not round-trip bit-exactly through a mantissa (NaN payloads, the
// staleness marker, ±Inf, -0, too many digits) are kept as raw bits in an
// exception list, so the encoding is lossless for every double.
//
// A packed chunk starts with two zero bytes (a Gorilla chunk's sample count,
// never 0 in a stored chunk) and an encoding byte, so stored chunks of both
// encodings read. Layout: docs/format/tsdb.md.
// Thread-safety: free functions, no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/clock.h"
#include "vigil/base/status.h"

namespace vigil::tsdb {

// The encoding byte after the two-zero-byte marker.
inline constexpr uint8_t kChunkEncodingPacked = 1;

// True when the bytes carry the encoded-chunk marker (two zero bytes and an
// encoding byte); false for a Gorilla chunk.
bool IsEncodedChunk(std::string_view chunk);

// Encodes the samples (t strictly increasing, same length, at least one) in
// the packed encoding. Values are given as their IEEE-754 bits.
std::string EncodePackedChunk(const std::vector<TimestampMs>& ts,
                              const std::vector<uint64_t>& value_bits);

// Decodes a packed chunk (marker included); kCorruption when the bytes are
// malformed or the encoding is unknown.
Status DecodePackedChunk(std::string_view chunk, std::vector<TimestampMs>* ts,
                         std::vector<uint64_t>* value_bits);

// The number of samples of a packed chunk (0 when malformed).
int PackedChunkNumSamples(std::string_view chunk);

// The form a chunk is stored in: the packed encoding of a Gorilla chunk's
// samples when it is smaller, else the Gorilla bytes unchanged (also when
// they do not decode: the reader reports that corruption). When the chunk
// decodes, `last_value_bits` (optional) gets the bits of its last value.
std::string CompactChunkForStorage(std::string_view gorilla_chunk,
                                   std::optional<uint64_t>* last_value_bits = nullptr);

// CompactChunkForStorage and EncodePackedChunk for many chunks in a row (a
// flush): the decoded samples, the encoder's per-value arrays and the output
// live in buffers kept from one chunk to the next, so a chunk costs no
// allocation once they have grown. Same bytes as the free functions.
// Thread-safety: one thread at a time.
class ChunkCompactor {
 public:
  // As CompactChunkForStorage; the view is `gorilla_chunk` itself or
  // bytes valid until the next call.
  std::string_view Compact(std::string_view gorilla_chunk,
                           std::optional<uint64_t>* last_value_bits = nullptr);
  // As EncodePackedChunk (n >= 1 samples); valid until the next call.
  std::string_view Encode(const TimestampMs* ts, const uint64_t* value_bits, size_t n);

 private:
  // Appends the value part at decimal exponent e (exponent byte, mantissa
  // blocks, exceptions) to *out.
  void EncodeValues(const uint64_t* value_bits, size_t n, int e, std::string* out);

  std::vector<TimestampMs> ts_;
  std::vector<uint64_t> value_bits_;
  std::vector<int8_t> min_e_;     // per value: its smallest exact exponent, -1 for none
  std::vector<int64_t> min_m_;    // per value: its mantissa at min_e_
  std::vector<uint64_t> ints_;    // mantissas, then their deltas; timestamp dods
  std::vector<uint32_t> exceptions_;
  std::string values_;            // the value part being tried
  std::string best_values_;       // the smallest value part so far
  std::string out_;
};

}  // namespace vigil::tsdb
