#include "vigil/promql/printer.h"

#include <gtest/gtest.h>

#include "go_strings.h"
#include "literals.h"
#include "vigil/promql/parser.h"

namespace vigil::promql {
namespace {

std::string RoundTrip(std::string_view input) {
  Result<ExprPtr> r = ParseExpr(input);
  if (!r.ok()) return "error: " + r.status().message();
  return Format(**r);
}

TEST(Printer, CanonicalForms) {
  EXPECT_EQ(RoundTrip("SUM BY(a,b)(rate(x[1h30m]))"), "sum by (a, b) (rate(x[1h30m]))");
  EXPECT_EQ(RoundTrip("sum(x) without(a)"), "sum without (a) (x)");
  EXPECT_EQ(RoundTrip("x{b='2',a=~\"1\"}"), "x{a=~\"1\",b=\"2\"}");
  EXPECT_EQ(RoundTrip("x offset 90d"), "x offset 90d");  // weeks only when exact
  EXPECT_EQ(RoundTrip("x offset 8d"), "x offset 8d");
  EXPECT_EQ(RoundTrip("x offset 14d"), "x offset 2w");
  EXPECT_EQ(RoundTrip("x[365d]"), "x[1y]");
  EXPECT_EQ(RoundTrip("x[60s]"), "x[1m]");
  EXPECT_EQ(RoundTrip("x[1500ms]"), "x[1s500ms]");
  EXPECT_EQ(RoundTrip("x @ 100 offset 1m"), "x @ 100.000 offset 1m");
  EXPECT_EQ(RoundTrip("x offset 1m @ end()"), "x @ end() offset 1m");
  EXPECT_EQ(RoundTrip("x[5m] offset 1m @ 1.2345"), "x[5m] @ 1.235 offset 1m");
  EXPECT_EQ(RoundTrip("x[5m:] @ start()"), "x[5m:] @ start()");
  EXPECT_EQ(RoundTrip("a>bool on()group_right b"), "a > bool on () group_right () b");
  EXPECT_EQ(RoundTrip("1e6 + 0x10 + 0755 + .5 + Inf - NaN"), "1e+06 + 16 + 493 + 0.5 + +Inf - NaN");
  EXPECT_EQ(RoundTrip("`a\\b` + 'c\"d'"), "error: 1:1: parse error: binary expression must "
                                          "contain only scalar and instant vector types");
  EXPECT_EQ(RoundTrip("label_replace(x, 'a\\tb', `c\"`, \"\\u00e9\", \"\\x01\")"),
            "label_replace(x, \"a\\tb\", \"c\\\"\", \"é\", \"\\x01\")");
}

TEST(Printer, GoQuote) {
  EXPECT_EQ(GoQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(GoQuote("\n\t\x01\x7f"), "\"\\n\\t\\x01\\x7f\"");
  EXPECT_EQ(GoQuote("\xff"), "\"\\xff\"");
  EXPECT_EQ(GoQuote("é☃"), "\"é☃\"");
  EXPECT_EQ(GoQuote("\u00a0\u200b"), "\"\\u00a0\\u200b\"");
  EXPECT_EQ(GoQuotePrefix("\"abcdefghijklmn\"", 10), "\"\\\"abcdefghi\"");
  EXPECT_EQ(GoFormatU('c'), "U+0063 'c'");
  EXPECT_EQ(GoFormatU(1), "U+0001");
}

TEST(Literals, Durations) {
  EXPECT_EQ(*ParseDurationLiteral("1h30m"), Duration(5400000));
  EXPECT_EQ(*ParseDurationLiteral("1y"), Duration(365LL * 86400000));
  EXPECT_EQ(ParseDurationLiteral("0s").status().message(), "duration must be greater than 0");
  EXPECT_EQ(ParseDurationLiteral("1.5h").status().message(),
            "not a valid duration string: \"1.5h\"");
  EXPECT_EQ(ParseDurationLiteral("1m1h").status().message(),
            "not a valid duration string: \"1m1h\"");
  EXPECT_EQ(ParseDurationLiteral("300y").status().message(), "duration out of range");
  EXPECT_EQ(FormatDuration(Duration(0)), "0s");
  EXPECT_EQ(FormatDuration(Duration(8 * 86400000LL)), "8d");
}

TEST(Literals, Numbers) {
  EXPECT_EQ(*ParseNumberLiteral("0x1F"), 31);
  EXPECT_EQ(*ParseNumberLiteral("010"), 8);
  EXPECT_EQ(*ParseNumberLiteral("09"), 9);
  EXPECT_EQ(*ParseNumberLiteral("1e-400"), 0);
  EXPECT_EQ(ParseNumberLiteral("1e400").status().message(),
            "strconv.ParseFloat: parsing \"1e400\": value out of range");
  EXPECT_EQ(ParseNumberLiteral("1e").status().message(),
            "strconv.ParseFloat: parsing \"1e\": invalid syntax");
  EXPECT_EQ(ParseNumberLiteral("0x1.8").status().message(),
            "strconv.ParseFloat: parsing \"0x1.8\": invalid syntax");
}

}  // namespace
}  // namespace vigil::promql
