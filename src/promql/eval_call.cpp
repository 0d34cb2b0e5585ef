// Function calls: range-vector functions iterate each selected series once
// with a sliding window over the steps; instant-vector functions run per
// step (CallStep); timestamp() of a selector and absent_over_time() are
// special as in Prometheus 2.42.
#include <algorithm>
#include <unordered_set>

#include "evaluator.h"
#include "range_functions.h"

namespace vigil::promql::internal {
namespace {

const Expr* Unwrap(const Expr* e) {
  while (const auto* p = AsIf<ParenExpr>(e)) e = p->expr.get();
  return e;
}

}  // namespace

// absent()'s and absent_over_time()'s labels: the selector's equality
// matchers (a label matched twice is dropped), without __name__.
model::Labels LabelsForAbsent(const Expr& arg) {
  const VectorSelector* vs = AsIf<VectorSelector>(&arg);
  if (const auto* ms = AsIf<MatrixSelector>(&arg)) vs = ms->selector.get();
  if (vs == nullptr) return model::Labels();
  model::LabelsBuilder b;
  std::unordered_set<std::string> has;
  for (const model::Matcher& m : vs->matchers) {
    if (m.name() == model::kMetricName) continue;
    if (m.type() == model::MatchType::kEqual && has.count(m.name()) == 0) {
      b.Set(m.name(), m.value());
      has.insert(m.name());
    } else {
      b.Del(m.name());
    }
  }
  return b.Build();
}

Result<Matrix> Evaluator::EvalCall(const Call& e) {
  const std::string_view name = e.func->name;
  if (name == "timestamp") {
    if (const auto* vs = AsIf<VectorSelector>(Unwrap(e.args[0].get()))) {
      VIGIL_ASSIGN_OR_RETURN(Matrix m, EvalSelectorValues(*vs, /*sample_time=*/true));
      for (Series& s : m) s.labels = DropMetricName(s.labels);
      if (ContainsSameLabelset(m)) return DuplicateLabelsetError();
      return m;
    }
  }
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (e.args[i]->type() == ValueType::kMatrix) return EvalRangeCall(e, i);
  }
  std::vector<const Expr*> args;
  for (const ExprPtr& a : e.args) args.push_back(a.get());
  return RangeEval(args, [&](std::span<const Vector> v, size_t step, Vector* out) {
    return CallStep(e, v, step, out);
  });
}

