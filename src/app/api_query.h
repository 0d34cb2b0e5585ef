// The Prometheus HTTP API v1 query endpoints: /api/v1/query, query_range,
// series, labels, label/<name>/values and format_query, with Prometheus's
// parameters (RFC 3339 or Unix-seconds times, durations or float-second
// steps), JSON shapes, error types and status codes. Queries run on the query
// worker pool, never on the event loop, and stop when their client closes the
// connection.
#pragma once

#include <string_view>

#include "vigil/base/clock.h"
#include "vigil/base/metrics.h"
#include "vigil/base/result.h"
#include "vigil/base/worker_pool.h"
#include "vigil/http/router.h"
#include "vigil/promql/engine.h"
#include "vigil/tsdb/querier.h"

namespace vigil::app {

struct QueryApiContext {
  tsdb::Queryable* storage;
  promql::Engine* engine;
  WorkerPool* workers;
  const Clock* clock;
  // Counts queries stopped because their client went away.
  metrics::Counter* canceled;
};

void AddQueryRoutes(const QueryApiContext& ctx, http::Router* router);

// Prometheus's time parameter: Unix seconds (fractions to the millisecond)
// or RFC 3339.
Result<TimestampMs> ParseTimeParam(std::string_view text);
// Prometheus's duration parameter: float seconds or a duration ("5m").
Result<Duration> ParseDurationParam(std::string_view text);
// A sample value as the API writes it: Go's FormatFloat(v, 'f', -1, 64),
// "NaN", "+Inf", "-Inf".
std::string FormatApiValue(double v);

}  // namespace vigil::app
