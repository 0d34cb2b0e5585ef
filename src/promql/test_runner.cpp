// Running PromQL test scripts (test_runner.h) with Prometheus 2.42's
// promql.Test checks: result comparison with its float equality, range mode
// around the instant, and `@` invariance.
#include "vigil/promql/test_runner.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "test_script.h"
#include "vigil/base/format_float.h"
#include "vigil/model/value.h"
#include "vigil/promql/parser.h"
#include "vigil/promql/printer.h"
#include "vigil/promql/functions.h"

namespace vigil::promql {
namespace {

using internal::TestCommand;

bool AlmostEqual(double a, double b) {
  constexpr double kEpsilon = 0.000001;
  constexpr double kMinNormal = 2.2250738585072014e-308;
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || diff < kMinNormal) return diff < kEpsilon * kMinNormal;
  return diff / (std::fabs(a) + std::fabs(b)) < kEpsilon;
}

// Functions whose result depends on the evaluation time, so adding `@`
// changes it (Prometheus's AtModifierUnsafeFunctions).
bool AtUnsafe(std::string_view name) {
  static const std::set<std::string_view> kNames = {
      "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour",  "minute",
      "month",         "year",         "predict_linear", "time",     "timestamp"};
  return kNames.count(name) != 0;
}

// Sets `@ t` on every selector and subquery without one, leaving alone
// what is inside a subquery that has one. Returns false when an unsafe
// function is called.
bool AddAt(Expr* e, int64_t t, bool under_at_subquery) {
  bool safe = true;
  switch (e->kind()) {
    case ExprKind::kVectorSelector: {
      auto& vs = As<VectorSelector>(*e);
      if (!under_at_subquery && !vs.at.has_value()) vs.at = {AtKind::kTimestamp, t};
      break;
    }
    case ExprKind::kMatrixSelector: {
      auto& vs = *As<MatrixSelector>(*e).selector;
      if (!under_at_subquery && !vs.at.has_value()) vs.at = {AtKind::kTimestamp, t};
      break;
    }
    case ExprKind::kSubquery: {
      auto& sq = As<SubqueryExpr>(*e);
      if (!under_at_subquery && !sq.at.has_value()) sq.at = {AtKind::kTimestamp, t};
      safe = AddAt(sq.expr.get(), t, true) && safe;
      break;
    }
    case ExprKind::kParen:
      safe = AddAt(As<ParenExpr>(*e).expr.get(), t, under_at_subquery);
      break;
    case ExprKind::kUnary:
      safe = AddAt(As<UnaryExpr>(*e).expr.get(), t, under_at_subquery);
      break;
    case ExprKind::kBinary:
      safe = AddAt(As<BinaryExpr>(*e).lhs.get(), t, under_at_subquery);
      safe = AddAt(As<BinaryExpr>(*e).rhs.get(), t, under_at_subquery) && safe;
      break;
    case ExprKind::kAggregate: {
      auto& a = As<AggregateExpr>(*e);
      if (a.param) safe = AddAt(a.param.get(), t, under_at_subquery);
      safe = AddAt(a.expr.get(), t, under_at_subquery) && safe;
      break;
    }
    case ExprKind::kCall: {
      auto& c = As<Call>(*e);
      safe = !AtUnsafe(c.func->name);
      for (ExprPtr& a : c.args) safe = AddAt(a.get(), t, under_at_subquery) && safe;
      break;
    }
    default:
      break;
  }
  return safe;
}

std::string FormatValue(const std::optional<double>& v) {
  if (!v.has_value()) return "_";
  if (model::IsStaleNaN(*v)) return "stale";
  return FormatFloat(*v);
}

std::string DescribeVector(const Vector& v) {
  std::string out;
  for (const Sample& s : v) out += "    " + s.labels.ToString() + " " + FormatFloat(s.v) + "\n";
  if (out.empty()) out = "    (empty vector)\n";
  return out;
}

std::string DescribeExpected(const TestCommand& cmd) {
  std::string out;
  for (const auto& e : cmd.expected) {
    out += "    " + (e.labels ? e.labels->ToString() + " " : std::string());
    for (size_t i = 0; i < e.values.size(); ++i) {
      out += (i > 0 ? " " : "") + FormatValue(e.values[i]);
    }
    out += "\n";
  }
  if (out.empty()) out = "    (empty vector)\n";
  return out;
}

// Compares an instant result as promql.Test's compareResult does; returns
// "" when it matches.
std::string Compare(const TestCommand& cmd, const QueryValue& value) {
  if (std::holds_alternative<Matrix>(value)) return "received range result on instant evaluation";
  if (std::holds_alternative<String>(value)) return "received string result";
  if (const auto* s = std::get_if<Scalar>(&value)) {
    if (cmd.expected.empty() || cmd.expected[0].labels.has_value() ||
        cmd.expected[0].values.empty()) {
      return "expected a vector but got scalar " + FormatFloat(s->v);
    }
    double want = *cmd.expected[0].values[0];
    if (!AlmostEqual(want, s->v)) {
      return "expected scalar " + FormatFloat(want) + " but got " + FormatFloat(s->v);
    }
    return "";
  }
  const Vector& vec = std::get<Vector>(value);
  std::unordered_map<std::string, size_t> expected;  // encoded labels → index
  for (size_t i = 0; i < cmd.expected.size(); ++i) {
    if (!cmd.expected[i].labels.has_value()) {
      return "expected scalar " + FormatValue(cmd.expected[i].values.empty()
                                                  ? std::nullopt
                                                  : cmd.expected[i].values[0]) +
             " but got a vector:\n" + DescribeVector(vec);
    }
    expected.emplace(cmd.expected[i].labels->encoded(), i);
  }
  std::set<size_t> seen;
  for (size_t pos = 0; pos < vec.size(); ++pos) {
    const Sample& s = vec[pos];
    auto it = expected.find(s.labels.encoded());
    if (it == expected.end()) return "unexpected metric " + s.labels.ToString() + " in result";
    const auto& exp = cmd.expected[it->second];
    if (cmd.ordered && it->second != pos) {
      return "expected metric " + s.labels.ToString() + " at position " +
             std::to_string(it->second + 1) + " but was at " + std::to_string(pos + 1);
    }
    std::optional<double> want = exp.values.empty() ? std::nullopt : exp.values[0];
    if (!want.has_value() || !AlmostEqual(*want, s.v)) {
      return "expected " + FormatValue(want) + " for " + s.labels.ToString() + " but got " +
             FormatFloat(s.v);
    }
    seen.insert(it->second);
  }
  for (size_t i = 0; i < cmd.expected.size(); ++i) {
    if (seen.count(i) == 0) {
      return "expected metric " + cmd.expected[i].labels->ToString() + " not found";
    }
  }
  return "";
}

// Compares the result of `eval range` with per-step expectations.
std::string CompareRange(const TestCommand& cmd, const Matrix& m) {
  std::unordered_map<std::string, const internal::ExpectedSeries*> expected;
  for (const auto& e : cmd.expected) {
    if (!e.labels.has_value()) {
      // A scalar: compare against the single unlabelled series.
      expected.emplace(model::Labels().encoded(), &e);
    } else {
      expected.emplace(e.labels->encoded(), &e);
    }
  }
  std::set<std::string> seen;
  for (const Series& s : m) {
    auto it = expected.find(s.labels.encoded());
    if (it == expected.end()) return "unexpected series " + s.labels.ToString() + " in result";
    seen.insert(s.labels.encoded());
    const auto& vals = it->second->values;
    size_t steps = static_cast<size_t>((cmd.end - cmd.start) / cmd.interval_ms) + 1;
    size_t p = 0;
    for (size_t i = 0; i < steps; ++i) {
      TimestampMs ts = cmd.start + static_cast<int64_t>(i) * cmd.interval_ms;
      std::optional<double> got;
      if (p < s.points.size() && s.points[p].t == ts) got = s.points[p++].v;
      std::optional<double> want = i < vals.size() ? vals[i] : std::nullopt;
      bool ok = got.has_value() == want.has_value() && (!got || AlmostEqual(*want, *got));
      if (!ok) {
        return "series " + s.labels.ToString() + " at step " + std::to_string(ts) + "ms: expected " +
               FormatValue(want) + " but got " + FormatValue(got);
      }
    }
  }
  for (const auto& [key, e] : expected) {
    if (seen.count(key) == 0) {
      return "expected series " + (e->labels ? e->labels->ToString() : "{}") + " not found";
    }
  }
  return "";
}

class ScriptRunner {
 public:
  ScriptRunner(std::string_view name, const StorageFactory& factory, std::ostream& out,
               const TestRunOptions& options)
      : name_(name), factory_(factory), out_(out), options_(options), engine_(options.engine) {}

