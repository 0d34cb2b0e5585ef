// Engine: parses, checks the query type, opens one Querier covering every
// selector's reach, evaluates (evaluator.h) under the limits, and shapes
// the result as Prometheus does.
#include "vigil/promql/engine.h"

#include <algorithm>

#include "evaluator.h"
#include "vigil/promql/parser.h"

namespace vigil::promql {

ErrorType ErrorTypeOf(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return ErrorType::kNone;
    case StatusCode::kInvalidArgument:
      return ErrorType::kBadData;
    case StatusCode::kDeadlineExceeded:
      return ErrorType::kTimeout;
    case StatusCode::kCancelled:
      return ErrorType::kCanceled;
    case StatusCode::kIoError:
    case StatusCode::kCorruption:
    case StatusCode::kInternal:
    case StatusCode::kUnavailable:
      return ErrorType::kInternal;
    default:
      return ErrorType::kExecution;
  }
}

std::string_view ErrorTypeName(ErrorType type) {
  switch (type) {
    case ErrorType::kNone: return "";
    case ErrorType::kBadData: return "bad_data";
    case ErrorType::kExecution: return "execution";
    case ErrorType::kTimeout: return "timeout";
    case ErrorType::kCanceled: return "canceled";
    case ErrorType::kInternal: return "internal";
  }
  return "";
}

namespace {

struct TimeRange {
  TimestampMs min;
  TimestampMs max;
  bool any = false;
  void Add(TimestampMs lo, TimestampMs hi) {
    if (!any) {
      min = lo;
      max = hi;
      any = true;
      return;
    }
    min = std::min(min, lo);
    max = std::max(max, hi);
  }
};

TimestampMs AtTime(const AtModifier& at, TimestampMs qstart, TimestampMs qend) {
  if (at.kind == AtKind::kStart) return qstart;
  if (at.kind == AtKind::kEnd) return qend;
  return at.timestamp_ms;
}

// The time range `e`'s selectors read when evaluated at times [lo, hi].
void Reach(const Expr& e, TimestampMs lo, TimestampMs hi, TimestampMs qstart, TimestampMs qend,
           int64_t lookback, TimeRange* r) {
  auto shift = [&](const AtModifier& at, int64_t offset, TimestampMs* l, TimestampMs* h) {
    if (at.has_value()) *l = *h = AtTime(at, qstart, qend);
    *l -= offset;
    *h -= offset;
  };
  switch (e.kind()) {
    case ExprKind::kVectorSelector: {
      const auto& vs = As<VectorSelector>(e);
      shift(vs.at, vs.offset.count(), &lo, &hi);
      r->Add(lo - lookback, hi);
      return;
    }
    case ExprKind::kMatrixSelector: {
      const auto& ms = As<MatrixSelector>(e);
      shift(ms.selector->at, ms.selector->offset.count(), &lo, &hi);
      r->Add(lo - ms.range.count(), hi);
      return;
    }
    case ExprKind::kSubquery: {
      const auto& sq = As<SubqueryExpr>(e);
      shift(sq.at, sq.offset.count(), &lo, &hi);
      Reach(*sq.expr, lo - sq.range.count(), hi, qstart, qend, lookback, r);
      return;
    }
    case ExprKind::kParen:
      Reach(*As<ParenExpr>(e).expr, lo, hi, qstart, qend, lookback, r);
      return;
    case ExprKind::kUnary:
      Reach(*As<UnaryExpr>(e).expr, lo, hi, qstart, qend, lookback, r);
      return;
    case ExprKind::kBinary:
      Reach(*As<BinaryExpr>(e).lhs, lo, hi, qstart, qend, lookback, r);
      Reach(*As<BinaryExpr>(e).rhs, lo, hi, qstart, qend, lookback, r);
      return;
    case ExprKind::kAggregate:
      if (As<AggregateExpr>(e).param) {
        Reach(*As<AggregateExpr>(e).param, lo, hi, qstart, qend, lookback, r);
      }
      Reach(*As<AggregateExpr>(e).expr, lo, hi, qstart, qend, lookback, r);
      return;
    case ExprKind::kCall:
      for (const ExprPtr& a : As<Call>(e).args) Reach(*a, lo, hi, qstart, qend, lookback, r);
      return;
    case ExprKind::kNumberLiteral:
    case ExprKind::kStringLiteral:
      return;
  }
}

}  // namespace

Engine::Engine(EngineOptions options) : options_(options) {}

Result<QueryResult> Engine::Instant(tsdb::Queryable& storage, std::string_view expr,
                                    TimestampMs t, const QueryOptions& query_options) {
  VIGIL_ASSIGN_OR_RETURN(ExprPtr parsed, ParseExpr(expr));
  return InstantExpr(storage, *parsed, t, query_options);
}

