// The keys of the persisted store (docs/format/tsdb.md): big-endian so that
// RocksDB's bytewise order is time order, with the time bucket first in chunk
// keys so retention drops whole key ranges.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "encoding.h"
#include "vigil/base/clock.h"
#include "vigil/tsdb/appender.h"

namespace vigil::tsdb {

inline constexpr size_t kChunkKeyPrefix = 16;  // bucket + series ref
inline constexpr size_t kChunkKeySize = 24;    // + chunk start time

inline int64_t FloorDivide(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// The start time of the bucket holding `t`, saturating at the int64 edges.
inline TimestampMs BucketStart(TimestampMs t, int64_t range) {
  int64_t b = FloorDivide(t, range);
  if (b < INT64_MIN / range) return INT64_MIN;
  return b * range;
}

inline std::string ChunkKeyPrefix(TimestampMs bucket_start, SeriesRef ref) {
  std::string k;
  k.reserve(kChunkKeySize);
  PutTimeKey(bucket_start, &k);
  PutFixed64BE(ref, &k);
  return k;
}

inline void AppendChunkKey(TimestampMs bucket_start, SeriesRef ref, TimestampMs min_t,
                           std::string* out) {
  PutTimeKey(bucket_start, out);
  PutFixed64BE(ref, out);
  PutTimeKey(min_t, out);
}

inline std::string ChunkKey(TimestampMs bucket_start, SeriesRef ref, TimestampMs min_t) {
  std::string k;
  k.reserve(kChunkKeySize);
  AppendChunkKey(bucket_start, ref, min_t, &k);
  return k;
}

inline std::string SeriesKey(SeriesRef ref) {
  std::string k;
  PutFixed64BE(ref, &k);
  return k;
}

// A posting key is this prefix (the pair) and the series ref.
inline void AppendPostingKeyPrefix(std::string_view name, std::string_view value,
                                   std::string* out) {
  PutUvarint(name.size(), out);
  out->append(name);
  PutUvarint(value.size(), out);
  out->append(value);
}

inline std::string PostingKey(std::string_view name, std::string_view value, SeriesRef ref) {
  std::string k;
  AppendPostingKeyPrefix(name, value, &k);
  PutFixed64BE(ref, &k);
  return k;
}

inline constexpr std::string_view kMetaVersion = "version";
inline constexpr std::string_view kMetaChunkRange = "chunk_range_ms";
inline constexpr std::string_view kMetaMinTime = "min_time";
inline constexpr char kMetaWatermarkPrefix = 'w';

inline std::string WatermarkKey(SeriesRef ref) {
  std::string k(1, kMetaWatermarkPrefix);
  PutFixed64BE(ref, &k);
  return k;
}

inline constexpr char kMetaTombstonePrefix = 't';

inline std::string TombstoneKey(SeriesRef ref) {
  std::string k(1, kMetaTombstonePrefix);
  PutFixed64BE(ref, &k);
  return k;
}

}  // namespace vigil::tsdb
