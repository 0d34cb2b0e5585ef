// The text format 0.0.4: the exact samples a valid body yields.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "parse_helpers.h"

namespace vigil::expfmt {
namespace {

constexpr uint64_t kNormalNaN = 0x7ff8000000000001ULL;

TEST(TextParser, SamplesLabelsValuesTimestamps) {
  std::string_view body =
      "# HELP http_requests_total The total.\\nSecond line \\\\ done\n"
      "# TYPE http_requests_total counter\n"
      "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
      "http_requests_total{method=\"post\",code=\"400\"}    3   1395066363000\n"
      "\n"
      "# A normal comment.\n"
      "  metric_without_timestamp_and_labels 12.47\n"
      "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find "
      "file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
      "something_weird{problem=\"division by zero\"} +Inf -3982045\n";
  // The last line's timestamp is negative: see the from_test_parse_3 decision.
  Parsed p = ParseAll(body, Format::kText);
  ASSERT_FALSE(p.fatal.ok());
  EXPECT_EQ(p.fatal.message(), "9:50: expected timestamp or new record");
  ASSERT_EQ(p.samples.size(), 4u);

  EXPECT_EQ(p.metadata[0], "HELP http_requests_total The total.\nSecond line \\ done");
  EXPECT_EQ(p.metadata[1], "TYPE http_requests_total 1");
  EXPECT_EQ(p.samples[0].series, "http_requests_total{method=\"post\",code=\"200\"}");
  EXPECT_EQ(p.samples[0].labels, "http_requests_total{code=\"200\", method=\"post\"}");
  EXPECT_EQ(p.samples[0].value_bits, Bits(1027));
  EXPECT_EQ(p.samples[0].ts, 1395066363000);
  EXPECT_EQ(p.samples[1].value_bits, Bits(3));
  EXPECT_EQ(p.samples[1].ts, 1395066363000);
  EXPECT_EQ(p.samples[2].series, "metric_without_timestamp_and_labels");
  EXPECT_EQ(p.samples[2].labels, "metric_without_timestamp_and_labels");
  EXPECT_EQ(p.samples[2].value_bits, Bits(12.47));
  EXPECT_EQ(p.samples[2].ts, std::nullopt);
  EXPECT_EQ(p.samples[3].labels,
            "msdos_file_access_time_seconds{error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\", "
            "path=\"C:\\\\DIR\\\\FILE.TXT\"}");
  EXPECT_EQ(p.samples[3].value_bits, Bits(1.458255915e9));
  EXPECT_TRUE(p.semantic.empty());
}

TEST(TextParser, SpecialValuesAreBitExact) {
  Parsed p = ParseAll(
      "a NaN\nb nan\nc +Inf\nd -Inf\ne Inf\nf -inf\ng infinity\nh 1e3\ni -0\nj .5\nk 5.\n"
      "l 0000012\nm 1e-400\nn 4.9e-324\n",
      Format::kText);
  ASSERT_TRUE(p.fatal.ok()) << p.fatal.ToString();
  ASSERT_EQ(p.samples.size(), 14u);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(p.samples[0].value_bits, kNormalNaN);
  EXPECT_EQ(p.samples[1].value_bits, kNormalNaN);
  EXPECT_EQ(p.samples[2].value_bits, Bits(inf));
  EXPECT_EQ(p.samples[3].value_bits, Bits(-inf));
  EXPECT_EQ(p.samples[4].value_bits, Bits(inf));
  EXPECT_EQ(p.samples[5].value_bits, Bits(-inf));
  EXPECT_EQ(p.samples[6].value_bits, Bits(inf));
  EXPECT_EQ(p.samples[7].value_bits, Bits(1000));
  EXPECT_EQ(p.samples[8].value_bits, Bits(-0.0));
  EXPECT_EQ(p.samples[9].value_bits, Bits(0.5));
  EXPECT_EQ(p.samples[10].value_bits, Bits(5));
  EXPECT_EQ(p.samples[11].value_bits, Bits(12));
  EXPECT_EQ(p.samples[12].value_bits, Bits(0));  // underflow rounds, as Go
  EXPECT_EQ(p.samples[13].value_bits, Bits(4.9e-324));
}

TEST(TextParser, LenientSyntaxOfTheScraper) {
  // Blanks around tokens, a trailing comma, an empty label set, empty values
  // (dropped from the labels), CRLF-free last line without a newline.
  Parsed p = ParseAll("a { x = \"1\" , y=\"\", } 1 \t 5 \nb{} 2\nc 3", Format::kText);
  ASSERT_TRUE(p.fatal.ok()) << p.fatal.ToString();
  ASSERT_EQ(p.samples.size(), 3u);
  EXPECT_EQ(p.samples[0].series, "a { x = \"1\" , y=\"\", }");
  EXPECT_EQ(p.samples[0].labels, "a{x=\"1\"}");
  EXPECT_EQ(p.samples[0].ts, 5);
  EXPECT_EQ(p.samples[1].labels, "b");
  EXPECT_EQ(p.samples[2].value_bits, Bits(3));
  // Go's parser wants a final newline: a semantic violation, not fatal.
  ASSERT_EQ(p.semantic.size(), 1u);
  EXPECT_EQ(p.semantic[0].ToString(),
            "3:4: unexpected end of input stream: no newline after the last line");
}

TEST(TextParser, SemanticViolationsTheScraperIngests) {
  Parsed p = ParseAll(
      "# HELP m one\n"
      "# HELP m two\n"
      "m{a=\"x\\ty\" b=\"multi\nline\"} 1\n"
      "# TYPE m gauge\n",
      Format::kText);
  ASSERT_TRUE(p.fatal.ok()) << p.fatal.ToString();
  ASSERT_EQ(p.samples.size(), 1u);
  // Unknown escapes are kept as written; the raw newline stays.
  EXPECT_EQ(p.samples[0].labels, "m{a=\"x\\\\ty\", b=\"multi\\nline\"}");
  std::vector<std::string> got;
  for (const Violation& v : p.semantic) got.push_back(v.ToString());
  EXPECT_EQ(got, (std::vector<std::string>{
                     "2:1: second HELP line for metric name \"m\"",
                     "3:7: invalid escape sequence '\\t'",
                     "3:12: expected ',' between labels",
                     "3:20: label value contains an unescaped new line",
                     "5:1: second TYPE line for metric name \"m\", or TYPE reported after samples",
                 }));
}

TEST(TextParser, HistogramAndSummaryFamilies) {
  Parsed p = ParseAll(
      "# TYPE h histogram\n"
      "h_bucket{le=\"0.1\"} 1\n"
      "h_bucket{le=\"+Inf\"} 2\n"
      "h_sum 0.3\n"
      "h_count 2\n"
      "# TYPE s summary\n"
      "s{quantile=\"0.5\"} NaN\n"
      "s_sum 1\n"
      "s_count 0\n",
      Format::kText);
  ASSERT_TRUE(p.fatal.ok());
  EXPECT_TRUE(p.semantic.empty());
  ASSERT_EQ(p.samples.size(), 7u);
  EXPECT_EQ(p.samples[1].labels, "h_bucket{le=\"+Inf\"}");
  EXPECT_EQ(p.samples[4].value_bits, kNormalNaN);
}

TEST(TextParser, NulAtLineStartEndsTheBody) {
  std::string body("a 1\n\0b 2\n", 9);
  Parsed p = ParseAll(body, Format::kText);
  ASSERT_TRUE(p.fatal.ok());
  ASSERT_EQ(p.samples.size(), 1u);
  ASSERT_EQ(p.semantic.size(), 1u);
  EXPECT_EQ(p.semantic[0].ToString(), "2:1: NUL byte: the rest of the body is ignored");
}

TEST(TextParser, CommentsAndEntries) {
  std::unique_ptr<Parser> p =
      Parser::New("#no space\n# TYPE x untyped\n#\tHELP y\n", Format::kText);
  EXPECT_EQ(*p->Next(), Parser::Entry::kComment);
  EXPECT_EQ(p->Text(), "no space");
  EXPECT_EQ(*p->Next(), Parser::Entry::kType);
  EXPECT_EQ(p->MetricFamily(), "x");
  EXPECT_EQ(p->Type(), MetricType::kUnknown);
  EXPECT_EQ(p->CurrentPosition().line, 2);
  EXPECT_EQ(*p->Next(), Parser::Entry::kHelp);  // "# HELP name" with no text
  EXPECT_EQ(p->MetricFamily(), "y");
  EXPECT_EQ(p->Text(), "");
  EXPECT_EQ(*p->Next(), Parser::Entry::kEnd);
  EXPECT_EQ(*p->Next(), Parser::Entry::kEnd);
}

TEST(Format, ContentTypeNegotiation) {
  EXPECT_EQ(ScrapeAcceptHeader(),
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
            "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
  EXPECT_EQ(FormatFromContentType("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            Format::kOpenMetrics);
  EXPECT_EQ(FormatFromContentType("Application/OpenMetrics-Text"), Format::kOpenMetrics);
  EXPECT_EQ(FormatFromContentType("text/plain; version=0.0.4"), Format::kText);
  EXPECT_EQ(FormatFromContentType(""), Format::kText);
  EXPECT_EQ(FormatFromContentType("application/json"), Format::kText);
}

}  // namespace
}  // namespace vigil::expfmt
