// The evaluator's core: dispatch, the step loop (RangeEval), limits, and
// the selectors (lookback, staleness, offset, @) and subqueries.
#include "evaluator.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "vigil/model/value.h"

namespace vigil::promql::internal {

Status ExecError(std::string message) {
  return Status(StatusCode::kFailedPrecondition, std::move(message));
}

Status DuplicateLabelsetError() {
  return ExecError("vector cannot contain metrics with the same labelset");
}

model::Labels DropMetricName(const model::Labels& l) { return l.Without(model::kMetricName); }

bool ContainsSameLabelset(const Vector& v) {
  if (v.size() < 2) return false;
  if (v.size() == 2) return v[0].labels == v[1].labels;
  std::unordered_set<std::string_view> seen;
  seen.reserve(v.size());
  for (const Sample& s : v) {
    if (!seen.insert(s.labels.encoded()).second) return true;
  }
  return false;
}

bool ContainsSameLabelset(const Matrix& m) {
  if (m.size() < 2) return false;
  std::unordered_set<std::string_view> seen;
  seen.reserve(m.size());
  for (const Series& s : m) {
    if (!seen.insert(s.labels.encoded()).second) return true;
  }
  return false;
}

Status Evaluator::CheckInterrupt() const {
  if (ctx_->cancel != nullptr && ctx_->cancel->load(std::memory_order_relaxed)) {
    return Status(StatusCode::kCancelled, "query was canceled in query execution");
  }
  if (std::chrono::steady_clock::now() > ctx_->deadline) {
    return Status(StatusCode::kDeadlineExceeded, "query timed out in query execution");
  }
  return Status::Ok();
}

Status Evaluator::AddSamples(int64_t n) {
  ctx_->current_samples += n;
  if (ctx_->current_samples < 0) ctx_->current_samples = 0;
  ctx_->peak_samples = std::max(ctx_->peak_samples, ctx_->current_samples);
  if (ctx_->max_samples > 0 && ctx_->current_samples > ctx_->max_samples) {
    return Status(StatusCode::kResourceExhausted, std::string(kTooManySamplesMessage));
  }
  return Status::Ok();
}

int64_t CountPoints(const Matrix& m) {
  int64_t n = 0;
  for (const Series& s : m) n += static_cast<int64_t>(s.points.size());
  return n;
}

TimestampMs Evaluator::ResolveAt(const AtModifier& at, TimestampMs ts) const {
  switch (at.kind) {
    case AtKind::kTimestamp:
      return at.timestamp_ms;
    case AtKind::kStart:
      return ctx_->query_start;
    case AtKind::kEnd:
      return ctx_->query_end;
    case AtKind::kNone:
      break;
  }
  return ts;
}

Result<Matrix> Evaluator::Eval(const Expr& e) {
  VIGIL_RETURN_IF_ERROR(CheckInterrupt());
  switch (e.kind()) {
    case ExprKind::kNumberLiteral: {
      double v = As<NumberLiteral>(e).value;
      Series s;
      s.points.reserve(NumSteps());
      for (size_t i = 0; i < NumSteps(); ++i) s.points.push_back({StepTime(i), v});
      VIGIL_RETURN_IF_ERROR(AddSamples(static_cast<int64_t>(s.points.size())));
      Matrix m;
      m.push_back(std::move(s));
      return m;
    }
    case ExprKind::kStringLiteral:
      return ExecError("unexpected string expression");
    case ExprKind::kParen:
      return Eval(*As<ParenExpr>(e).expr);
    case ExprKind::kVectorSelector:
      return EvalVectorSelector(As<VectorSelector>(e));
    case ExprKind::kMatrixSelector:
      return EvalMatrixSelectorTop(As<MatrixSelector>(e));
    case ExprKind::kSubquery:
      return EvalSubquery(As<SubqueryExpr>(e));
    case ExprKind::kUnary:
      return EvalUnary(As<UnaryExpr>(e));
    case ExprKind::kBinary:
      return EvalBinary(As<BinaryExpr>(e));
    case ExprKind::kAggregate:
      return EvalAggregate(As<AggregateExpr>(e));
    case ExprKind::kCall:
      return EvalCall(As<Call>(e));
  }
  return Internal("unknown expression kind");
}

Result<std::vector<Matrix>> Evaluator::EvalArgs(std::span<const Expr* const> args) {
  std::vector<Matrix> mats(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == nullptr || args[i]->type() == ValueType::kString) continue;
    VIGIL_ASSIGN_OR_RETURN(mats[i], Eval(*args[i]));
  }
  return mats;
}

Result<Matrix> Evaluator::RangeEval(std::span<const Expr* const> args, const StepFn& fn) {
  VIGIL_ASSIGN_OR_RETURN(std::vector<Matrix> mats, EvalArgs(args));
  return RangeEvalMatrices(std::move(mats), fn);
}

