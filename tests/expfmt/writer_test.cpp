// The text-format writer: exact bytes as Go's expfmt encoder, and what it
// writes reads back through the text parser unchanged.
#include "vigil/expfmt/writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "vigil/expfmt/parser.h"

namespace vigil::expfmt {
namespace {

TEST(Writer, TypeAndSampleLines) {
  std::string out;
  AppendTypeLine("http_requests_total", "untyped", &out);
  AppendSampleLine("http_requests_total", {{"code", "200"}, {"instance", ""}}, 1e6, 1700000000123,
                   &out);
  AppendSampleLine("up", {}, 1, std::nullopt, &out);
  AppendSampleLine("x", {{"path", "a\\b\"c\nd"}}, std::numeric_limits<double>::infinity(), 5,
                   &out);
  AppendSampleLine("y", {}, -0.25, std::nullopt, &out);
  AppendSampleLine("z", {}, std::nan(""), std::nullopt, &out);
  EXPECT_EQ(out,
            "# TYPE http_requests_total untyped\n"
            "http_requests_total{code=\"200\",instance=\"\"} 1e+06 1700000000123\n"
            "up 1\n"
            "x{path=\"a\\\\b\\\"c\\nd\"} +Inf 5\n"
            "y -0.25\n"
            "z NaN\n");
}

TEST(Writer, ReadsBackThroughTheParser) {
  std::string out;
  AppendTypeLine("m", "untyped", &out);
  AppendSampleLine("m", {{"a", "q\"uo\\te\nline"}, {"b", ""}}, 0.1, 42, &out);
  auto parser = Parser::New(out, Format::kText);
  auto entry = parser->Next();
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(*entry, Parser::Entry::kType);
  EXPECT_EQ(parser->MetricFamily(), "m");
  entry = parser->Next();
  ASSERT_TRUE(entry.ok()) << entry.status().message();
  ASSERT_EQ(*entry, Parser::Entry::kSeries);
  model::Labels labels;
  parser->Labels(&labels);
  EXPECT_EQ(labels.Get("a"), "q\"uo\\te\nline");
  EXPECT_EQ(parser->Value(), 0.1);
  EXPECT_EQ(parser->TimestampMs(), 42);
  entry = parser->Next();
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(*entry, Parser::Entry::kEnd);
}

}  // namespace
}  // namespace vigil::expfmt
