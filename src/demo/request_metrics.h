// RequestMetrics: the demo's per-request metrics, fed by the HTTP server's
// Observer:
//   http_requests_total{method,route,status_code}          counter
//   http_request_duration_seconds{method,route}            histogram
// Labels stay bounded: the route is the matched pattern ("other" when none
// matched, never the raw path) and unknown methods are "other".
//
// Thread-safety: the Observer may be called from any thread.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "vigil/base/metrics.h"
#include "vigil/http/server.h"

namespace vigil::demo {

// The method label: a standard method as sent, else "other".
std::string MethodLabel(std::string_view method);
// The route label: the matched pattern, or "other" when none matched.
std::string RouteLabel(std::string_view route);

class RequestMetrics {
 public:
  // Registers both families on `registry`, which must outlive this object.
  explicit RequestMetrics(metrics::Registry& registry);

  // Starts the series of `route` at 0 for the given status codes, so rate()
  // has a first point before the first request.
  void Prime(std::string_view method, std::string_view route, std::initializer_list<int> codes);

  void Record(const http::RequestInfo& info);

  // An Observer that calls Record; valid while this object lives.
  http::Observer MakeObserver();

 private:
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Histogram>& durations_;
};

}  // namespace vigil::demo
