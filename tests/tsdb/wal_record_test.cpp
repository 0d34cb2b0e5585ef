// The compact WAL batch record (type 3): bit-exact values, deltas of refs and
// times in any order, its size on a scrape-like batch, and replay of the
// older type 1 records (replayed in format_test).
#include "wal_record.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>


namespace vigil::tsdb {
namespace {

using model::Labels;

double RoundTrip(double v, size_t* size = nullptr) {
  std::string buf;
  PutSampleValue(v, &buf);
  if (size != nullptr) *size = buf.size();
  ByteReader r(buf);
  double out = 0;
  EXPECT_TRUE(GetSampleValue(&r, &out)) << v;
  EXPECT_TRUE(r.empty()) << v;
  return out;
}

TEST(WalRecordTest, ValuesRoundTripBitExact) {
  std::vector<double> values = {
      0.0, -0.0, 1.0, -1.0, 42.0, 0.1, 0.25, -3.75, 12.345678, 1e-9, 123456789.123,
      9007199254740991.0, 9007199254740992.0, -9007199254740993.0, 1e300, -1e-300,
      std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
      std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::denorm_min(),
      std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(),
      std::bit_cast<double>(uint64_t{0x7ff0000000000002}),  // the staleness marker
      std::bit_cast<double>(uint64_t{0xfff8000000000001}),  // a NaN with sign and payload
      0.30000000000000004, 1.0 / 3.0};
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) values.push_back(std::bit_cast<double>(rng()));
  for (int i = 0; i < 2000; ++i) {
    values.push_back(static_cast<double>(static_cast<int64_t>(rng() % 2000001) - 1000000) / 1000);
  }
  for (double v : values) {
    EXPECT_EQ(std::bit_cast<uint64_t>(RoundTrip(v)), std::bit_cast<uint64_t>(v)) << v;
  }
}

TEST(WalRecordTest, IntegersAndShortDecimalsAreSmall) {
  size_t size = 0;
  RoundTrip(0.0, &size);
  EXPECT_EQ(size, 1u);
  RoundTrip(67048.0, &size);  // a counter: zigzag and tag bit, 19 bits
  EXPECT_EQ(size, 3u);
  RoundTrip(21.5, &size);
  EXPECT_EQ(size, 2u);
  RoundTrip(12.345678, &size);  // six decimals: 5 bytes, not 9
  EXPECT_EQ(size, 5u);
  RoundTrip(-0.0, &size);  // no decimal form keeps the sign: raw
  EXPECT_EQ(size, 9u);
  RoundTrip(std::nan(""), &size);
  EXPECT_EQ(size, 9u);
}

TEST(WalRecordTest, MalformedValueHeadersAreRefused) {
  double v = 0;
  std::string raw_without_bytes;
  PutUvarint(1, &raw_without_bytes);  // announces 8 raw bytes that are missing
  ByteReader r1(raw_without_bytes);
  EXPECT_FALSE(GetSampleValue(&r1, &v));
  std::string too_many_decimals;
  PutUvarint((5u << 5) | (12u << 1) | 1, &too_many_decimals);  // 12: more than ever written
  ByteReader r2(too_many_decimals);
  EXPECT_FALSE(GetSampleValue(&r2, &v));
  std::string raw_with_mantissa;
  PutUvarint((5u << 5) | 1, &raw_with_mantissa);  // the raw marker carries no mantissa
  raw_with_mantissa.append(8, '\0');
  ByteReader r3(raw_with_mantissa);
  EXPECT_FALSE(GetSampleValue(&r3, &v));
}

struct Decoded {
  std::vector<std::pair<SeriesRef, std::string>> series;
  std::vector<std::tuple<SeriesRef, TimestampMs, uint64_t>> samples;
};

Status Decode(std::string_view payload, Decoded* out) {
  BatchRecordHandler h;
  h.series = [&](SeriesRef ref, std::string_view labels) {
    out->series.emplace_back(ref, std::string(labels));
    return Status::Ok();
  };
  h.sample = [&](SeriesRef ref, TimestampMs t, double v) {
    out->samples.emplace_back(ref, t, std::bit_cast<uint64_t>(v));
    return Status::Ok();
  };
  return DecodeBatchRecord(static_cast<uint8_t>(payload[0]), payload.substr(1), h);
}

TEST(WalRecordTest, BatchRoundTripsRefsAndTimesInAnyOrder) {
  std::vector<std::unique_ptr<MemSeries>> owned;
  Batch batch;
  std::vector<SeriesRef> refs = {1, 2, 3, 1000000, 5, UINT64_MAX, 4};
  for (SeriesRef ref : refs) {
    owned.push_back(std::make_unique<MemSeries>(
        ref, Labels::FromStrings({"__name__", "m", "r", std::to_string(ref)})));
  }
  batch.new_series = {owned[0].get(), owned[5].get()};
  std::vector<TimestampMs> times = {1'700'000'000'000, 1'700'000'000'000, -5,
                                    std::numeric_limits<int64_t>::max(),
                                    std::numeric_limits<int64_t>::min(), 0, 17};
  for (size_t i = 0; i < refs.size(); ++i) {
    batch.samples.push_back(PendingSample{owned[i].get(), times[i], static_cast<double>(i) / 8});
  }
  std::string payload;
  EncodeBatchRecord(batch, &payload);
  ASSERT_EQ(static_cast<uint8_t>(payload[0]), kWalBatchRecord);
  Decoded d;
  ASSERT_TRUE(Decode(payload, &d).ok());
  ASSERT_EQ(d.series.size(), 2u);
  EXPECT_EQ(d.series[1].first, UINT64_MAX);
  EXPECT_EQ(d.series[1].second, owned[5]->labels().encoded());
  ASSERT_EQ(d.samples.size(), refs.size());
  for (size_t i = 0; i < refs.size(); ++i) {
    EXPECT_EQ(std::get<0>(d.samples[i]), refs[i]);
    EXPECT_EQ(std::get<1>(d.samples[i]), times[i]);
    EXPECT_EQ(std::get<2>(d.samples[i]), std::bit_cast<uint64_t>(static_cast<double>(i) / 8));
  }
  // Every strict prefix is malformed, never misread.
  for (size_t n = 1; n < payload.size(); ++n) {
    Decoded partial;
    EXPECT_EQ(Decode(payload.substr(0, n), &partial).code(), StatusCode::kCorruption) << n;
  }
}

TEST(WalRecordTest, AScrapeBatchTakesFewBytesPerSample) {
  // 2000 series of one scrape: consecutive refs, one time, counters and
  // gauges with a few decimals, as an exporter prints them.
  std::vector<std::unique_ptr<MemSeries>> owned;
  Batch batch;
  std::mt19937 rng(1);
  for (int i = 0; i < 2000; ++i) {
    owned.push_back(std::make_unique<MemSeries>(100 + i, Labels()));
    double v = i % 2 == 0 ? static_cast<double>(rng() % 10'000'000)
                          : static_cast<double>(rng() % 100'000) / 100;
    batch.samples.push_back(PendingSample{owned.back().get(), 1'700'000'000'000, v});
  }
  std::string payload;
  EncodeBatchRecord(batch, &payload);
  double per_sample = static_cast<double>(payload.size()) / 2000;
  EXPECT_LT(per_sample, 6.0);  // the type 1 encoding took ~17
}

}  // namespace
}  // namespace vigil::tsdb