Result<QueryResult> Engine::Range(tsdb::Queryable& storage, std::string_view expr,
                                  TimestampMs start, TimestampMs end, Duration step,
                                  const QueryOptions& query_options) {
  VIGIL_ASSIGN_OR_RETURN(ExprPtr parsed, ParseExpr(expr));
  return RangeExpr(storage, *parsed, start, end, step, query_options);
}

Result<QueryResult> Engine::InstantExpr(tsdb::Queryable& storage, const Expr& expr,
                                        TimestampMs t, const QueryOptions& query_options) {
  return Exec(storage, expr, t, t, 1, false, query_options);
}

Result<QueryResult> Engine::RangeExpr(tsdb::Queryable& storage, const Expr& expr,
                                      TimestampMs start, TimestampMs end, Duration step,
                                      const QueryOptions& query_options) {
  if (expr.type() != ValueType::kScalar && expr.type() != ValueType::kVector) {
    return InvalidArgument("invalid expression type \"" +
                           std::string(DocumentedType(expr.type())) +
                           "\" for range query, must be Scalar or instant Vector");
  }
  if (step.count() <= 0) {
    return InvalidArgument("zero or negative query resolution step widths are not accepted");
  }
  if (end < start) return InvalidArgument("end timestamp must not be before start time");
  return Exec(storage, expr, start, end, step.count(), true, query_options);
}

Result<QueryResult> Engine::Exec(tsdb::Queryable& storage, const Expr& expr, TimestampMs start,
                                 TimestampMs end, int64_t interval, bool is_range,
                                 const QueryOptions& query_options) {
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (options_.max_concurrency > 0) {
      while (running_ >= options_.max_concurrency) {
        if (query_options.cancel != nullptr && query_options.cancel->load()) {
          return Status(StatusCode::kCancelled, "query was canceled in queue");
        }
        if (slot_freed_.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() +
                                                               std::chrono::milliseconds(50))) ==
                std::cv_status::timeout &&
            std::chrono::steady_clock::now() >= deadline) {
          return Status(StatusCode::kDeadlineExceeded, "query timed out in queue");
        }
      }
    }
    ++running_;
  }
  struct Release {
    Engine* e;
    ~Release() {
      std::lock_guard<std::mutex> lock(e->mu_);
      --e->running_;
      e->slot_freed_.notify_one();
    }
  } release{this};

  QueryResult result;
  if (const auto* s = AsIf<StringLiteral>(&expr)) {
    result.value = String{start, s->value};
    return result;
  }
  const Expr* inner = &expr;
  while (const auto* p = AsIf<ParenExpr>(inner)) inner = p->expr.get();
  if (const auto* s = AsIf<StringLiteral>(inner)) {
    result.value = String{start, s->value};
    return result;
  }

  const int64_t lookback = options_.lookback_delta.count();
  TimeRange reach;
  Reach(expr, start, end, start, end, lookback, &reach);
  if (!reach.any) reach.Add(start, end);
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<tsdb::Querier> querier,
                         storage.NewQuerier(reach.min, reach.max));

  internal::QueryContext ctx;
  ctx.querier = querier.get();
  ctx.lookback_ms = lookback;
  ctx.max_samples = options_.max_samples;
  ctx.default_subquery_step_ms = options_.default_subquery_step.count();
  ctx.query_start = start;
  ctx.query_end = end;
  ctx.deadline = deadline;
  ctx.cancel = query_options.cancel;
  internal::Evaluator ev(&ctx, start, end, interval);
  VIGIL_ASSIGN_OR_RETURN(Matrix m, ev.Eval(expr));
  result.stats.peak_samples = ctx.peak_samples;
  result.stats.total_samples = ctx.total_samples;

  if (is_range) {
    std::sort(m.begin(), m.end(),
              [](const Series& a, const Series& b) { return a.labels < b.labels; });
    result.value = std::move(m);
    return result;
  }
  switch (expr.type()) {
    case ValueType::kScalar: {
      double v = m.empty() || m[0].points.empty() ? 0 : m[0].points[0].v;
      result.value = Scalar{start, v};
      break;
    }
    case ValueType::kVector: {
      Vector v;
      v.reserve(m.size());
      for (Series& s : m) {
        if (s.points.empty()) continue;
        v.push_back({std::move(s.labels), start, s.points[0].v});
      }
      result.value = std::move(v);
      break;
    }
    default:
      result.value = std::move(m);
      break;
  }
  return result;
}

}  // namespace vigil::promql
