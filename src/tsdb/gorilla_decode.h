// Whole-chunk decoding of a Gorilla chunk (chunk.h, docs/format/tsdb.md)
// into arrays, for the flusher's re-encoding of every full chunk: it reads
// the bit stream a 64-bit word at a time, where ChunkIterator (which serves
// queries sample by sample, with Seek) reads it bit by bit.
// Thread-safety: a free function, no shared state.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "vigil/base/clock.h"

namespace vigil::tsdb {

// Replaces *ts and *value_bits with the samples of a Gorilla chunk (one
// that is not IsEncodedChunk): the same samples ChunkIterator gives. False,
// with the arrays unspecified, for a chunk ChunkIterator reports as corrupt
// (shorter than its header, or ending before its sample count).
bool DecodeGorillaChunk(std::string_view chunk, std::vector<TimestampMs>* ts,
                        std::vector<uint64_t>* value_bits);

}  // namespace vigil::tsdb
