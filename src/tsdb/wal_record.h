// The payloads of WAL batch records (docs/format/tsdb.md, "WAL record
// framing"): the compact type 3 that every commit writes, and the older
// type 1 that replay still reads. A type 3 record stores each sample's series
// ref and time as deltas from the previous sample of the batch (a scrape's
// samples share one time and have consecutive refs: one byte each) and its
// value as a varint when it is an integer or a short decimal that converts
// back to the same bits, else as the 8 raw bytes. Replay is therefore
// bit-exact (NaN payloads, -0, ±Inf keep their raw form).
// Thread-safety: free functions; no shared state.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "encoding.h"
#include "head.h"
#include "vigil/base/status.h"

namespace vigil::tsdb {

inline constexpr uint8_t kWalBatchRecordV1 = 1;  // samples as uvarint ref, varint t, f64
inline constexpr uint8_t kWalCheckpointSeriesRecord = 2;
inline constexpr uint8_t kWalBatchRecord = 3;    // samples as deltas and compact values

// Appends the type byte and body of a type 3 record for `batch`.
void EncodeBatchRecord(const Batch& batch, std::string* payload);

struct BatchRecordHandler {
  std::function<Status(SeriesRef ref, std::string_view encoded_labels)> series;
  std::function<Status(SeriesRef ref, TimestampMs t, double v)> sample;
};
// Decodes the body (after the type byte) of a type 1 or type 3 record,
// calling the handler for each series, then each sample, in record order.
// A malformed body is kCorruption; a handler's error is returned as is.
Status DecodeBatchRecord(uint8_t type, std::string_view body, const BatchRecordHandler& handler);

// The compact value encoding of type 3 (exposed for tests).
void PutSampleValue(double v, std::string* out);
bool GetSampleValue(ByteReader* r, double* v);

}  // namespace vigil::tsdb
