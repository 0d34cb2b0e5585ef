#include "api_query.h"

#include <charconv>
#include <cmath>
#include <ctime>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <variant>

#include "api_json.h"
#include "vigil/base/log.h"
#include "vigil/promql/parser.h"
#include "vigil/promql/printer.h"

namespace vigil::app {
namespace {

using nlohmann::ordered_json;

constexpr TimestampMs kMinTime = std::numeric_limits<int64_t>::min() / 2;
constexpr TimestampMs kMaxTime = std::numeric_limits<int64_t>::max() / 2;

// Unix seconds with the fraction Prometheus writes (1435781451.781).
ordered_json TimeJson(TimestampMs t) {
  return ordered_json(static_cast<double>(t) / 1000.0);
}

ordered_json ResultJson(const promql::QueryValue& value) {
  if (const auto* s = std::get_if<promql::Scalar>(&value)) {
    return {{"resultType", "scalar"}, {"result", {TimeJson(s->t), FormatApiValue(s->v)}}};
  }
  if (const auto* s = std::get_if<promql::String>(&value)) {
    return {{"resultType", "string"}, {"result", {TimeJson(s->t), s->v}}};
  }
  if (const auto* v = std::get_if<promql::Vector>(&value)) {
    ordered_json result = ordered_json::array();
    for (const promql::Sample& s : *v) {
      result.push_back({{"metric", LabelsJson(s.labels)},
                        {"value", {TimeJson(s.t), FormatApiValue(s.v)}}});
    }
    return {{"resultType", "vector"}, {"result", std::move(result)}};
  }
  ordered_json result = ordered_json::array();
  for (const promql::Series& s : std::get<promql::Matrix>(value)) {
    ordered_json values = ordered_json::array();
    for (const promql::Point& p : s.points) values.push_back({TimeJson(p.t), FormatApiValue(p.v)});
    result.push_back({{"metric", LabelsJson(s.labels)}, {"values", std::move(values)}});
  }
  return {{"resultType", "matrix"}, {"result", std::move(result)}};
}

Result<TimestampMs> TimeOr(const http::Request& r, std::string_view name, TimestampMs fallback) {
  if (!r.HasFormValue(name)) return fallback;
  Result<TimestampMs> t = ParseTimeParam(r.FormValue(name));
  if (!t.ok()) {
    return InvalidArgument("invalid parameter \"" + std::string(name) + "\": " +
                           t.status().message());
  }
  return t;
}

// The matchers of every match[] selector.
Result<std::vector<std::vector<model::Matcher>>> MatchParams(const http::Request& r) {
  std::vector<std::vector<model::Matcher>> out;
  for (const std::string& m : r.FormValues("match[]")) {
    auto matchers = promql::ParseMetricSelector(m);
    if (!matchers.ok()) return matchers.status();
    out.push_back(std::move(*matchers));
  }
  return out;
}

// A querier over the request's [start, end] (all time when absent), or the
// error response to send.
std::variant<std::unique_ptr<tsdb::Querier>, http::Response> RangeQuerier(
    const QueryApiContext& ctx, const http::Request& r) {
  Result<TimestampMs> start = TimeOr(r, "start", kMinTime);
  if (!start.ok()) return ApiBadData(start.status().message());
  Result<TimestampMs> end = TimeOr(r, "end", kMaxTime);
  if (!end.ok()) return ApiBadData(end.status().message());
  auto querier = ctx.storage->NewQuerier(*start, *end);
  if (!querier.ok()) return ApiError(promql::ErrorType::kInternal, querier.status().message());
  return std::move(*querier);
}

// Runs `work` on the query pool and answers with its response.
void OnWorkers(const QueryApiContext& ctx, http::Respond respond,
               std::function<http::Response()> work) {
  ctx.workers->Post([respond = std::move(respond), work = std::move(work)] { respond(work()); });
}

http::Response QueryError(const QueryApiContext& ctx, const http::Request& r, const Status& s) {
  promql::ErrorType type = promql::ErrorTypeOf(s);
  if (type == promql::ErrorType::kCanceled) {
    ctx.canceled->Inc();
    log::Info("Query canceled: the client went away",
              {{"request_id", r.request_id}, {"query", r.FormValue("query")}});
  }
  return ApiError(type, s.message());
}

http::Response Query(const QueryApiContext& ctx, const http::Request& r) {
  Result<TimestampMs> t = TimeOr(r, "time", ctx.clock->Now());
  if (!t.ok()) return ApiBadData(t.status().message());
  Result<promql::QueryResult> res =
      ctx.engine->Instant(*ctx.storage, r.FormValue("query"), *t, {.cancel = r.client_gone});
  if (!res.ok()) return QueryError(ctx, r, res.status());
  return ApiSuccess(ResultJson(res->value));
}

http::Response QueryRange(const QueryApiContext& ctx, const http::Request& r) {
  Result<TimestampMs> start = ParseTimeParam(r.FormValue("start"));
  if (!start.ok()) return ApiBadData("invalid parameter \"start\": " + start.status().message());
  Result<TimestampMs> end = ParseTimeParam(r.FormValue("end"));
  if (!end.ok()) return ApiBadData("invalid parameter \"end\": " + end.status().message());
  if (*end < *start) return ApiBadData("end timestamp must not be before start time");
  Result<Duration> step = ParseDurationParam(r.FormValue("step"));
  if (!step.ok()) return ApiBadData("invalid parameter \"step\": " + step.status().message());
  if (step->count() <= 0) {
    return ApiBadData(
        "zero or negative query resolution step widths are not accepted. Try a positive integer");
  }
  if ((*end - *start) / step->count() > 11000) {
    return ApiBadData(
        "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query "
        "resolution (?step=XX)");
  }
  Result<promql::QueryResult> res =
      ctx.engine->Range(*ctx.storage, r.FormValue("query"), *start, *end, *step,
                        {.cancel = r.client_gone});
  if (!res.ok()) return QueryError(ctx, r, res.status());
  return ApiSuccess(ResultJson(res->value));
}

http::Response Series(const QueryApiContext& ctx, const http::Request& r) {
  auto sets = MatchParams(r);
  if (!sets.ok()) return ApiBadData(sets.status().message());
  if (sets->empty()) return ApiBadData("no match[] parameter provided");
  auto querier = RangeQuerier(ctx, r);
  if (auto* error = std::get_if<http::Response>(&querier)) return std::move(*error);
  auto& q = std::get<std::unique_ptr<tsdb::Querier>>(querier);
  std::set<model::Labels> found;
  for (const auto& matchers : *sets) {
    auto set = q->Select(true, nullptr, matchers);
    while (set->Next()) found.insert(set->At().labels());
    if (!set->status().ok()) return ApiError(promql::ErrorType::kInternal, set->status().message());
  }
  ordered_json data = ordered_json::array();
  for (const model::Labels& l : found) data.push_back(LabelsJson(l));
  return ApiSuccess(std::move(data));
}

// /api/v1/labels and /api/v1/label/<name>/values share everything but the call.
http::Response LabelsOrValues(const QueryApiContext& ctx, const http::Request& r,
                              const std::string* name) {
  auto sets = MatchParams(r);
  if (!sets.ok()) return ApiBadData(sets.status().message());
  if (sets->empty()) sets->push_back({});
  auto querier = RangeQuerier(ctx, r);
  if (auto* error = std::get_if<http::Response>(&querier)) return std::move(*error);
  auto& q = std::get<std::unique_ptr<tsdb::Querier>>(querier);
  std::set<std::string> values;
  for (const auto& matchers : *sets) {
    auto got = name ? q->LabelValues(*name, matchers) : q->LabelNames(matchers);
    if (!got.ok()) return ApiError(promql::ErrorType::kInternal, got.status().message());
    values.insert(got->begin(), got->end());
  }
  ordered_json data = ordered_json::array();
  size_t limit = 0;
  if (std::string text = r.FormValue("limit"); !text.empty()) {
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      return ApiBadData("limit must be a number");
    }
  }
  for (const std::string& v : values) {
    if (limit > 0 && data.size() >= limit) break;
    data.push_back(v);
  }
  return ApiSuccess(std::move(data));
}

}  // namespace