Result<Matrix> Evaluator::EvalRangeCall(const Call& e, size_t matrix_arg) {
  const std::string_view name = e.func->name;
  const Expr* arg = Unwrap(e.args[matrix_arg].get());
  // The other arguments are scalars, evaluated for every step.
  std::vector<Matrix> scalar_args;
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (i == matrix_arg) continue;
    VIGIL_ASSIGN_OR_RETURN(Matrix m, Eval(*e.args[i]));
    scalar_args.push_back(std::move(m));
  }
  Matrix source;
  int64_t range_ms = 0, offset_ms = 0;
  AtModifier at;
  if (const auto* sq = AsIf<SubqueryExpr>(arg)) {
    VIGIL_ASSIGN_OR_RETURN(source, EvalSubquery(*sq));
    range_ms = sq->range.count();
    offset_ms = sq->offset.count();
    at = sq->at;
  } else {
    const auto& ms = As<MatrixSelector>(*arg);
    range_ms = ms.range.count();
    offset_ms = ms.selector->offset.count();
    at = ms.selector->at;
    TimestampMs first = (at.has_value() ? ResolveAt(at, start_) : start_) - offset_ms;
    TimestampMs last = (at.has_value() ? ResolveAt(at, start_) : end_) - offset_ms;
    VIGIL_ASSIGN_OR_RETURN(source, LoadSeries(*ms.selector, first - range_ms, last, true));
  }
  int64_t source_points = 0;
  for (const Series& s : source) source_points += static_cast<int64_t>(s.points.size());
  const size_t steps = NumSteps();
  const TimestampMs at_ts = ResolveAt(at, start_);
  auto window_end = [&](size_t step) {
    return (at.has_value() ? at_ts : StepTime(step)) - offset_ms;
  };

  Matrix out;
  if (name == "absent_over_time") {
    // 1 at the steps where no series has a point in its window.
    std::vector<bool> found(steps, false);
    for (const Series& s : source) {
      size_t lo = 0, hi = 0;
      for (size_t step = 0; step < steps; ++step) {
        TimestampMs maxt = window_end(step), mint = maxt - range_ms;
        while (hi < s.points.size() && s.points[hi].t <= maxt) ++hi;
        while (lo < hi && s.points[lo].t < mint) ++lo;
        if (hi > lo) found[step] = true;
      }
    }
    Series r;
    r.labels = LabelsForAbsent(*arg);
    for (size_t step = 0; step < steps; ++step) {
      if (!found[step]) r.points.push_back({StepTime(step), 1});
    }
    VIGIL_RETURN_IF_ERROR(AddSamples(static_cast<int64_t>(r.points.size()) - source_points));
    if (!r.points.empty()) out.push_back(std::move(r));
    return out;
  }

  RangeFunction fn = LookupRangeFunction(name);
  if (fn == nullptr) return Internal("no range function " + std::string(name));
  std::vector<size_t> scalar_cursor(scalar_args.size(), 0);
  std::vector<double> scalars(scalar_args.size(), 0);
  std::vector<std::vector<double>> scalar_values(scalar_args.size());
  for (size_t i = 0; i < scalar_args.size(); ++i) {
    scalar_values[i].assign(steps, 0);
    if (scalar_args[i].empty()) continue;
    for (const Point& p : scalar_args[i][0].points) {
      scalar_values[i][static_cast<size_t>((p.t - start_) / interval_)] = p.v;
    }
  }
  int64_t produced = 0;
  for (Series& s : source) {
    VIGIL_RETURN_IF_ERROR(CheckInterrupt());
    Series r;
    // A point is in the windows of at most range / interval + 1 steps.
    r.points.reserve(std::min<size_t>(
        steps, s.points.size() * static_cast<size_t>(range_ms / interval_ + 1)));
    size_t lo = 0, hi = 0;
    bool never_decreases = true;
    for (size_t i = 1; i < s.points.size() && never_decreases; ++i) {
      never_decreases = !(s.points[i].v < s.points[i - 1].v);
    }
    for (size_t step = 0; step < steps; ++step) {
      // Long windows over many steps make one series slow; stay interruptible.
      if ((step & 1023) == 1023) VIGIL_RETURN_IF_ERROR(CheckInterrupt());
      TimestampMs maxt = window_end(step), mint = maxt - range_ms;
      while (hi < s.points.size() && s.points[hi].t <= maxt) ++hi;
      while (lo < hi && s.points[lo].t < mint) ++lo;
      if (hi == lo) continue;
      for (size_t i = 0; i < scalars.size(); ++i) scalars[i] = scalar_values[i][step];
      RangeArgs a;
      a.points = std::span<const Point>(s.points.data() + lo, hi - lo);
      a.ts = StepTime(step);
      a.range_start = mint;
      a.range_end = maxt;
      a.range_ms = range_ms;
      a.scalars = scalars;
      a.never_decreases = never_decreases;
      VIGIL_ASSIGN_OR_RETURN(std::optional<double> v, fn(a));
      if (v.has_value()) r.points.push_back({a.ts, *v});
    }
    if (r.points.empty()) continue;
    produced += static_cast<int64_t>(r.points.size());
    r.labels = name == "last_over_time" ? std::move(s.labels) : DropMetricName(s.labels);
    out.push_back(std::move(r));
  }
  VIGIL_RETURN_IF_ERROR(AddSamples(produced - source_points));
  if (ContainsSameLabelset(out)) return DuplicateLabelsetError();
  return out;
}

}  // namespace vigil::promql::internal
