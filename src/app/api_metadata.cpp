#include "api_metadata.h"

#include <map>
#include <set>

#include "api_json.h"
#include "vigil/promql/parser.h"

namespace vigil::app {
namespace {

using nlohmann::ordered_json;

ordered_json MetadataJson(const scrape::MetricMetadata& m) {
  return {{"type", m.type}, {"help", m.help}, {"unit", m.unit}};
}

// Every distinct metadata per metric over all targets; `limit` >= 0 caps the
// number of metrics.
http::Response Metadata(const scrape::Manager& scrape, const http::Request& r) {
  Result<int64_t> limit = ParseLimitParam(r.FormValue("limit"), -1);
  if (!limit.ok()) return ApiBadData(limit.status().message());
  const std::string metric = r.FormValue("metric");
  auto tuple = [](const scrape::MetricMetadata& m) { return std::tie(m.type, m.help, m.unit); };
  auto less = [&](const scrape::MetricMetadata& a, const scrape::MetricMetadata& b) {
    return tuple(a) < tuple(b);
  };
  std::map<std::string, std::set<scrape::MetricMetadata, decltype(less)>> metrics;
  for (const scrape::TargetStatus& t : scrape.ActiveTargets()) {
    if (!t.metadata) continue;
    for (const auto& [name, m] : *t.metadata) {
      if (!metric.empty() && name != metric) continue;
      metrics.try_emplace(name, less).first->second.insert(m);
    }
  }
  ordered_json data = ordered_json::object();
  for (const auto& [name, set] : metrics) {
    if (*limit >= 0 && static_cast<int64_t>(data.size()) >= *limit) break;
    ordered_json list = ordered_json::array();
    for (const scrape::MetricMetadata& m : set) list.push_back(MetadataJson(m));
    data[name] = std::move(list);
  }
  return ApiSuccess(std::move(data));
}

bool MatchesAll(const model::Labels& labels, const std::vector<model::Matcher>& matchers) {
  for (const model::Matcher& m : matchers) {
    if (!m.Matches(labels.Get(m.name()))) return false;
  }
  return true;
}

// One entry per target and metric; `limit` >= 0 caps the number of entries
// checked before each target, as Prometheus does.
http::Response TargetsMetadata(const scrape::Manager& scrape, const http::Request& r) {
  Result<int64_t> limit = ParseLimitParam(r.FormValue("limit"), -1);
  if (!limit.ok()) return ApiBadData(limit.status().message());
  std::vector<model::Matcher> matchers;
  if (std::string selector = r.FormValue("match_target"); !selector.empty()) {
    auto parsed = promql::ParseMetricSelector(selector);
    if (!parsed.ok()) return ApiBadData(parsed.status().message());
    matchers = std::move(*parsed);
  }
  const std::string metric = r.FormValue("metric");
  ordered_json data = ordered_json::array();
  for (const scrape::TargetStatus& t : scrape.ActiveTargets()) {
    if (*limit >= 0 && static_cast<int64_t>(data.size()) >= *limit) break;
    if (!t.metadata || !MatchesAll(t.labels, matchers)) continue;
    for (const auto& [name, m] : *t.metadata) {
      if (!metric.empty() && name != metric) continue;
      ordered_json entry = {{"target", LabelsJson(t.labels)}};
      if (metric.empty()) entry["metric"] = name;
      entry.update(MetadataJson(m));
      data.push_back(std::move(entry));
    }
  }
  return ApiSuccess(std::move(data));
}

}  // namespace

void AddMetadataRoutes(const scrape::Manager* scrape, http::Router* router) {
  router->HandleSync({"GET"}, "/api/v1/metadata",
                     [scrape](const http::Request& r) { return Metadata(*scrape, r); });
  router->HandleSync({"GET"}, "/api/v1/targets/metadata",
                     [scrape](const http::Request& r) { return TargetsMetadata(*scrape, r); });
}

}  // namespace vigil::app
