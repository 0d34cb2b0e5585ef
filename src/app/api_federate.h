// /federate: the latest sample (within the lookback delta) of every series
// the match[] selectors pick, in the text format 0.0.4, grouped by metric
// name under `# TYPE <name> untyped` lines, with the config's external
// labels (and an empty `instance`) attached where the series lacks them and
// each sample's own timestamp — as Prometheus 2.42's federation handler.
// Reads run on the query worker pool.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "vigil/base/clock.h"
#include "vigil/base/duration.h"
#include "vigil/base/worker_pool.h"
#include "vigil/http/router.h"
#include "vigil/tsdb/querier.h"

namespace vigil::app {

struct FederateContext {
  tsdb::Queryable* storage;
  WorkerPool* workers;
  const Clock* clock;
  Duration lookback_delta;
  // The current config's external labels.
  std::function<std::map<std::string, std::string>()> external_labels;
};

void AddFederateRoute(const FederateContext& ctx, http::Router* router);

}  // namespace vigil::app
