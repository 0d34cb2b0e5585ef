#include "api_federate.h"

#include <set>

#include "vigil/expfmt/writer.h"
#include "vigil/model/value.h"
#include "vigil/promql/parser.h"

namespace vigil::app {
namespace {

struct LatestSample {
  TimestampMs t;
  double v;
};

// The newest sample in [mint, maxt], if any.
std::optional<LatestSample> Latest(const tsdb::Series& series, TimestampMs mint,
                                   TimestampMs maxt) {
  std::unique_ptr<tsdb::SampleIterator> it = series.Iterator();
  std::optional<LatestSample> latest;
  if (!it->Seek(mint)) return latest;
  do {
    if (it->AtT() > maxt) break;
    latest = LatestSample{it->AtT(), it->AtV()};
  } while (it->Next());
  return latest;
}

std::string Render(const std::map<model::Labels, LatestSample>& samples,
                   const std::map<std::string, std::string>& external) {
  std::string out;
  std::string_view last_name;
  std::vector<model::Label> labels;
  for (const auto& [series, sample] : samples) {
    std::string_view name = series.MetricName();
    if (name.empty()) continue;  // nameless series are not federated, as Prometheus
    if (name != last_name) {
      expfmt::AppendTypeLine(name, "untyped", &out);
      last_name = name;
    }
    labels.clear();
    std::set<std::string_view> used;
    for (const model::Label& l : series) {
      if (l.name == model::kMetricName || l.value.empty()) continue;
      labels.push_back(l);
      if (external.count(std::string(l.name))) used.insert(l.name);
    }
    for (const auto& [k, v] : external) {
      if (!used.count(k)) labels.push_back({k, v});
    }
    expfmt::AppendSampleLine(name, labels, sample.v, sample.t, &out);
  }
  return out;
}

http::Response Federate(const FederateContext& ctx, const http::Request& r) {
  std::vector<std::vector<model::Matcher>> selectors;
  for (const std::string& m : r.FormValues("match[]")) {
    auto matchers = promql::ParseMetricSelector(m);
    if (!matchers.ok()) return http::Response::Text(400, matchers.status().message() + "\n");
    selectors.push_back(std::move(*matchers));
  }
  const TimestampMs maxt = ctx.clock->Now();
  const TimestampMs mint = maxt - ctx.lookback_delta.count();
  std::map<model::Labels, LatestSample> samples;
  if (!selectors.empty()) {
    auto querier = ctx.storage->NewQuerier(mint, maxt);
    if (!querier.ok()) {
      return http::Response::Text(500, "error selecting series set: " +
                                           querier.status().message() + "\n");
    }
    tsdb::SelectHints hints{mint, maxt};
    for (const auto& matchers : selectors) {
      auto set = (*querier)->Select(false, &hints, matchers);
      while (set->Next()) {
        const tsdb::Series& series = set->At();
        if (samples.count(series.labels())) continue;
        std::optional<LatestSample> latest = Latest(series, mint, maxt);
        if (latest && !model::IsStaleNaN(latest->v)) samples.emplace(series.labels(), *latest);
      }
      if (!set->status().ok()) {
        return http::Response::Text(500, "error selecting series set: " +
                                             set->status().message() + "\n");
      }
    }
  }
  std::map<std::string, std::string> external = ctx.external_labels();
  external.try_emplace("instance", "");
  http::Response response = http::Response::Text(200, Render(samples, external));
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return response;
}

}  // namespace

void AddFederateRoute(const FederateContext& ctx, http::Router* router) {
  router->Handle({"GET"}, "/federate", [ctx](const http::Request& r, http::Respond respond) {
    ctx.workers->Post([ctx, &r, respond = std::move(respond)] { respond(Federate(ctx, r)); });
  });
}

}  // namespace vigil::app