Result<Matrix> Evaluator::RangeEvalMatrices(std::vector<Matrix> mats, const StepFn& fn) {
  std::span<const Matrix> args = mats;
  int64_t input_points = 0;
  for (const Matrix& m : mats) input_points += CountPoints(m);
  std::vector<std::vector<size_t>> cursors(args.size());
  for (size_t i = 0; i < args.size(); ++i) cursors[i].assign(mats[i].size(), 0);
  std::vector<Vector> vecs(args.size());
  const size_t steps = NumSteps();
  Matrix out;
  std::unordered_map<std::string, size_t> index;
  Vector result;
  for (size_t step = 0; step < steps; ++step) {
    VIGIL_RETURN_IF_ERROR(CheckInterrupt());
    TimestampMs ts = StepTime(step);
    for (size_t i = 0; i < args.size(); ++i) {
      // Reuse the previous step's samples (and their label buffers).
      Vector& vec = vecs[i];
      size_t n = 0;
      for (size_t j = 0; j < mats[i].size(); ++j) {
        const auto& pts = mats[i][j].points;
        size_t& c = cursors[i][j];
        while (c < pts.size() && pts[c].t < ts) ++c;
        if (c >= pts.size() || pts[c].t != ts) continue;
        if (n < vec.size()) {
          vec[n].labels = mats[i][j].labels;
          vec[n].t = ts;
          vec[n].v = pts[c].v;
        } else {
          vec.push_back({mats[i][j].labels, ts, pts[c].v});
        }
        ++n;
      }
      vec.resize(n);
    }
    result.clear();
    VIGIL_RETURN_IF_ERROR(fn(vecs, step, &result));
    if (ContainsSameLabelset(result)) return DuplicateLabelsetError();
    VIGIL_RETURN_IF_ERROR(AddSamples(static_cast<int64_t>(result.size())));
    if (steps == 1) {
      // An instant evaluation keeps the order the step produced.
      out.reserve(result.size());
      for (Sample& s : result) {
        Series series;
        series.labels = std::move(s.labels);
        series.points.push_back({ts, s.v});
        out.push_back(std::move(series));
      }
      break;
    }
    for (Sample& s : result) {
      auto [it, inserted] = index.try_emplace(s.labels.encoded(), out.size());
      if (inserted) {
        Series series;
        series.labels = std::move(s.labels);
        out.push_back(std::move(series));
      }
      out[it->second].points.push_back({ts, s.v});
    }
  }
  VIGIL_RETURN_IF_ERROR(AddSamples(-input_points));
  return out;
}

Result<Matrix> Evaluator::LoadSeries(const VectorSelector& vs, TimestampMs mint,
                                     TimestampMs maxt, bool drop_stale) {
  tsdb::SelectHints hints{mint, maxt};
  std::unique_ptr<tsdb::SeriesSet> set = ctx_->querier->Select(true, &hints, vs.matchers);
  Matrix out;
  int64_t loaded = 0;
  size_t last_size = 0;
  while (set->Next()) {
    const tsdb::Series& series = set->At();
    Series s;
    s.labels = series.labels();
    // Series of one selector mostly hold as many samples as each other.
    s.points.reserve(last_size);
    std::unique_ptr<tsdb::SampleIterator> it = series.Iterator();
    bool ok = it->Seek(mint);
    while (ok && it->AtT() <= maxt) {
      double v = it->AtV();
      if (!(drop_stale && model::IsStaleNaN(v))) s.points.push_back({it->AtT(), v});
      ok = it->Next();
    }
    VIGIL_RETURN_IF_ERROR(it->status());
    // A guess far too big (a short series after a long one) is given back.
    if (s.points.capacity() > 2 * s.points.size() + 16) s.points.shrink_to_fit();
    last_size = s.points.size();
    loaded += static_cast<int64_t>(s.points.size());
    ctx_->total_samples += static_cast<int64_t>(s.points.size());
    out.push_back(std::move(s));
    if ((out.size() & 255) == 0) {
      VIGIL_RETURN_IF_ERROR(CheckInterrupt());
      VIGIL_RETURN_IF_ERROR(AddSamples(loaded));
      loaded = 0;
    }
  }
  VIGIL_RETURN_IF_ERROR(set->status());
  VIGIL_RETURN_IF_ERROR(AddSamples(loaded));
  return out;
}

