// The PromQL engine: evaluates a query against a tsdb::Queryable with
// Prometheus 2.42's semantics (lookback delta, staleness, offset and `@`,
// subqueries, vector matching, aggregations, functions) and its limits
// (max samples, timeout, concurrency, cancellation).
//
// Errors are Status values whose code maps to Prometheus's API error type
// (ErrorTypeOf): parse errors are InvalidArgument (bad_data), evaluation
// errors FailedPrecondition or ResourceExhausted (execution), a timeout
// DeadlineExceeded (timeout), a cancelled query Cancelled (canceled), and
// storage failures keep their code (internal).
// Thread-safety: an Engine is safe to use from many threads at once; each
// query runs on the calling thread. At most max_concurrency queries evaluate
// at a time; the others wait (counted against their timeout).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "vigil/base/clock.h"
#include "vigil/base/duration.h"
#include "vigil/base/result.h"
#include "vigil/promql/ast.h"
#include "vigil/promql/value.h"
#include "vigil/tsdb/querier.h"

namespace vigil::promql {

struct EngineOptions {
  // How far back an instant selector looks for a sample (--query.lookback-delta).
  Duration lookback_delta = std::chrono::minutes(5);
  // Most samples a query may hold in memory at once (--query.max-samples).
  int64_t max_samples = 50'000'000;
  // Longest a query may run, waiting for a slot included (--query.timeout).
  Duration timeout = std::chrono::minutes(2);
  // Queries evaluating at once (--query.max-concurrency); 0 is unlimited.
  int max_concurrency = 20;
  // The step of a subquery written without one (Prometheus: the global
  // evaluation interval).
  Duration default_subquery_step = std::chrono::minutes(1);
};

// Prometheus's API error types.
enum class ErrorType { kNone, kBadData, kExecution, kTimeout, kCanceled, kInternal };
ErrorType ErrorTypeOf(const Status& status);
std::string_view ErrorTypeName(ErrorType type);  // "bad_data", "execution", ...

// Per-query options.
struct QueryOptions {
  // When set and it becomes true, the query stops with a Cancelled error
  // (the client went away). Must outlive the call.
  const std::atomic<bool>* cancel = nullptr;
};

struct QueryStats {
  int64_t peak_samples = 0;   // most samples held at once
  int64_t total_samples = 0;  // samples read from storage
};

struct QueryResult {
  QueryValue value;
  QueryStats stats;
};

// The error message of a query over max_samples, as Prometheus's.
inline constexpr std::string_view kTooManySamples =
    "query processing would load too many samples into memory in query execution";

class Engine {
 public:
  explicit Engine(EngineOptions options = {});
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineOptions& options() const { return options_; }

  // Evaluates `expr` at time t (ms since the epoch).
  Result<QueryResult> Instant(tsdb::Queryable& storage, std::string_view expr, TimestampMs t,
                              const QueryOptions& query_options = {});
  // Evaluates `expr` at start, start+step, ... <= end. The result is always
  // a Matrix sorted by labels; `expr` must be a scalar or instant vector.
  Result<QueryResult> Range(tsdb::Queryable& storage, std::string_view expr, TimestampMs start,
                            TimestampMs end, Duration step,
                            const QueryOptions& query_options = {});

  // The same on an already parsed (and possibly rewritten) expression.
  Result<QueryResult> InstantExpr(tsdb::Queryable& storage, const Expr& expr, TimestampMs t,
                                  const QueryOptions& query_options = {});
  Result<QueryResult> RangeExpr(tsdb::Queryable& storage, const Expr& expr, TimestampMs start,
                                TimestampMs end, Duration step,
                                const QueryOptions& query_options = {});

 private:
  Result<QueryResult> Exec(tsdb::Queryable& storage, const Expr& expr, TimestampMs start,
                           TimestampMs end, int64_t interval, bool is_range,
                           const QueryOptions& query_options);

  const EngineOptions options_;
  std::mutex mu_;
  std::condition_variable slot_freed_;
  int running_ = 0;  // guarded by mu_
};

}  // namespace vigil::promql
