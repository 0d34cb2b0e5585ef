#include "request_metrics.h"

#include <array>

namespace vigil::demo {

std::string MethodLabel(std::string_view method) {
  static constexpr std::array<std::string_view, 9> kMethods = {
      "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"};
  for (std::string_view m : kMethods) {
    if (m == method) return std::string(m);
  }
  return "other";
}

std::string RouteLabel(std::string_view route) {
  return route.empty() ? "other" : std::string(route);
}

RequestMetrics::RequestMetrics(metrics::Registry& registry)
    : requests_(registry.AddCounterFamily("http_requests_total",
                                          "Requests served, by method, route and status code.",
                                          {"method", "route", "status_code"})),
      durations_(registry.AddHistogramFamily(
          "http_request_duration_seconds",
          "Time from reading a request to writing its response, by method and route.",
          {"method", "route"}, metrics::DefaultBuckets())) {}

void RequestMetrics::Prime(std::string_view method, std::string_view route,
                           std::initializer_list<int> codes) {
  const std::string m = MethodLabel(method);
  const std::string r = RouteLabel(route);
  for (int code : codes) requests_.With({m, r, std::to_string(code)});
  durations_.With({m, r});
}

void RequestMetrics::Record(const http::RequestInfo& info) {
  const std::string method = MethodLabel(info.request.method);
  const std::string route = RouteLabel(info.route);
  // Status codes are three digits; anything else is one bucket, not a series each.
  const std::string code =
      info.status >= 100 && info.status <= 999 ? std::to_string(info.status) : "other";
  requests_.With({method, route, code}).Inc();
  durations_.With({method, route}).Observe(info.duration_seconds);
}

http::Observer RequestMetrics::MakeObserver() {
  return [this](const http::RequestInfo& info) { Record(info); };
}

}  // namespace vigil::demo
