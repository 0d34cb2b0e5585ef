#include "vigil/promql/parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vigil/promql/functions.h"
#include "vigil/promql/printer.h"

namespace vigil::promql {
namespace {

// One case of testdata/parse_cases.jsonl: an input and what Prometheus 2.42
// does with it: {"in": ..., "out": <String() form>} or {"in": ..., "err": ...}.
struct GoldenCase {
  int line = 0;
  std::string input;
  bool ok = false;
  std::string expected;  // printed form or error message
};

std::vector<GoldenCase> LoadGolden() {
  std::ifstream in(std::string(VIGIL_PROMQL_TESTDATA) + "/parse_cases.jsonl");
  std::vector<GoldenCase> cases;
  std::string text;
  int line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (text.empty() || text[0] == '#') continue;
    nlohmann::json j = nlohmann::json::parse(text);
    GoldenCase c;
    c.line = line;
    c.input = j.at("in").get<std::string>();
    c.ok = j.contains("out");
    c.expected = c.ok ? j.at("out").get<std::string>() : j.at("err").get<std::string>();
    cases.push_back(std::move(c));
  }
  return cases;
}

TEST(ParserGolden, MatchesPrometheus242) {
  std::vector<GoldenCase> cases = LoadGolden();
  ASSERT_GT(cases.size(), 300u);
  int valid = 0, invalid = 0;
  for (const GoldenCase& c : cases) {
    SCOPED_TRACE("parse_cases.jsonl:" + std::to_string(c.line) + ": " + c.input);
    Result<ExprPtr> r = ParseExpr(c.input);
    if (c.ok) {
      ++valid;
      ASSERT_TRUE(r.ok()) << r.status().message();
      EXPECT_EQ(Format(**r), c.expected);
      // The printed form parses back to itself.
      Result<ExprPtr> again = ParseExpr(c.expected);
      ASSERT_TRUE(again.ok()) << again.status().message();
      EXPECT_EQ(Format(**again), c.expected);
    } else {
      ++invalid;
      ASSERT_FALSE(r.ok()) << "parsed as " << Format(**r);
      EXPECT_EQ(r.status().message(), c.expected);
    }
  }
  std::printf("golden parse cases: %d valid, %d invalid\n", valid, invalid);
}

const Expr& Parse(std::string_view input) {
  static std::vector<ExprPtr> keep;
  Result<ExprPtr> r = ParseExpr(input);
  EXPECT_TRUE(r.ok()) << input << ": " << r.status().message();
  if (!r.ok()) {
    static NumberLiteral dummy;
    return dummy;
  }
  keep.push_back(std::move(*r));
  return *keep.back();
}

TEST(Parser, ValueTypes) {
  EXPECT_EQ(Parse("1").type(), ValueType::kScalar);
  EXPECT_EQ(Parse("\"a\"").type(), ValueType::kString);
  EXPECT_EQ(Parse("up").type(), ValueType::kVector);
  EXPECT_EQ(Parse("up[5m]").type(), ValueType::kMatrix);
  EXPECT_EQ(Parse("up[5m:1m]").type(), ValueType::kMatrix);
  EXPECT_EQ(Parse("1 + 2").type(), ValueType::kScalar);
  EXPECT_EQ(Parse("1 + up").type(), ValueType::kVector);
  EXPECT_EQ(Parse("-(1)").type(), ValueType::kScalar);
  EXPECT_EQ(Parse("time()").type(), ValueType::kScalar);
  EXPECT_EQ(Parse("scalar(up)").type(), ValueType::kScalar);
  EXPECT_EQ(Parse("sum(up)").type(), ValueType::kVector);
}

TEST(Parser, PositionRanges) {
  const auto& bin = As<BinaryExpr>(Parse(" foo + bar{a=\"b\"} offset 5m"));
  EXPECT_EQ(bin.pos(), (PosRange{1, 27}));
  EXPECT_EQ(bin.lhs->pos(), (PosRange{1, 4}));
  EXPECT_EQ(bin.rhs->pos(), (PosRange{7, 27}));
  const auto& neg = As<NumberLiteral>(Parse("-1"));
  EXPECT_EQ(neg.pos(), (PosRange{0, 2}));
  EXPECT_EQ(neg.value, -1);
  const auto& call = As<Call>(Parse("rate(x[5m] @ 10)"));
  EXPECT_EQ(call.pos(), (PosRange{0, 16}));
  EXPECT_EQ(call.args[0]->pos(), (PosRange{5, 15}));
  const auto& agg = As<AggregateExpr>(Parse("sum(x) by (a)"));
  EXPECT_EQ(agg.pos(), (PosRange{0, 13}));
  const auto& sq = As<SubqueryExpr>(Parse("(x)[5m:] offset 1m"));
  EXPECT_EQ(sq.pos(), (PosRange{0, 18}));
}

TEST(Parser, Precedence) {
  // ^ is right-associative and binds tighter than unary minus.
  const auto& pow = As<UnaryExpr>(Parse("-2 ^ 3 ^ 2"));
  const auto& inner = As<BinaryExpr>(*pow.expr);
  EXPECT_EQ(inner.op, BinaryOp::kPow);
  EXPECT_EQ(inner.rhs->kind(), ExprKind::kBinary);
  // Unary minus binds tighter than *.
  const auto& mul = As<BinaryExpr>(Parse("-a * b"));
  EXPECT_EQ(mul.op, BinaryOp::kMul);
  EXPECT_EQ(mul.lhs->kind(), ExprKind::kUnary);
  // or < and/unless < comparisons < +- < */%atan2 < ^.
  const auto& low = As<BinaryExpr>(Parse("a or b and c unless d == e + f * g atan2 h ^ i"));
  EXPECT_EQ(low.op, BinaryOp::kOr);
  const auto& andun = As<BinaryExpr>(*low.rhs);
  EXPECT_EQ(andun.op, BinaryOp::kUnless);
  EXPECT_EQ(As<BinaryExpr>(*andun.lhs).op, BinaryOp::kAnd);
  const auto& cmp = As<BinaryExpr>(*andun.rhs);
  EXPECT_EQ(cmp.op, BinaryOp::kEqlc);
  const auto& add = As<BinaryExpr>(*cmp.rhs);
  EXPECT_EQ(add.op, BinaryOp::kAdd);
  const auto& atan = As<BinaryExpr>(*add.rhs);
  EXPECT_EQ(atan.op, BinaryOp::kAtan2);
  EXPECT_EQ(As<BinaryExpr>(*atan.rhs).op, BinaryOp::kPow);
  // Left associativity.
  const auto& sub = As<BinaryExpr>(Parse("a - b - c"));
  EXPECT_EQ(sub.lhs->kind(), ExprKind::kBinary);
}

TEST(Parser, VectorMatching) {
  const auto& b = As<BinaryExpr>(Parse("a * on(x, y) group_left(z) b"));
  ASSERT_TRUE(b.matching.has_value());
  EXPECT_TRUE(b.matching->on);
  EXPECT_EQ(b.matching->card, Cardinality::kManyToOne);
  EXPECT_EQ(b.matching->matching_labels, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(b.matching->include, (std::vector<std::string>{"z"}));
  const auto& s = As<BinaryExpr>(Parse("a and ignoring(x) b"));
  EXPECT_EQ(s.matching->card, Cardinality::kManyToMany);
  EXPECT_FALSE(As<BinaryExpr>(Parse("a + 1")).matching.has_value());
  EXPECT_TRUE(As<BinaryExpr>(Parse("a > bool b")).return_bool);
}

TEST(Parser, Selectors) {
  const auto& vs = As<VectorSelector>(Parse("foo{a=\"b\", c!~\"d.*\"} @ start() offset -5m"));
  EXPECT_EQ(vs.name, "foo");
  ASSERT_EQ(vs.matchers.size(), 3u);
  EXPECT_EQ(vs.matchers[2].name(), "__name__");
  EXPECT_EQ(vs.matchers[1].type(), model::MatchType::kRegexNoMatch);
  EXPECT_EQ(vs.offset, Duration(-300000));
  EXPECT_EQ(vs.at.kind, AtKind::kStart);
  const auto& ms = As<MatrixSelector>(Parse("foo[1h30m] @ 1.5"));
  EXPECT_EQ(ms.range, Duration(5400000));
  EXPECT_EQ(ms.selector->at.timestamp_ms, 1500);
  // In bounds in seconds, out of int64 in milliseconds: Go's conversion gives
  // the minimum int64 (this was undefined behaviour, found by the fuzzer).
  EXPECT_EQ(As<VectorSelector>(Parse("foo @ 1e16")).at.timestamp_ms,
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(As<VectorSelector>(Parse("foo @ -1e16")).at.timestamp_ms,
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(As<VectorSelector>(Parse("foo @ 9.2e15")).at.timestamp_ms, 9'200'000'000'000'000'000);
  const auto& sq = As<SubqueryExpr>(Parse("rate(foo[5m])[1d:]"));
  EXPECT_EQ(sq.step, Duration(0));
  EXPECT_EQ(sq.range, Duration(86400000));
}

TEST(Parser, Aggregations) {
  const auto& a = As<AggregateExpr>(Parse("topk without (job) (5, foo)"));
  EXPECT_EQ(a.op, AggregateOp::kTopk);
  EXPECT_TRUE(a.without);
  EXPECT_EQ(a.grouping, (std::vector<std::string>{"job"}));
  EXPECT_EQ(As<NumberLiteral>(*a.param).value, 5);
  const auto& c = As<AggregateExpr>(Parse("count_values(\"v\", foo) by (sum)"));
  EXPECT_EQ(As<StringLiteral>(*c.param).value, "v");
  EXPECT_EQ(c.grouping, (std::vector<std::string>{"sum"}));
}

TEST(Parser, KeywordsAsNames) {
  EXPECT_EQ(As<VectorSelector>(Parse("sum")).name, "sum");
  EXPECT_EQ(As<VectorSelector>(Parse("offset offset 5m")).name, "offset");
  EXPECT_EQ(As<VectorSelector>(Parse("by{on=\"x\"}")).matchers[0].name(), "on");
  EXPECT_EQ(As<AggregateExpr>(Parse("sum by (on, bool, by) (x)")).grouping.size(), 3u);
}

TEST(Parser, ErrorDetail) {
  ParseErrorDetail detail;
  Result<ExprPtr> r = ParseExpr("foo\n  * * bar", &detail);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "2:5: parse error: unexpected <op:*>");
  EXPECT_EQ(detail.pos.start, 8);
  EXPECT_EQ(detail.message, "unexpected <op:*>");
}

TEST(Parser, MetricSelector) {
  Result<std::vector<model::Matcher>> m = ParseMetricSelector("up{job=~\"a|b\"}");
  ASSERT_TRUE(m.ok()) << m.status().message();
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[0].ToString(), "job=~\"a|b\"");
  EXPECT_EQ((*m)[1].ToString(), "__name__=\"up\"");
  EXPECT_TRUE(ParseMetricSelector("{a=\"\"}").ok());  // no non-empty check here
  EXPECT_EQ(ParseMetricSelector("up + 1").status().message(),
            "1:4: parse error: unexpected <op:+>");
  EXPECT_EQ(ParseMetricSelector("rate(x[5m])").status().message(),
            "1:5: parse error: unexpected \"(\"");
  EXPECT_EQ(ParseMetricSelector("").status().message(),
            "1:1: parse error: unexpected end of input");
}

TEST(Functions, Table) {
  EXPECT_EQ(AllFunctions().size(), 70u);
  const Function* f = LookupFunction("label_join");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->variadic, -1);
  EXPECT_EQ(LookupFunction("round")->variadic, 1);
  EXPECT_EQ(LookupFunction("time")->return_type, ValueType::kScalar);
  EXPECT_EQ(LookupFunction("sort_by_label"), nullptr);  // Prometheus 2.49+
  EXPECT_EQ(LookupFunction("histogram_avg"), nullptr);
  for (size_t i = 1; i < AllFunctions().size(); ++i) {
    EXPECT_LT(AllFunctions()[i - 1].name, AllFunctions()[i].name);
  }
}

}  // namespace
}  // namespace vigil::promql