  TestSummary Run(std::string_view content) {
    auto cmds = internal::ParseTestScript(content);
    if (!cmds.ok()) {
      out_ << name_ << ":" << cmds.status().message() << "\n";
      summary_.failed++;
      return summary_;
    }
    if (!Reset()) return summary_;
    for (const TestCommand& cmd : *cmds) {
      switch (cmd.kind) {
        case TestCommand::Kind::kClear:
          if (!Reset()) return summary_;
          break;
        case TestCommand::Kind::kLoad:
          Load(cmd);
          break;
        case TestCommand::Kind::kEval: {
          std::string where = name_ + ":" + std::to_string(cmd.line);
          auto skip = options_.skip.find(where);
          if (skip != options_.skip.end()) {
            out_ << "SKIP " << where << ": " << skip->second << "\n";
            summary_.skipped++;
            break;
          }
          std::string err = Eval(cmd);
          if (err.empty()) {
            summary_.passed++;
          } else {
            summary_.failed++;
            out_ << where << ": " << err << "\n";
          }
          break;
        }
      }
    }
    return summary_;
  }

 private:
  bool Reset() {
    auto s = factory_();
    if (!s.ok()) {
      out_ << name_ << ": cannot create storage: " << s.status().ToString() << "\n";
      summary_.failed++;
      return false;
    }
    storage_ = std::move(*s);
    return true;
  }