std::string FormatApiValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, ec == std::errc() ? end : buf);
}

Result<TimestampMs> ParseTimeParam(std::string_view text) {
  std::string s(text);
  double secs = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), secs);
  if (!s.empty() && ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(secs)) {
    return static_cast<TimestampMs>(std::llround(secs * 1000));
  }
  // RFC 3339: 2006-01-02T15:04:05[.frac](Z|±hh:mm)
  std::tm tm{};
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) {
    return InvalidArgument("cannot parse \"" + s + "\" to a valid timestamp");
  }
  int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  if (*rest == '.') {
    int64_t frac = 0, scale = 1000;
    ++rest;
    while (*rest >= '0' && *rest <= '9') {
      if (scale > 1) {
        scale /= 10;
        frac += (*rest - '0') * scale;
      }
      ++rest;
    }
    ms += frac;
  }
  if (*rest == 'Z' && rest[1] == '\0') return ms;
  int sign = *rest == '+' ? 1 : (*rest == '-' ? -1 : 0);
  int hh = 0, mm = 0;
  if (sign != 0 && std::sscanf(rest + 1, "%2d:%2d", &hh, &mm) == 2 && std::strlen(rest) == 6) {
    return ms - sign * (hh * 3600 + mm * 60) * 1000LL;
  }
  return InvalidArgument("cannot parse \"" + s + "\" to a valid timestamp");
}

