// The evaluator behind promql::Engine (internal). Like Prometheus, every
// expression is evaluated over the query's whole step range at once: an
// instant vector or scalar becomes a Matrix (one point per step where it has
// a value), and selectors read each series from storage once per query.
// Thread-safety: one Evaluator per query, used by one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <span>
#include <string>
#include <vector>

#include "vigil/base/result.h"
#include "vigil/promql/ast.h"
#include "vigil/promql/functions.h"
#include "vigil/promql/value.h"
#include "vigil/tsdb/querier.h"

namespace vigil::promql::internal {

// State shared by a query's evaluator and its subquery evaluators.
struct QueryContext {
  tsdb::Querier* querier = nullptr;
  int64_t lookback_ms = 300'000;
  int64_t max_samples = 0;
  int64_t default_subquery_step_ms = 60'000;
  TimestampMs query_start = 0;  // for @ start() / end()
  TimestampMs query_end = 0;
  std::chrono::steady_clock::time_point deadline;
  const std::atomic<bool>* cancel = nullptr;
  int64_t current_samples = 0;
  int64_t peak_samples = 0;
  int64_t total_samples = 0;
};

// A window of one series at one step.
struct SeriesWindow {
  const model::Labels* labels;
  std::span<const Point> points;
};

// Errors raised during evaluation.
Status ExecError(std::string message);
Status DuplicateLabelsetError();
inline constexpr std::string_view kTooManySamplesMessage =
    "query processing would load too many samples into memory in query execution";

// Per-node memo of what depends only on a series' labels (match
// signatures, group keys, result labels), so a range evaluation computes it
// once per series rather than once per step. Keyed by Labels::Hash().
struct LabelCache {
  std::unordered_map<uint64_t, uint64_t> lhs_key;
  std::unordered_map<uint64_t, uint64_t> rhs_key;
  std::unordered_map<uint64_t, model::Labels> labels;
  std::unordered_map<uint64_t, std::pair<uint64_t, model::Labels>> groups;
};

class Evaluator {
 public:
  Evaluator(QueryContext* ctx, TimestampMs start, TimestampMs end, int64_t interval)
      : ctx_(ctx), start_(start), end_(end), interval_(interval) {}

  // Evaluates a scalar, instant vector or (when start == end) range vector
  // expression. Scalars give one series with empty labels.
  Result<Matrix> Eval(const Expr& e);

  size_t NumSteps() const { return static_cast<size_t>((end_ - start_) / interval_) + 1; }
  TimestampMs StepTime(size_t i) const { return start_ + static_cast<int64_t>(i) * interval_; }
  // The step of `t`. Precondition: t is a step time (as every point of an
  // instant vector's matrix is).
  size_t StepOf(TimestampMs t) const { return static_cast<size_t>((t - start_) / interval_); }

  // Limits: call often. Fails on timeout or cancellation.
  Status CheckInterrupt() const;
  // Accounts n more (or, negative, fewer) samples held; fails over the limit.
  Status AddSamples(int64_t n);

 private:
  using StepFn = std::function<Status(std::span<const Vector> args, size_t step, Vector* out)>;

  // Evaluates `args` over the range, then calls fn once per step with each
  // argument's vector at that step, and assembles the outputs.
  Result<Matrix> RangeEval(std::span<const Expr* const> args, const StepFn& fn);
  // The same over already evaluated arguments (EvalArgs).
  Result<Matrix> RangeEvalMatrices(std::vector<Matrix> mats, const StepFn& fn);
  // Each argument's matrix; an empty one for a null or string argument.
  Result<std::vector<Matrix>> EvalArgs(std::span<const Expr* const> args);

  TimestampMs ResolveAt(const AtModifier& at, TimestampMs ts) const;
  Result<Matrix> EvalVectorSelector(const VectorSelector& vs);
  // An instant selector's values per step, or with sample_time the sample's
  // timestamp in seconds (for timestamp()).
  Result<Matrix> EvalSelectorValues(const VectorSelector& vs, bool sample_time);
  Result<Matrix> EvalMatrixSelectorTop(const MatrixSelector& ms);
  Result<Matrix> EvalSubquery(const SubqueryExpr& sq);
  // Loads the series `vs` selects with samples in [mint, maxt].
  Result<Matrix> LoadSeries(const VectorSelector& vs, TimestampMs mint, TimestampMs maxt,
                            bool drop_stale);

  Result<Matrix> EvalUnary(const UnaryExpr& e);
  Result<Matrix> EvalBinary(const BinaryExpr& e);
  Result<Matrix> EvalAggregate(const AggregateExpr& e);
  Result<Matrix> EvalFoldingAggregate(const AggregateExpr& e);
  Result<Matrix> EvalCall(const Call& e);
  Result<Matrix> EvalRangeCall(const Call& e, size_t matrix_arg);

  // vector op scalar (either side) series by series, with no per-step
  // vectors; nothing when dropping the metric name makes two series' labels
  // equal (RangeEval then merges or rejects them per step).
  Result<std::optional<Matrix>> VectorScalarBySeries(const BinaryExpr& e,
                                                     std::vector<Matrix>& mats);
  Status BinaryStep(const BinaryExpr& e, LabelCache* cache, std::span<const Vector> args,
                    size_t step, Vector* out);
  Status AggregateStep(const AggregateExpr& e, LabelCache* cache, std::span<const Vector> args,
                       size_t step, Vector* out);
  Status CallStep(const Expr& node, std::span<const Vector> args, size_t step, Vector* out);

  QueryContext* ctx_;
  TimestampMs start_;
  TimestampMs end_;
  int64_t interval_;
};

// The number of points in `m`.
int64_t CountPoints(const Matrix& m);
// Removes __name__.
model::Labels DropMetricName(const model::Labels& l);
// True when two elements of `v` have the same labels.
bool ContainsSameLabelset(const Vector& v);
bool ContainsSameLabelset(const Matrix& m);

}  // namespace vigil::promql::internal