  void Load(const TestCommand& cmd) {
    std::unique_ptr<tsdb::Appender> app = storage_->appendable().NewAppender();
    for (const auto& series : cmd.series) {
      tsdb::SeriesRef ref = 0;
      for (size_t i = 0; i < series.values.size(); ++i) {
        if (!series.values[i].has_value()) continue;
        auto r = app->Append(ref, series.labels, static_cast<int64_t>(i) * cmd.step_ms,
                             *series.values[i]);
        if (!r.ok()) {
          out_ << name_ << ":" << cmd.line << ": load: " << r.status().ToString() << "\n";
          summary_.failed++;
          app->Rollback();
          return;
        }
        ref = *r;
      }
    }
    Status s = app->Commit();
    if (!s.ok()) {
      out_ << name_ << ":" << cmd.line << ": load commit: " << s.ToString() << "\n";
      summary_.failed++;
    }
  }

  std::string Eval(const TestCommand& cmd) {
    auto parsed = ParseExpr(cmd.expr);
    if (!parsed.ok()) {
      if (cmd.fail) return "";
      return "error parsing query " + cmd.expr + ": " + parsed.status().message();
    }
    if (cmd.range) return EvalRange(cmd, **parsed);
    struct Case {
      const Expr* expr;
      TimestampMs t;
    };
    std::vector<Case> cases = {{parsed->get(), cmd.start}};
    ExprPtr with_at = Clone(**parsed);
    const int64_t t = cmd.start;
    if (AddAt(with_at.get(), t, false)) {
      std::vector<int64_t> times = {-10 * t, 0, t / 5, t, 10 * t};
      if (t == 0) times = {-1000, 0, 1000};
      for (int64_t et : times) cases.push_back({with_at.get(), et});
    }
    tsdb::Queryable& q = storage_->queryable();
    for (const Case& c : cases) {
      std::string shown = c.expr == parsed->get() ? cmd.expr : Format(*c.expr);
      std::string at = " at " + std::to_string(c.t) + "ms";
      auto res = engine_.InstantExpr(q, *c.expr, c.t);
      if (!res.ok()) {
        if (cmd.fail) continue;
        return "error evaluating query " + shown + at + ": " + res.status().message();
      }
      if (cmd.fail) return "expected error evaluating query " + shown + at + " but got none";
      std::string err = Compare(cmd, res->value);
      if (!err.empty()) {
        std::string got = std::holds_alternative<Vector>(res->value)
                              ? DescribeVector(std::get<Vector>(res->value))
                              : "";
        return "query " + shown + at + ": " + err + "\n  expected:\n" + DescribeExpected(cmd) +
               "  got:\n" + got;
      }
      auto range = engine_.RangeExpr(q, *c.expr, c.t - 60'000, c.t + 60'000,
                                     std::chrono::minutes(1));
      if (!range.ok()) {
        return "error evaluating query " + shown + at + " in range mode: " +
               range.status().message();
      }
      if (cmd.ordered) continue;
      Vector vec;
      for (const Series& s : std::get<Matrix>(range->value)) {
        for (const Point& p : s.points) {
          if (p.t == c.t) {
            vec.push_back({s.labels, p.t, p.v});
            break;
          }
        }
      }
      QueryValue as_instant = vec;
      if (std::holds_alternative<Scalar>(res->value)) {
        as_instant = Scalar{c.t, vec.empty() ? std::nan("") : vec[0].v};
      }
      err = Compare(cmd, as_instant);
      if (!err.empty()) {
        return "query " + shown + at + " (range mode): " + err + "\n  expected:\n" +
               DescribeExpected(cmd) + "  got:\n" + DescribeVector(vec);
      }
    }
    return "";
  }