Result<Duration> ParseDurationParam(std::string_view text) {
  std::string s(text);
  double secs = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), secs);
  if (!s.empty() && ec == std::errc() && ptr == s.data() + s.size()) {
    if (!std::isfinite(secs) || secs * 1000 > static_cast<double>(kMaxTime)) {
      return InvalidArgument("cannot parse \"" + s + "\" to a valid duration. It overflows int64");
    }
    return Duration(std::llround(secs * 1000));
  }
  Result<Duration> d = ParseDuration(s);
  if (!d.ok()) return InvalidArgument("cannot parse \"" + s + "\" to a valid duration");
  return d;
}

void AddQueryRoutes(const QueryApiContext& ctx, http::Router* router) {
  router->Handle({"GET", "POST"}, "/api/v1/query",
                 [ctx](const http::Request& r, http::Respond respond) {
                   OnWorkers(ctx, std::move(respond), [ctx, &r] { return Query(ctx, r); });
                 });
  router->Handle({"GET", "POST"}, "/api/v1/query_range",
                 [ctx](const http::Request& r, http::Respond respond) {
                   OnWorkers(ctx, std::move(respond), [ctx, &r] { return QueryRange(ctx, r); });
                 });
  router->Handle({"GET", "POST"}, "/api/v1/series",
                 [ctx](const http::Request& r, http::Respond respond) {
                   OnWorkers(ctx, std::move(respond), [ctx, &r] { return Series(ctx, r); });
                 });
  router->Handle({"GET", "POST"}, "/api/v1/labels",
                 [ctx](const http::Request& r, http::Respond respond) {
                   OnWorkers(ctx, std::move(respond),
                             [ctx, &r] { return LabelsOrValues(ctx, r, nullptr); });
                 });
  router->Handle({"GET"}, "/api/v1/label/:name/values",
                 [ctx](const http::Request& r, http::Respond respond) {
                   OnWorkers(ctx, std::move(respond), [ctx, &r] {
                     const std::string& name = r.path_params.at("name");
                     if (!model::IsValidLabelName(name)) {
                       return ApiBadData("invalid label name: \"" + name + "\"");
                     }
                     return LabelsOrValues(ctx, r, &name);
                   });
                 });
  router->HandleSync({"GET", "POST"}, "/api/v1/format_query", [](const http::Request& r) {
    auto expr = promql::ParseExpr(r.FormValue("query"));
    if (!expr.ok()) return ApiBadData(expr.status().message());
    return ApiSuccess(promql::Format(**expr));
  });
}

}  // namespace vigil::app
