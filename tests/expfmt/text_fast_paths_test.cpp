// The text parser's fast paths give what the general paths gave: a run of
// lines with one name (matched by one compare, family kept), label values
// scanned a word at a time (stops on either side of a word boundary), and
// sample values read as plain decimals (falling back for everything else).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "parse_helpers.h"

namespace vigil::expfmt {
namespace {

std::vector<std::string> Strings(const std::vector<Violation>& violations) {
  std::vector<std::string> out;
  for (const Violation& v : violations) out.push_back(v.ToString());
  return out;
}

TEST(TextFastPaths, RunsOfOneNameAndNamesThatExtendIt) {
  Parsed p =
      ParseAll("x 1\nx 2\nx_sum 3\nx 4\nxy 5\nx{a=\"b\"} 6\nx\t7\nx:y 8\nx 9", Format::kText);
  ASSERT_TRUE(p.fatal.ok()) << p.fatal.ToString();
  std::vector<std::string> labels;
  for (const Sample& s : p.samples) labels.push_back(s.labels);
  EXPECT_EQ(labels, (std::vector<std::string>{"x", "x", "x_sum", "x", "xy", "x{a=\"b\"}", "x",
                                              "x:y", "x"}));
  EXPECT_EQ(p.samples[6].value_bits, Bits(7));
  // The last line ends the body without a newline: the name is the whole rest.
  EXPECT_EQ(p.samples[8].series, "x");
}

TEST(TextFastPaths, ARunKeepsItsFamilysChecks) {
  // The second and third bucket lines repeat the name: their family (and its
  // le check) comes from the line before, not a lookup.
  Parsed p = ParseAll(
      "# TYPE h histogram\n"
      "h_bucket{le=\"1\"} 1\n"
      "h_bucket{le=\"x\"} 2\n"
      "h_bucket{le=\"+Inf\"} 2\n"
      "h_sum 3\n"
      "h_bucket{le=\"y\"} 2\n"
      "# TYPE h_bucket gauge\n"
      "h_bucket{le=\"z\"} 2\n",
      Format::kText);
  ASSERT_TRUE(p.fatal.ok()) << p.fatal.ToString();
  EXPECT_EQ(Strings(p.semantic),
            (std::vector<std::string>{
                "3:1: expected float as value for 'le' label, got \"x\"",
                "6:1: expected float as value for 'le' label, got \"y\"",
                "7:1: second TYPE line for metric name \"h_bucket\", or TYPE reported after "
                "samples",
                "8:1: expected float as value for 'le' label, got \"z\"",
            }));
}

TEST(TextFastPaths, LabelValueStopsAroundWordBoundaries) {
  // Values of 6 to 17 bytes put the closing quote, an escape or a UTF-8 byte
  // on both sides of the eight-byte steps.
  std::string body;
  std::vector<std::string> want;
  for (int len = 6; len <= 17; ++len) {
    std::string plain(len, 'v');
    std::string escaped = std::string(len - 2, 'e') + "\\\"";
    std::string utf8 = std::string(len - 2, 'u') + "\xc3\xa9";
    body += "m{a=\"" + plain + "\",b=\"" + escaped + "\",c=\"" + utf8 + "\"} 1\n";
    want.push_back("m{a=\"" + plain + "\", b=\"" + std::string(len - 2, 'e') + "\\\"\", c=\"" +
                   utf8 + "\"}");
  }
  Parsed p = ParseAll(body, Format::kText);
  ASSERT_TRUE(p.fatal.ok()) << p.fatal.ToString();
  std::vector<std::string> got;
  for (const Sample& s : p.samples) got.push_back(s.labels);
  EXPECT_EQ(got, want);
  EXPECT_TRUE(p.semantic.empty());
}

TEST(TextFastPaths, LabelValueErrorsAfterTheFirstWord) {
  // An invalid byte, an escape of a UTF-8 byte, a raw newline and an
  // unterminated value, each past the first eight bytes.
  Parsed bad = ParseAll("m{a=\"0123456789\xff\"} 1\n", Format::kText);
  EXPECT_EQ(bad.fatal.message(), "1:5: invalid UTF-8 label value");
  Parsed escaped = ParseAll("m{a=\"0123456789\\\xc3\xa9\"} 1\n", Format::kText);
  ASSERT_TRUE(escaped.fatal.ok()) << escaped.fatal.ToString();
  EXPECT_EQ(escaped.samples[0].labels, "m{a=\"0123456789\\\\\xc3\xa9\"}");
  EXPECT_EQ(Strings(escaped.semantic),
            (std::vector<std::string>{"1:16: invalid escape sequence '\\\xc3'"}));
  Parsed escaped_bad = ParseAll("m{a=\"0123456789\\\xff\"} 1\n", Format::kText);
  EXPECT_EQ(escaped_bad.fatal.message(), "1:5: invalid UTF-8 label value");
  Parsed newline = ParseAll("m{a=\"0123456789\nab\"} 1\n", Format::kText);
  ASSERT_TRUE(newline.fatal.ok()) << newline.fatal.ToString();
  EXPECT_EQ(newline.samples[0].labels, "m{a=\"0123456789\\nab\"}");
  EXPECT_EQ(Strings(newline.semantic),
            (std::vector<std::string>{"1:16: label value contains an unescaped new line"}));
  Parsed open = ParseAll("m{a=\"0123456789abcdef", Format::kText);
  EXPECT_EQ(open.fatal.message(), "1:5: unterminated label value");
}

TEST(TextFastPaths, SampleValuesPlainAndNot) {
  Parsed p = ParseAll(
      "a 881337\nb 53.123457\t1700000000000\nc -0\nd 9007199254740993\n"
      "e 123456789012345678901234567890\nf 1e3\ng NaN\nh +Inf\ni 0.1 7\nj 00000000000000000000042\n"
      "k 1",
      Format::kText);
  ASSERT_TRUE(p.fatal.ok()) << p.fatal.ToString();
  ASSERT_EQ(p.samples.size(), 11u);
  EXPECT_EQ(p.samples[0].value_bits, Bits(881337));
  EXPECT_EQ(p.samples[0].ts, std::nullopt);
  EXPECT_EQ(p.samples[1].value_bits, Bits(53.123457));
  EXPECT_EQ(p.samples[1].ts, 1700000000000);
  EXPECT_EQ(p.samples[2].value_bits, Bits(-0.0));
  EXPECT_EQ(p.samples[3].value_bits, Bits(9007199254740992.0));
  EXPECT_EQ(p.samples[4].value_bits, Bits(1.2345678901234568e29));
  EXPECT_EQ(p.samples[5].value_bits, Bits(1000));
  EXPECT_TRUE(std::isnan(std::bit_cast<double>(p.samples[6].value_bits)));
  EXPECT_EQ(p.samples[7].value_bits, Bits(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(p.samples[8].value_bits, Bits(0.1));
  EXPECT_EQ(p.samples[8].ts, 7);
  EXPECT_EQ(p.samples[9].value_bits, Bits(42));
  EXPECT_EQ(p.samples[10].value_bits, Bits(1));  // ends the body, no newline
}

TEST(TextFastPaths, ValuesThatFallBackKeepTheirErrors) {
  // A plain-decimal prefix followed by something else is not taken.
  EXPECT_EQ(ParseAll("a 1{\n", Format::kText).fatal.message(),
            "1:4: expected timestamp or new record");
  EXPECT_EQ(ParseAll("a 1.2.3\n", Format::kText).fatal.message(), "1:3: invalid value \"1.2.3\"");
  EXPECT_EQ(ParseAll("a 1_000\n", Format::kText).fatal.message(), "1:3: invalid value \"1_000\"");
  EXPECT_EQ(ParseAll("a 12x\n", Format::kText).fatal.message(), "1:3: invalid value \"12x\"");
  EXPECT_EQ(ParseAll("a -\n", Format::kText).fatal.message(), "1:3: invalid value \"-\"");
  EXPECT_EQ(ParseAll("a \n", Format::kText).fatal.message(), "1:3: expected value after metric");
  EXPECT_EQ(ParseAll("a 1 2 3\n", Format::kText).fatal.message(),
            "1:7: expected next entry after timestamp");
  EXPECT_EQ(ParseAll("a 1 9223372036854775808\n", Format::kText).fatal.message(),
            "1:5: timestamp out of range");
}

TEST(TextFastPaths, TimestampDoesNotCarryOver) {
  Parsed p = ParseAll("a 1 5\na 2\nb 3 9223372036854775807\nb 4\n", Format::kText);
  ASSERT_TRUE(p.fatal.ok()) << p.fatal.ToString();
  ASSERT_EQ(p.samples.size(), 4u);
  EXPECT_EQ(p.samples[0].ts, 5);
  EXPECT_EQ(p.samples[1].ts, std::nullopt);
  EXPECT_EQ(p.samples[2].ts, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(p.samples[3].ts, std::nullopt);
}

}  // namespace
}  // namespace vigil::expfmt