  std::string EvalRange(const TestCommand& cmd, const Expr& expr) {
    auto res = engine_.RangeExpr(storage_->queryable(), expr, cmd.start, cmd.end,
                                 std::chrono::milliseconds(cmd.interval_ms));
    if (!res.ok()) {
      if (cmd.fail) return "";
      return "error evaluating range query " + cmd.expr + ": " + res.status().message();
    }
    if (cmd.fail) return "expected error evaluating range query " + cmd.expr + " but got none";
    return CompareRange(cmd, std::get<Matrix>(res->value));
  }

  std::string name_;
  const StorageFactory& factory_;
  std::ostream& out_;
  const TestRunOptions& options_;
  Engine engine_;
  std::unique_ptr<TestStorage> storage_;
  TestSummary summary_;
};

}  // namespace

TestSummary RunTestScript(std::string_view name, std::string_view content,
                          const StorageFactory& storage, std::ostream& out,
                          const TestRunOptions& options) {
  ScriptRunner runner(name, storage, out, options);
  return runner.Run(content);
}

int RunTestFiles(const std::vector<std::string>& paths, const StorageFactory& storage,
                 std::ostream& out, const TestRunOptions& options) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  TestSummary total;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::directory_iterator(p, ec)) {
        if (entry.path().extension() == ".test") found.push_back(entry.path());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.emplace_back(p);
    }
  }
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      out << f.string() << ": cannot read file\n";
      total.failed++;
      continue;
    }
    std::stringstream buf;
    buf << in.rdbuf();
    TestSummary s = RunTestScript(f.filename().string(), buf.str(), storage, out, options);
    total.passed += s.passed;
    total.failed += s.failed;
    total.skipped += s.skipped;
  }
  if (total.skipped > 0) out << total.skipped << " skipped\n";
  out << total.passed << " passed, " << total.failed << " failed\n";
  return total.failed == 0 ? 0 : 1;
}

}  // namespace vigil::promql
