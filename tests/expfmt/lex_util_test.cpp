// Go's float syntax as Prometheus accepts it, UTF-8 validation, unescaping.
#include "lex_util.h"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <random>
#include <string>

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

uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }

TEST(ParsePlainDecimal, ReadsThePrefixAndReturnsItsEnd) {
  double v = 0;
  EXPECT_EQ(ParsePlainDecimal("881337 1700000000000\n", 0, &v), 6u);
  EXPECT_EQ(v, 881337);
  EXPECT_EQ(ParsePlainDecimal("} 53.123457\n", 2, &v), 11u);
  EXPECT_EQ(Bits(v), Bits(53.123457));
  EXPECT_EQ(ParsePlainDecimal("-0 ", 0, &v), 2u);
  EXPECT_EQ(Bits(v), Bits(-0.0));
  EXPECT_EQ(ParsePlainDecimal("+5", 0, &v), 2u);
  EXPECT_EQ(v, 5);
  EXPECT_EQ(ParsePlainDecimal("5.", 0, &v), 2u);
  EXPECT_EQ(v, 5);
  // The caller decides what may follow: "1e3" is "1" then 'e'.
  EXPECT_EQ(ParsePlainDecimal("1e3", 0, &v), 1u);
  EXPECT_EQ(ParsePlainDecimal("1.2.3", 0, &v), 3u);
}

TEST(ParsePlainDecimal, LeavesTheRestToTheFullParser) {
  const double untouched = 42;
  for (const char* in : {"", "+", "-", ".5", "-.5", "NaN", "+Inf", "Inf", "e3", " 1",
                         // a mantissa above 2^53, more than 19 digits, 23 fraction digits
                         "9007199254740993", "18446744073709551615", "123456789012345678901",
                         "0.00000000000000000000001"}) {
    double v = untouched;
    EXPECT_EQ(ParsePlainDecimal(in, 0, &v), std::string_view::npos) << in;
    EXPECT_EQ(v, untouched) << in;
  }
  // ...which gives them Go's values.
  double v;
  ASSERT_TRUE(ParseGoFloat("9007199254740993", &v));
  EXPECT_EQ(v, 9007199254740992.0);  // ties to even
  ASSERT_TRUE(ParseGoFloat("18446744073709551615", &v));
  EXPECT_EQ(v, 18446744073709551616.0);
  ASSERT_TRUE(ParseGoFloat("0.00000000000000000000001", &v));
  EXPECT_EQ(v, 1e-23);
  // The edges of the exact range still take the fast path.
  EXPECT_EQ(ParsePlainDecimal("9007199254740992", 0, &v), 16u);
  EXPECT_EQ(v, 9007199254740992.0);
  EXPECT_EQ(ParsePlainDecimal("0.0000000000000000000001", 0, &v), 24u);
  EXPECT_EQ(Bits(v), Bits(1e-22));
}

// The fast path must give from_chars's correctly rounded value, bit for bit,
// over every magnitude of mantissa and every count of fraction digits.
TEST(ParsePlainDecimal, AgreesWithFromCharsBitForBit) {
  std::mt19937_64 rng(20261129);
  int fast = 0;
  for (int i = 0; i < 200000; ++i) {
    uint64_t mantissa = rng() >> (11 + rng() % 53);
    std::string digits = std::to_string(mantissa);
    size_t fraction = rng() % 23;
    if (digits.size() <= fraction) digits.insert(0, fraction - digits.size() + 1, '0');
    std::string s =
        digits.substr(0, digits.size() - fraction) + "." + digits.substr(digits.size() - fraction);
    if (fraction == 0 && rng() % 2 == 0) s.pop_back();
    bool negative = rng() % 4 == 0;
    double want = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), want);
    ASSERT_TRUE(ec == std::errc() && end == s.data() + s.size()) << s;
    if (negative) {
      s.insert(0, "-");
      want = -want;
    }
    double got = 0;
    size_t stop = ParsePlainDecimal(s, 0, &got);
    if (stop != std::string_view::npos) {
      ++fast;
      ASSERT_EQ(stop, s.size()) << s;
      ASSERT_EQ(Bits(got), Bits(want)) << s;
    }
    ASSERT_TRUE(ParseGoFloat(s, &got)) << s;
    ASSERT_EQ(Bits(got), Bits(want)) << s;
  }
  EXPECT_GT(fast, 150000);  // most of them took the fast path
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