namespace {

// The sample an instant selector sees at `ref`: the newest one in
// [ref - lookback, ref] unless it is a staleness marker. `cur` is a cursor
// into pts that only moves forward as ref grows.
const Point* LookBack(const std::vector<Point>& pts, size_t* cur, TimestampMs ref,
                      int64_t lookback) {
  if (pts.empty()) return nullptr;
  while (*cur + 1 < pts.size() && pts[*cur + 1].t <= ref) ++*cur;
  const Point& p = pts[*cur];
  if (p.t > ref || p.t < ref - lookback || model::IsStaleNaN(p.v)) return nullptr;
  return &p;
}

}  // namespace

Result<Matrix> Evaluator::EvalVectorSelector(const VectorSelector& vs) {
  return EvalSelectorValues(vs, /*sample_time=*/false);
}

Result<Matrix> Evaluator::EvalSelectorValues(const VectorSelector& vs, bool sample_time) {
  const int64_t offset = vs.offset.count();
  const bool has_at = vs.at.has_value();
  const TimestampMs at = ResolveAt(vs.at, start_);
  TimestampMs ref_start = (has_at ? at : start_) - offset;
  TimestampMs ref_end = (has_at ? at : end_) - offset;
  VIGIL_ASSIGN_OR_RETURN(Matrix raw,
                         LoadSeries(vs, ref_start - ctx_->lookback_ms, ref_end, false));
  const int64_t raw_points = CountPoints(raw);
  Matrix out;
  out.reserve(raw.size());
  const size_t steps = NumSteps();
  int64_t produced = 0;
  for (Series& in : raw) {
    size_t cur = 0;
    if (steps == 1 && !has_at) {
      // One step: the series keeps its own buffer for its one point.
      const Point* p = LookBack(in.points, &cur, start_ - offset, ctx_->lookback_ms);
      if (p == nullptr) continue;
      const Point value{start_, sample_time ? static_cast<double>(p->t) / 1000 : p->v};
      in.points.assign(1, value);
      produced += 1;
      out.push_back(std::move(in));
      continue;
    }
    Series s;
    if (has_at) {
      const Point* p = LookBack(in.points, &cur, ref_start, ctx_->lookback_ms);
      if (p != nullptr) {
        double v = sample_time ? static_cast<double>(p->t) / 1000 : p->v;
        s.points.reserve(steps);
        for (size_t i = 0; i < steps; ++i) s.points.push_back({StepTime(i), v});
      }
    } else {
      for (size_t i = 0; i < steps; ++i) {
        TimestampMs ts = StepTime(i);
        const Point* p = LookBack(in.points, &cur, ts - offset, ctx_->lookback_ms);
        if (p == nullptr) continue;
        s.points.push_back({ts, sample_time ? static_cast<double>(p->t) / 1000 : p->v});
      }
    }
    if (s.points.empty()) continue;
    produced += static_cast<int64_t>(s.points.size());
    s.labels = std::move(in.labels);
    out.push_back(std::move(s));
  }
  VIGIL_RETURN_IF_ERROR(AddSamples(produced - raw_points));
  return out;
}

Result<Matrix> Evaluator::EvalMatrixSelectorTop(const MatrixSelector& ms) {
  const VectorSelector& vs = *ms.selector;
  TimestampMs maxt = ResolveAt(vs.at, start_) - vs.offset.count();
  TimestampMs mint = maxt - ms.range.count();
  VIGIL_ASSIGN_OR_RETURN(Matrix raw, LoadSeries(vs, mint, maxt, true));
  std::erase_if(raw, [](const Series& s) { return s.points.empty(); });
  return raw;
}

Result<Matrix> Evaluator::EvalSubquery(const SubqueryExpr& sq) {
  int64_t step = sq.step.count() > 0 ? sq.step.count() : ctx_->default_subquery_step_ms;
  const int64_t offset = sq.offset.count();
  const bool has_at = sq.at.has_value();
  const TimestampMs at = ResolveAt(sq.at, start_);
  TimestampMs ref_start = (has_at ? at : start_) - offset;
  TimestampMs ref_end = (has_at ? at : end_) - offset;
  TimestampMs first = ref_start - sq.range.count();
  // The first multiple of step at or after `first`.
  TimestampMs inner_start = first / step * step;
  if (inner_start < first) inner_start += step;
  if (inner_start > ref_end) return Matrix{};
  Evaluator inner(ctx_, inner_start, ref_end, step);
  return inner.Eval(*sq.expr);
}

Result<Matrix> Evaluator::EvalUnary(const UnaryExpr& e) {
  VIGIL_ASSIGN_OR_RETURN(Matrix m, Eval(*e.expr));
  if (e.op == UnaryOp::kMinus) {
    for (Series& s : m) {
      s.labels = DropMetricName(s.labels);
      for (Point& p : s.points) p.v = -p.v;
    }
    if (ContainsSameLabelset(m)) return DuplicateLabelsetError();
  }
  return m;
}

}  // namespace vigil::promql::internal
