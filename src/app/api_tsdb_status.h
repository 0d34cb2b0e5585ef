// /api/v1/status/tsdb: the head's series and chunk counts and time span, and
// the cardinality tables Prometheus shows (top 10 metric names by series,
// label names by values, label names by bytes of values over their series,
// label pairs by series), computed from the storage's series on the query
// worker pool.
#pragma once

#include "vigil/base/clock.h"
#include "vigil/base/duration.h"
#include "vigil/base/metrics.h"
#include "vigil/base/worker_pool.h"
#include "vigil/http/router.h"
#include "vigil/tsdb/querier.h"

namespace vigil::app {

struct TsdbStatusContext {
  tsdb::Queryable* storage;
  WorkerPool* workers;
  const Clock* clock;
  const metrics::Registry* registry;  // the storage's head series and chunk gauges
  // maxTime is the newest sample within this much of now.
  Duration lookback_delta;
};

void AddTsdbStatusRoute(const TsdbStatusContext& ctx, http::Router* router);

}  // namespace vigil::app
