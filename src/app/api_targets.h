// /api/v1/targets in Prometheus's JSON shape, from the scrape manager's
// target snapshots.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vigil/scrape/target.h"

namespace vigil::app {

// `state`: "active", "dropped", "any" or "" (= any); `scrape_pool`: "" for all.
// A list not asked for is null, as in Prometheus.
std::string TargetsJson(const std::vector<scrape::TargetStatus>& active,
                        const std::vector<scrape::DroppedTarget>& dropped,
                        std::string_view state, std::string_view scrape_pool);

// RFC 3339 with nanoseconds, as Go's time.Time marshals to JSON
// ("0001-01-01T00:00:00Z" for never).
std::string Rfc3339(TimestampMs t);

}  // namespace vigil::app
