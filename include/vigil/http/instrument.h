// Request metrics for a Server, named as Prometheus names its own:
// <prefix>_http_requests_total{handler,code} and
// <prefix>_http_request_duration_seconds{handler}, plus access logging.
#pragma once

#include <string_view>

#include "vigil/base/metrics.h"
#include "vigil/http/server.h"

namespace vigil::http {

Observer MakeMetricsObserver(metrics::Registry& registry, std::string_view prefix);

}  // namespace vigil::http
