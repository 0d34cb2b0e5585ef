// Fatal errors: the message and its line:column, and that nothing after
// them is read.
#include <gtest/gtest.h>

#include "parse_helpers.h"

namespace vigil::expfmt {
namespace {

struct ErrorCase {
  Format format;
  std::string body;
  std::string want;  // Status message
};

class FatalErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(FatalErrorTest, Position) {
  const ErrorCase& c = GetParam();
  Parsed p = ParseAll(c.body, c.format);
  ASSERT_FALSE(p.fatal.ok());
  EXPECT_EQ(p.fatal.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(p.fatal.message(), c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Text, FatalErrorTest,
    ::testing::Values(
        ErrorCase{Format::kText, "a 1\nb{c=\"\xff\"} 1\n", "2:5: invalid UTF-8 label value"},
        ErrorCase{Format::kText, "a 1\nb{c=\"\xed\xa0\x80\"} 1\n",
                  "2:5: invalid UTF-8 label value"},
        ErrorCase{Format::kText, "x{a=\"1\",a=\"2\"} 1\n", "1:9: label name \"a\" is not unique"},
        ErrorCase{Format::kText, "x{a=\"1\\\n\"} 1\n",
                  "1:7: backslash at the end of a line in a label value"},
        ErrorCase{Format::kText, "x 1\ny 1.2.3\n", "2:3: invalid value \"1.2.3\""},
        ErrorCase{Format::kText, "x 0x10\n", "1:3: invalid value \"0x10\""},
        ErrorCase{Format::kText, "x 1e400\n", "1:3: invalid value \"1e400\""},
        ErrorCase{Format::kText, "x 1 99999999999999999999\n", "1:5: timestamp out of range"},
        ErrorCase{Format::kText, "x{a=\"1", "1:5: unterminated label value"},
        ErrorCase{Format::kText, "x{a=\"1\"", "1:8: expected label name or '}'"},
        ErrorCase{Format::kText, "x{a=\"1\"\n", "1:8: expected label name or '}'"},
        ErrorCase{Format::kText, "\n\n  x\n", "3:4: expected value after metric"},
        ErrorCase{Format::kText, "# HELP \n", "1:8: expected metric name after HELP"},
        ErrorCase{Format::kText, "# TYPE x Counter\n", "1:10: invalid metric type \"Counter\""},
        ErrorCase{Format::kText, "# HELP x \xc3\x28\n",
                  "1:9: help text is not a valid UTF-8 string"}));

INSTANTIATE_TEST_SUITE_P(
    OpenMetrics, FatalErrorTest,
    ::testing::Values(
        ErrorCase{Format::kOpenMetrics, "a 1\nb{c=\"\xc0\xaf\"} 1\n# EOF\n",
                  "2:5: invalid UTF-8 label value"},
        ErrorCase{Format::kOpenMetrics, "a{b=\"1\",b=\"2\"} 1\n# EOF\n",
                  "1:9: label name \"b\" is not unique"},
        ErrorCase{Format::kOpenMetrics, "a{__name__=\"b\"} 1\n# EOF\n",
                  "1:3: label name \"__name__\" is not unique"},
        ErrorCase{Format::kOpenMetrics, "a{b=\"1\n\"} 1\n# EOF\n", "1:5: unterminated label value"},
        ErrorCase{Format::kOpenMetrics, "a 1\nb 2 3 4\n# EOF\n",
                  "2:6: expected exemplar or end of line after timestamp"},
        ErrorCase{Format::kOpenMetrics, "a 1\n", "2:1: data does not end with # EOF"},
        ErrorCase{Format::kOpenMetrics, "a 1\n# comment\n# EOF\n",
                  "2:3: expected HELP, TYPE, UNIT or EOF"},
        ErrorCase{Format::kOpenMetrics, "a_total 1 # {x=\"y\"} 1 NaN\n# EOF\n",
                  "1:23: invalid exemplar timestamp"},
        ErrorCase{Format::kOpenMetrics, "# HELP a x\n# HELP a y", "2:11: expected text in HELP"},
        ErrorCase{Format::kOpenMetrics, "a 1 Inf\n# EOF\n", "1:5: invalid timestamp \"Inf\""}));

TEST(FatalError, LineCountsNewlinesInsideTextLabelValues) {
  Parsed p = ParseAll("a{b=\"x\ny\"} 1\nc 1 z\n", Format::kText);
  EXPECT_EQ(p.fatal.message(), "3:5: expected timestamp or new record");
  ASSERT_EQ(p.samples.size(), 1u);
}

}  // namespace
}  // namespace vigil::expfmt
