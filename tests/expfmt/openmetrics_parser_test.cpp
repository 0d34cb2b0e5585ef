// OpenMetrics 1.0: the exact samples, exemplars and metadata a valid body
// yields.
#include <gtest/gtest.h>

#include <limits>

#include "parse_helpers.h"

namespace vigil::expfmt {
namespace {

TEST(OpenMetricsParser, CounterWithExemplarsAndTimestamps) {
  Parsed p = ParseAll(
      "# TYPE foo_seconds counter\n"
      "# UNIT foo_seconds seconds\n"
      "# HELP foo_seconds A \\\"help\\\"\\n text.\n"
      "foo_seconds_total{a=\"1\",b=\"\\\\x\\\"\\n\"} 17.5 1520879607.789 # "
      "{trace_id=\"oHg5SJYRHA0\"} 9.8 1520879607.789\n"
      "foo_seconds_total{a=\"2\"} 1e3 # {} -Inf\n"
      "foo_seconds_created{a=\"1\"} 1520430000.123\n"
      "# EOF\n",
      Format::kOpenMetrics);
  ASSERT_TRUE(p.fatal.ok()) << p.fatal.ToString();
  EXPECT_TRUE(p.semantic.empty());
  EXPECT_EQ(p.metadata, (std::vector<std::string>{"TYPE foo_seconds 1", "UNIT foo_seconds seconds",
                                                  "HELP foo_seconds A \"help\"\n text."}));
  ASSERT_EQ(p.samples.size(), 3u);
  EXPECT_EQ(p.samples[0].series, "foo_seconds_total{a=\"1\",b=\"\\\\x\\\"\\n\"}");
  EXPECT_EQ(p.samples[0].labels, "foo_seconds_total{a=\"1\", b=\"\\\\x\\\"\\n\"}");
  EXPECT_EQ(p.samples[0].value_bits, Bits(17.5));
  EXPECT_EQ(p.samples[0].ts, 1520879607789);
  EXPECT_EQ(p.samples[0].exemplar, "{trace_id=\"oHg5SJYRHA0\"} 9.800000 1520879607789");
  EXPECT_EQ(p.samples[1].value_bits, Bits(1000));
  EXPECT_EQ(p.samples[1].ts, std::nullopt);
  EXPECT_EQ(p.samples[1].exemplar, "{} -inf");
  EXPECT_EQ(p.samples[2].exemplar, std::nullopt);
  EXPECT_EQ(p.samples[2].value_bits, Bits(1520430000.123));
}

TEST(OpenMetricsParser, ValuesAndTimestampConversion) {
  Parsed p = ParseAll(
      "a NaN\n"
      "b +Inf -1.5\n"
      "c -Inf 0.0019\n"
      "d 9223372036854775808 1e300\n"
      "# EOF",
      Format::kOpenMetrics);
  ASSERT_TRUE(p.fatal.ok()) << p.fatal.ToString();
  ASSERT_EQ(p.samples.size(), 4u);
  EXPECT_EQ(p.samples[0].value_bits, 0x7ff8000000000001ULL);
  EXPECT_EQ(p.samples[1].value_bits, Bits(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(p.samples[1].ts, -1500);
  EXPECT_EQ(p.samples[2].ts, 1);  // truncated, as Go's int64(ts*1000)
  EXPECT_EQ(p.samples[3].value_bits, Bits(9223372036854775808.0));
  EXPECT_EQ(p.samples[3].ts, std::numeric_limits<int64_t>::min());  // Go on amd64
}

TEST(OpenMetricsParser, HistogramGaugeHistogramSummaryInfoStateset) {
  Parsed p = ParseAll(
      "# TYPE h histogram\n"
      "h_bucket{le=\"1\"} 2 # {id=\"x\"} 0.5 10\n"
      "h_bucket{le=\"+Inf\"} 3\n"
      "h_count 3\n"
      "h_sum 1.5\n"
      "h_created 100\n"
      "# TYPE g gaugehistogram\n"
      "g_bucket{le=\"+Inf\"} 1\n"
      "g_gcount 1\n"
      "g_gsum 4\n"
      "# TYPE s summary\n"
      "s{quantile=\"0.99\"} 3\n"
      "s_sum 3\n"
      "s_count 1\n"
      "# TYPE i info\n"
      "i_info{version=\"1.2\"} 1\n"
      "# TYPE st stateset\n"
      "st{st=\"a\"} 1\n"
      "st{st=\"b\"} 0\n"
      "# EOF\n",
      Format::kOpenMetrics);
  ASSERT_TRUE(p.fatal.ok()) << p.fatal.ToString();
  std::string semantic;
  for (const Violation& v : p.semantic) semantic += v.ToString() + "\n";
  EXPECT_TRUE(p.semantic.empty()) << semantic;
  ASSERT_EQ(p.samples.size(), 14u);
  EXPECT_EQ(p.samples[0].exemplar, "{id=\"x\"} 0.500000 10000");
  EXPECT_EQ(p.samples[12].labels, "st{st=\"a\"}");
}

TEST(OpenMetricsParser, SemanticViolationsAreIngested) {
  Parsed p = ParseAll(
      "# TYPE a counter\n"
      "a_total -1\n"
      "# TYPE h histogram\n"
      "h_bucket{le=\"2\"} 1\n"
      "h_bucket{le=\"1\"} 1\n"
      "# EOF\n",
      Format::kOpenMetrics);
  ASSERT_TRUE(p.fatal.ok());
  EXPECT_EQ(p.samples.size(), 3u);
  std::vector<std::string> got;
  for (const Violation& v : p.semantic) got.push_back(v.ToString());
  EXPECT_EQ(got, (std::vector<std::string>{
                     "2:1: metric family a: counter-like value cannot be negative",
                     "5:1: histogram h: buckets out of order",
                     "4:1: histogram h: +Inf bucket missing",
                 }));
}

TEST(OpenMetricsParser, EofRules) {
  EXPECT_TRUE(ParseAll("# EOF", Format::kOpenMetrics).fatal.ok());
  EXPECT_TRUE(ParseAll("# EOF\n", Format::kOpenMetrics).fatal.ok());
  EXPECT_EQ(ParseAll("", Format::kOpenMetrics).fatal.message(),
            "1:1: data does not end with # EOF");
  EXPECT_EQ(ParseAll("# EOF\n\n", Format::kOpenMetrics).fatal.message(),
            "1:7: unexpected data after # EOF");
  EXPECT_EQ(ParseAll("a 1", Format::kOpenMetrics).fatal.message(),
            "1:4: data does not end with # EOF");
}

}  // namespace
}  // namespace vigil::expfmt
