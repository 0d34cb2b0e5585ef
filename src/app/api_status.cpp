#include "api_status.h"

#include <filesystem>
#include <limits>
#include <thread>

#include "api_json.h"
#include "api_query.h"
#include "api_targets.h"
#include "vigil/promql/ast.h"
#include "vigil/promql/parser.h"

namespace vigil::app {
namespace {

using nlohmann::ordered_json;

// Threads of this process, in place of Go's goroutine count.
int ThreadCount() {
  std::error_code ec;
  int n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/task", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

// Go's units.Base2Bytes.String(): "512MiB", "1GiB512MiB", "0B".
std::string Base2Bytes(int64_t bytes) {
  static const std::pair<const char*, int> kUnits[] = {
      {"EiB", 60}, {"PiB", 50}, {"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}};
  if (bytes == 0) return "0B";
  std::string out;
  for (const auto& [unit, shift] : kUnits) {
    int64_t n = bytes >> shift;
    if (n == 0) continue;
    out += std::to_string(n) + unit;
    bytes -= n << shift;
  }
  return out;
}

// Whether the expression reads any series (Prometheus's ExtractSelectors is
// not empty).
bool HasSelector(const promql::Expr* e) {
  using namespace promql;
  if (e == nullptr) return false;
  switch (e->kind()) {
    case ExprKind::kVectorSelector: return true;
    case ExprKind::kMatrixSelector: return true;
    case ExprKind::kSubquery: return HasSelector(As<SubqueryExpr>(*e).expr.get());
    case ExprKind::kUnary: return HasSelector(As<UnaryExpr>(*e).expr.get());
    case ExprKind::kParen: return HasSelector(As<ParenExpr>(*e).expr.get());
    case ExprKind::kBinary: {
      const auto& b = As<BinaryExpr>(*e);
      return HasSelector(b.lhs.get()) || HasSelector(b.rhs.get());
    }
    case ExprKind::kAggregate: {
      const auto& a = As<AggregateExpr>(*e);
      return HasSelector(a.expr.get()) || HasSelector(a.param.get());
    }
    case ExprKind::kCall:
      for (const ExprPtr& arg : As<Call>(*e).args) {
        if (HasSelector(arg.get())) return true;
      }
      return false;
    default: return false;
  }
}

http::Response RuntimeInfo(const StatusApiContext& ctx) {
  std::error_code ec;
  std::string cwd = std::filesystem::current_path(ec).string();
  if (ec) cwd = "<error retrieving current working directory>";
  double reload_ok = ctx.registry->Value("vigil_config_last_reload_successful").value_or(0);
  double last_config =
      ctx.registry->Value("vigil_config_last_reload_success_timestamp_seconds").value_or(0);
  double corruptions = ctx.registry->Value("vigil_tsdb_wal_corruptions_total").value_or(0);
  return ApiSuccess({
      {"startTime", Rfc3339(ctx.start_time)},
      {"CWD", cwd},
      {"reloadConfigSuccess", reload_ok != 0},
      // Whole seconds, as Prometheus's time.Unix(int64(v), 0).
      {"lastConfigTime", Rfc3339(static_cast<TimestampMs>(last_config) * 1000)},
      {"corruptionCount", static_cast<int64_t>(corruptions)},
      {"goroutineCount", ThreadCount()},
      {"GOMAXPROCS", std::thread::hardware_concurrency()},
      {"GOGC", ""},
      {"GODEBUG", ""},
      {"storageRetention", ctx.storage_retention},
  });
}

}  // namespace

std::string StorageRetentionText(Duration time, int64_t bytes) {
  std::string out;
  if (time.count() != 0) out = FormatDuration(time);
  if (bytes != 0) {
    if (!out.empty()) out += " or ";
    out += Base2Bytes(bytes);
  }
  return out;
}

void AddStatusRoutes(const StatusApiContext& ctx, http::Router* router) {
  router->HandleSync({"GET"}, "/api/v1/status/flags", [flags = ctx.flags](const http::Request&) {
    ordered_json data = ordered_json::object();
    for (const auto& [name, value] : *flags) data[name] = value;
    return ApiSuccess(std::move(data));
  });
  router->HandleSync({"GET"}, "/api/v1/status/runtimeinfo",
                     [ctx](const http::Request&) { return RuntimeInfo(ctx); });
  router->HandleSync({"GET", "POST"}, "/api/v1/query_exemplars", [](const http::Request& r) {
    TimestampMs range[2] = {std::numeric_limits<TimestampMs>::min(),
                            std::numeric_limits<TimestampMs>::max()};
    const char* names[2] = {"start", "end"};
    for (int i = 0; i < 2; ++i) {
      if (!r.HasFormValue(names[i])) continue;
      Result<TimestampMs> t = ParseTimeParam(r.FormValue(names[i]));
      if (!t.ok()) {
        return ApiBadData("invalid parameter \"" + std::string(names[i]) + "\": " +
                          t.status().message());
      }
      range[i] = *t;
    }
    if (range[1] < range[0]) {
      return ApiBadData("end timestamp must not be before start timestamp");
    }
    auto expr = promql::ParseExpr(r.FormValue("query"));
    if (!expr.ok()) return ApiBadData(expr.status().message());
    // No exemplars are stored yet; a query with no selector gets null, as Prometheus.
    return ApiSuccess(HasSelector(expr->get()) ? ordered_json::array() : ordered_json());
  });
}

}  // namespace vigil::app
