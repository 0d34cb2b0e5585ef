// The Prometheus API v1 status endpoints that describe the running server:
// /api/v1/status/flags (every serve flag as a string), /api/v1/status/
// runtimeinfo (start time, working directory, last reload, thread counts,
// retention), and /api/v1/query_exemplars (vigil stores no exemplars yet:
// valid requests get an empty list, bad ones bad_data, as Prometheus).
// Handlers read immutable state and the metrics registry; none blocks.
#pragma once

#include <map>
#include <string>

#include "vigil/base/clock.h"
#include "vigil/base/duration.h"
#include "vigil/base/metrics.h"
#include "vigil/http/router.h"

namespace vigil::app {

struct StatusApiContext {
  const std::map<std::string, std::string>* flags;  // outlives the router
  const metrics::Registry* registry;
  TimestampMs start_time;
  std::string storage_retention;  // StorageRetentionText of the flags
};

void AddStatusRoutes(const StatusApiContext& ctx, http::Router* router);

// Prometheus's runtime-info retention: "15d", "512MiB", "15d or 512MiB", or
// "" when neither limit is set.
std::string StorageRetentionText(Duration time, int64_t bytes);

}  // namespace vigil::app
