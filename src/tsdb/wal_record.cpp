#include "wal_record.h"

#include <bit>
#include <cmath>

namespace vigil::tsdb {
namespace {

// Decimal scales tried for a value that is not an integer. Each try costs a
// multiply, a round and a divide; exposition values rarely carry more than
// six decimals, and anything else falls back to the raw 8 bytes.
constexpr int kMaxDecimals = 9;
constexpr double kPow10[kMaxDecimals + 1] = {1e0, 1e1, 1e2, 1e3, 1e4,
                                             1e5, 1e6, 1e7, 1e8, 1e9};
// Integers and mantissas stay below 2^53 (exact in a double), so the shifted
// zigzag form fits in 64 bits.
constexpr double kMaxExact = 9007199254740992.0;

// The value header is a uvarint h:
//   h & 1 == 0:               the integer UnZigZag(h >> 1)
//   h & 1 == 1, e = (h>>1)&15: e == 0: 8 raw bytes (f64) follow;
//                              e >= 1: UnZigZag(h >> 5) / 10^e
double DecimalValue(int64_t mantissa, int e) {
  return static_cast<double>(mantissa) / kPow10[e];
}

}  // namespace

void PutSampleValue(double v, std::string* out) {
  const uint64_t bits = std::bit_cast<uint64_t>(v);
  if (std::fabs(v) < kMaxExact) {  // false for NaN and ±Inf
    auto i = static_cast<int64_t>(v);
    if (std::bit_cast<uint64_t>(static_cast<double>(i)) == bits) {  // -0 fails: sign bit
      PutUvarint(ZigZag(i) << 1, out);
      return;
    }
    for (int e = 1; e <= kMaxDecimals; ++e) {
      double scaled = v * kPow10[e];
      if (!(std::fabs(scaled) < kMaxExact)) break;
      auto mantissa = static_cast<int64_t>(std::llround(scaled));
      if (std::bit_cast<uint64_t>(DecimalValue(mantissa, e)) == bits) {
        PutUvarint((ZigZag(mantissa) << 5) | (static_cast<uint64_t>(e) << 1) | 1, out);
        return;
      }
    }
  }
  PutUvarint(1, out);
  PutDouble(v, out);
}

bool GetSampleValue(ByteReader* r, double* v) {
  uint64_t h = 0;
  if (!r->GetUvarint(&h)) return false;
  if ((h & 1) == 0) {
    *v = static_cast<double>(UnZigZag(h >> 1));
    return true;
  }
  int e = static_cast<int>((h >> 1) & 15);
  if (e == 0) return h == 1 && r->GetDouble(v);
  if (e > kMaxDecimals) return false;
  *v = DecimalValue(UnZigZag(h >> 5), e);
  return true;
}

void EncodeBatchRecord(const Batch& batch, std::string* payload) {
  payload->push_back(static_cast<char>(kWalBatchRecord));
  PutUvarint(batch.new_series.size(), payload);
  for (const MemSeries* s : batch.new_series) {
    PutUvarint(s->ref(), payload);
    PutUvarint(s->labels().encoded().size(), payload);
    payload->append(s->labels().encoded());
  }
  PutUvarint(batch.samples.size(), payload);
  SeriesRef prev_ref = 0;
  TimestampMs prev_t = 0;
  for (const PendingSample& p : batch.samples) {
    // Modular differences: any pair of values round-trips.
    PutVarint(static_cast<int64_t>(p.ref - prev_ref), payload);
    PutVarint(static_cast<int64_t>(static_cast<uint64_t>(p.t) - static_cast<uint64_t>(prev_t)),
              payload);
    PutSampleValue(p.v, payload);
    prev_ref = p.ref;
    prev_t = p.t;
  }
}

Status DecodeBatchRecord(uint8_t type, std::string_view body, const BatchRecordHandler& handler) {
  ByteReader r(body);
  auto corrupt = [] { return Status(StatusCode::kCorruption, "malformed batch record"); };
  uint64_t n_series = 0;
  if (!r.GetUvarint(&n_series)) return corrupt();
  for (uint64_t i = 0; i < n_series; ++i) {
    uint64_t ref = 0;
    std::string_view encoded;
    if (!r.GetUvarint(&ref) || !r.GetLengthPrefixed(&encoded)) return corrupt();
    VIGIL_RETURN_IF_ERROR(handler.series(ref, encoded));
  }
  uint64_t n_samples = 0;
  if (!r.GetUvarint(&n_samples)) return corrupt();
  SeriesRef ref = 0;
  TimestampMs t = 0;
  for (uint64_t i = 0; i < n_samples; ++i) {
    double v = 0;
    if (type == kWalBatchRecordV1) {
      if (!r.GetUvarint(&ref) || !r.GetVarint(&t) || !r.GetDouble(&v)) return corrupt();
    } else {
      int64_t ref_delta = 0;
      int64_t t_delta = 0;
      if (!r.GetVarint(&ref_delta) || !r.GetVarint(&t_delta) || !GetSampleValue(&r, &v)) {
        return corrupt();
      }
      ref += static_cast<uint64_t>(ref_delta);
      t = static_cast<TimestampMs>(static_cast<uint64_t>(t) + static_cast<uint64_t>(t_delta));
    }
    VIGIL_RETURN_IF_ERROR(handler.sample(ref, t, v));
  }
  if (!r.empty()) return corrupt();
  return Status::Ok();
}

}  // namespace vigil::tsdb
