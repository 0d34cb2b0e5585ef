#include "vigil/http/instrument.h"

#include <string>

namespace vigil::http {

Observer MakeMetricsObserver(metrics::Registry& registry, std::string_view prefix) {
  std::string p(prefix);
  auto& requests = registry.AddCounterFamily(p + "_http_requests_total",
                                             "Counter of HTTP requests.", {"code", "handler"});
  auto& durations = registry.AddHistogramFamily(
      p + "_http_request_duration_seconds", "Histogram of latencies for HTTP requests.",
      {"handler"}, {0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120});
  auto& response_sizes = registry.AddHistogramFamily(
      p + "_http_response_size_bytes", "Histogram of response size for HTTP requests.",
      {"handler"}, metrics::ExponentialBuckets(100, 10, 8));
  return [&requests, &durations, &response_sizes](const RequestInfo& info) {
    // Unmatched paths share one label value so clients cannot grow the series.
    std::string handler = info.route.empty() ? "other" : std::string(info.route);
    requests.With({std::to_string(info.status), handler}).Inc();
    durations.With({handler}).Observe(info.duration_seconds);
    response_sizes.With({handler}).Observe(static_cast<double>(info.response_bytes));
  };
}

}  // namespace vigil::http
