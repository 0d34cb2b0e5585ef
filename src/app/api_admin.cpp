#include "api_admin.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>

#include "api_json.h"
#include "api_query.h"
#include "vigil/promql/parser.h"

namespace vigil::app {
namespace {

// The default range of delete_series: all time (as the query API's).
constexpr TimestampMs kMinTime = std::numeric_limits<int64_t>::min() / 2;
constexpr TimestampMs kMaxTime = std::numeric_limits<int64_t>::max() / 2;

// Prometheus 2.42 maps errorType "unavailable" to no status of its own, so
// it answers 500 (checked against the 2.42 binary).
http::Response AdminDisabled() {
  nlohmann::ordered_json body = {
      {"status", "error"}, {"errorType", "unavailable"}, {"error", "admin APIs disabled"}};
  return http::Response::Json(500, body.dump());
}

http::Response NoContent() {
  http::Response r;
  r.status = 204;
  return r;
}

Result<TimestampMs> TimeParam(const http::Request& r, std::string_view name, TimestampMs fallback) {
  std::string text = r.FormValue(name);
  if (text.empty()) return fallback;
  Result<TimestampMs> t = ParseTimeParam(text);
  if (!t.ok()) {
    return InvalidArgument("invalid parameter \"" + std::string(name) +
                           "\": Invalid time value for '" + std::string(name) +
                           "': " + t.status().message());
  }
  return t;
}

http::Response DeleteSeries(const AdminApiContext& ctx, const http::Request& r) {
  std::vector<std::string> selectors = r.FormValues("match[]");
  if (selectors.empty()) return ApiBadData("no match[] parameter provided");
  Result<TimestampMs> start = TimeParam(r, "start", kMinTime);
  if (!start.ok()) return ApiBadData(start.status().message());
  Result<TimestampMs> end = TimeParam(r, "end", kMaxTime);
  if (!end.ok()) return ApiBadData(end.status().message());
  // Every selector is checked before anything is deleted.
  std::vector<std::vector<model::Matcher>> sets;
  for (const std::string& selector : selectors) {
    auto matchers = promql::ParseMetricSelector(selector);
    if (!matchers.ok()) {
      return ApiBadData("invalid parameter \"match[]\": " + matchers.status().message());
    }
    sets.push_back(std::move(*matchers));
  }
  for (const auto& matchers : sets) {
    Status s = ctx.db->DeleteSeries(matchers, *start, *end);
    if (!s.ok()) return ApiError(promql::ErrorType::kInternal, s.message());
  }
  return NoContent();
}

// Go's strconv.ParseBool.
std::optional<bool> ParseGoBool(std::string_view s) {
  for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (s == t) return true;
  }
  for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (s == f) return false;
  }
  return std::nullopt;
}

// Prometheus's snapshot name: the UTC time, then 16 random hex digits.
std::string SnapshotName() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::random_device seed;
  std::uniform_int_distribution<uint64_t> bits(0, std::numeric_limits<int64_t>::max());
  char name[64];
  std::snprintf(name, sizeof name, "%s-%016llx", stamp,
                static_cast<unsigned long long>(bits(seed)));
  return name;
}

http::Response Snapshot(const AdminApiContext& ctx, const http::Request& r) {
  bool skip_head = false;
  if (std::string text = r.FormValue("skip_head"); !text.empty()) {
    std::optional<bool> b = ParseGoBool(text);
    if (!b.has_value()) {
      std::string go_error = "strconv.ParseBool: parsing \"" + text + "\": invalid syntax";
      return ApiBadData("invalid parameter \"skip_head\": unable to parse boolean: " + go_error);
    }
    skip_head = *b;
  }
  std::string name = SnapshotName();
  Status s = ctx.db->Snapshot((std::filesystem::path(ctx.data_dir) / "snapshots" / name).string(),
                              !skip_head);
  if (!s.ok()) return ApiError(promql::ErrorType::kInternal, "create snapshot: " + s.message());
  return ApiSuccess({{"name", name}});
}

http::Response CleanTombstones(const AdminApiContext& ctx) {
  Status s = ctx.db->CleanTombstones();
  if (!s.ok()) return ApiError(promql::ErrorType::kInternal, s.message());
  return NoContent();
}

// Registers `path` for POST and PUT; `work` runs on the worker pool.
void AddAdminRoute(const AdminApiContext& ctx, http::Router* router, const std::string& path,
                   std::function<http::Response(const http::Request&)> work) {
  router->Handle(
      {"POST", "PUT"}, path,
      [ctx, work = std::move(work)](const http::Request& r, http::Respond respond) {
        if (!ctx.enabled) return respond(AdminDisabled());
        ctx.workers->Post([work, &r, respond = std::move(respond)] { respond(work(r)); });
      });
}

}  // namespace

void AddAdminRoutes(const AdminApiContext& ctx, http::Router* router) {
  AddAdminRoute(ctx, router, "/api/v1/admin/tsdb/delete_series",
                [ctx](const http::Request& r) { return DeleteSeries(ctx, r); });
  AddAdminRoute(ctx, router, "/api/v1/admin/tsdb/clean_tombstones",
                [ctx](const http::Request&) { return CleanTombstones(ctx); });
  AddAdminRoute(ctx, router, "/api/v1/admin/tsdb/snapshot",
                [ctx](const http::Request& r) { return Snapshot(ctx, r); });
}

}  // namespace vigil::app
