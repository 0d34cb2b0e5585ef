// Robustness: the parser must return (an expression or an error) for any
// input, without crashing, hanging or tripping the sanitizers. A bounded
// stand-in for the libFuzzer target: random token soups and mutations of
// valid queries, a few thousand of each, with a fixed seed.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "promql_round_trip.h"
#include "vigil/promql/parser.h"
#include "vigil/promql/printer.h"

namespace vigil::promql {
namespace {

const std::vector<std::string>& Seeds() {
  static const std::vector<std::string> kSeeds = {
      "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m] offset 1h))",
      "histogram_quantile(0.9, sum without (instance) (rate(x_bucket[1m] @ end())))",
      "a * on(b) group_left(c) d > bool 1 or -e ^ -2 unless f atan2 g",
      "max_over_time(deriv(rate(x[1m])[5m:30s] @ 100)[1h:])",
      "topk(3, count_values('v', {__name__=~\"a.*\", job!=\"\"}))",
      "label_replace(up, \"a\", \"$1\", `b`, \"(.*)\") # comment\n+ 1",
      "((((x))))[5m:1m] offset -5m",
      "quantile(0.5, x) - 0x1F * .5e-3 / Inf % NaN",
  };
  return kSeeds;
}

const std::vector<std::string>& Fragments() {
  static const std::vector<std::string> kFragments = {
      "(", ")", "{", "}", "[", "]", ",", "=", "!=", "=~", "!~", ":", "@", "+", "-", "*", "/",
      "%", "^", "==", "<=", ">", " ", "\n", "#", "\"", "'", "`", "\\", "sum", "by", "without",
      "on", "ignoring", "group_left", "group_right", "bool", "offset", "start()", "end()",
      "and", "or", "unless", "atan2", "rate", "x", "a:b", "5m", "1h30m", "0x", "1e", "1.5",
      "Inf", "nan", "topk", "count_values", "\"a\"", "'b'", "`c`", "\xff", "é", "\\u12",
      "label_replace", "time", "__name__", "[5m:]", "[1m:1s]", "{a=\"b\"}",
  };
  return kFragments;
}

void ParseAndPrint(const std::string& input) {
  Result<ExprPtr> r = ParseExpr(input);
  if (!r.ok()) {
    EXPECT_NE(r.status().message().find("parse error: "), std::string::npos) << input;
    return;
  }
  // A query that parses prints to one that parses to the same query.
  EXPECT_EQ(fuzz::RoundTripProblem(**r), "") << input;
}

TEST(ParserFuzz, RandomTokenSoup) {
  std::mt19937 rng(42);
  const auto& frags = Fragments();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int i = 0; i < 4000 && std::chrono::steady_clock::now() < deadline; ++i) {
    std::string input;
    int n = 1 + static_cast<int>(rng() % 20);
    for (int j = 0; j < n; ++j) input += frags[rng() % frags.size()];
    ParseAndPrint(input);
  }
}

TEST(ParserFuzz, MutatedQueries) {
  std::mt19937 rng(7);
  const auto& frags = Fragments();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int i = 0; i < 4000 && std::chrono::steady_clock::now() < deadline; ++i) {
    std::string input = Seeds()[rng() % Seeds().size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int j = 0; j < edits && !input.empty(); ++j) {
      size_t pos = rng() % input.size();
      switch (rng() % 4) {
        case 0: input.erase(pos, 1 + rng() % 3); break;
        case 1: input.insert(pos, frags[rng() % frags.size()]); break;
        case 2: input[pos] = static_cast<char>(rng() % 256); break;
        default: input = input.substr(0, pos); break;
      }
    }
    ParseAndPrint(input);
  }
}

ExprPtr MustParse(std::string_view text) {
  Result<ExprPtr> r = ParseExpr(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().message();
  return r.ok() ? std::move(*r) : nullptr;
}

// What the libFuzzer target found: Prometheus's text for 22 ^ (Inf ^ 222)
// re-parses with a unary plus, which the oracle accepts as the same query.
TEST(ParserFuzz, InfinityUnderPowerRoundTrips) {
  for (std::string_view input : {"22^Inf^222", "22^-Inf^222", "1 - Inf ^ 2", "x ^ +Inf ^ -y"}) {
    ASSERT_NE(MustParse(input), nullptr);
    ParseAndPrint(std::string(input));
  }
  EXPECT_EQ(Format(*MustParse("22^Inf^222")), "22 ^ +Inf ^ 222");
  EXPECT_EQ(Format(*MustParse("22 ^ +Inf ^ 222")), "22 ^ ++Inf ^ 222");
}

// The oracle still tells queries apart on everything but unary plus.
TEST(ParserFuzz, ComparableFormKeepsStructure) {
  auto form = [](std::string_view text) { return fuzz::ComparableForm(*MustParse(text)); };
  EXPECT_EQ(form("22 ^ +Inf ^ 222"), form("22^Inf^222"));
  EXPECT_EQ(form("+(+x)"), form("(x)"));
  EXPECT_NE(form("(1 + 2) * 3"), form("1 + 2 * 3"));
  EXPECT_NE(form("-x ^ 2"), form("x ^ 2"));
  EXPECT_NE(form("-(x) ^ 2"), form("(-x) ^ 2"));
  EXPECT_NE(form("x offset 1m"), form("x"));
  EXPECT_NE(form("sum by (a) (x)"), form("sum without (a) (x)"));
}

TEST(ParserFuzz, DeepNestingDoesNotOverflow) {
  // Deep but bounded: Prometheus has no depth limit either; 2000 levels of
  // parentheses stay well inside the stack.
  std::string deep(2000, '(');
  deep += "1";
  deep += std::string(2000, ')');
  EXPECT_TRUE(ParseExpr(deep).ok());
  std::string unary(2000, '-');
  unary += "x";
  EXPECT_TRUE(ParseExpr(unary).ok());
}

}  // namespace
}  // namespace vigil::promql
