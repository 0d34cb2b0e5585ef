// Go's float syntax as Prometheus accepts it, UTF-8 validation, unescaping.
#include "lex_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace vigil::expfmt::internal {
namespace {

TEST(ParseGoFloat, AcceptsWhatGoAccepts) {
  const double inf = std::numeric_limits<double>::infinity();
  struct {
    const char* in;
    double want;
  } cases[] = {{"1", 1},       {"-1.5", -1.5}, {"+2", 2},         {"1e3", 1000},
               {"1E-2", 0.01}, {".5", 0.5},    {"5.", 5},         {"+Inf", inf},
               {"-inf", -inf}, {"INF", inf},   {"Infinity", inf}, {"-infinity", -inf},
               {"007", 7},     {"1e-400", 0}};
  for (const auto& c : cases) {
    double v = 0;
    ASSERT_TRUE(ParseGoFloat(c.in, &v)) << c.in;
    EXPECT_EQ(v, c.want) << c.in;
  }
  double v;
  ASSERT_TRUE(ParseGoFloat("NaN", &v));
  EXPECT_TRUE(std::isnan(v));
  ASSERT_TRUE(ParseGoFloat("nan", &v));
}

TEST(ParseGoFloat, RejectsWhatGoOrPrometheusRejects) {
  for (const char* in : {"",      "+",     "-",     ".",    "e3",     "1e",    "1e+", "0x1",
                         "0x1p3", "1_000", "+nan",  "-NaN", "nan(1)", "infin", "in",  "1 ",
                         " 1",    "1.2.3", "1e400", "--1",  "+-1",    "0b1",   "0o1", "1f"}) {
    double v;
    EXPECT_FALSE(ParseGoFloat(in, &v)) << in;
  }
}

TEST(ParseDecimalInt64, Bounds) {
  int64_t v;
  ASSERT_TRUE(ParseDecimalInt64("9223372036854775807", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(ParseDecimalInt64("9223372036854775808", &v));
  EXPECT_FALSE(ParseDecimalInt64("", &v));
  EXPECT_FALSE(ParseDecimalInt64("-1", &v));
}

TEST(Utf8, ValidAndInvalid) {
  EXPECT_TRUE(IsValidUtf8("plain ascii text, long enough for the fast path"));
  EXPECT_TRUE(IsValidUtf8("\xe2\x98\x83 snowman \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("abc\xe2\x98"));       // truncated
  EXPECT_EQ(CountCodePoints("\xe2\x98\x83"
                            "ab"),
            3u);
}

TEST(Unescape, LabelValuesAndTextHelp) {
  std::string out;
  AppendUnescapedLabelValue(R"(a\\b\"c\nd\te)", &out);
  EXPECT_EQ(out, "a\\b\"c\nd\\te");
  out.clear();
  AppendUnescapedTextHelp(R"(a\\b\"c\n)", &out);
  EXPECT_EQ(out, "a\\b\\\"c\n");
}

TEST(SecondsToMs, TruncatesLikeGo) {
  EXPECT_EQ(SecondsToMs(1.5), 1500);
  EXPECT_EQ(SecondsToMs(-0.0015), -1);
  EXPECT_EQ(SecondsToMs(1e300), std::numeric_limits<int64_t>::min());
}

}  // namespace
}  // namespace vigil::expfmt::internal
