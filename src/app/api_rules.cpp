#include "api_rules.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "api_targets.h"

namespace vigil::app {
namespace {

using Json = nlohmann::ordered_json;

Json LabelsObject(const model::Labels& labels) {
  Json out = Json::object();
  for (const model::Label& l : labels) out[std::string(l.name)] = std::string(l.value);
  return out;
}

Json MapObject(const std::map<std::string, std::string>& m) {
  Json out = Json::object();
  for (const auto& [k, v] : m) out[k] = v;
  return out;
}

// Go's strconv.FormatFloat(v, 'e', -1, 64), the alerts' value.
std::string FormatFloatE(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  return std::string(buf, r.ptr);
}

// Seconds as Go's encoding/json prints a float64: whole numbers without ".0".
Json Seconds(Duration d) {
  if (d.count() % 1000 == 0) return Json(d.count() / 1000);
  return Json(std::chrono::duration<double>(d).count());
}

Json AlertsArray(const rules::AlertingRule& rule) {
  Json out = Json::array();
  for (const rules::Alert& a : rule.ActiveAlerts()) {
    out.push_back({{"labels", LabelsObject(a.labels)},
                   {"annotations", LabelsObject(a.annotations)},
                   {"state", rules::AlertStateName(a.state)},
                   {"activeAt", Rfc3339(a.active_at)},
                   {"value", FormatFloatE(a.value)}});
  }
  return out;
}

Json RuleObject(const rules::Rule& rule) {
  rules::RuleStatus s = rule.status();
  Json out;
  if (rule.is_alert()) {
    const auto& alert = static_cast<const rules::AlertingRule&>(rule);
    out = {{"state", rules::AlertStateName(alert.state())},
           {"name", rule.name()},
           {"query", rule.query()},
           {"duration", Seconds(alert.hold_duration())},
           {"keepFiringFor", Seconds(alert.keep_firing_for())},
           {"labels", MapObject(rule.labels())},
           {"annotations", MapObject(alert.annotations())},
           {"alerts", AlertsArray(alert)},
           {"health", rules::RuleHealthName(s.health)}};
  } else {
    out = {{"name", rule.name()}, {"query", rule.query()}};
    if (!rule.labels().empty()) out["labels"] = MapObject(rule.labels());
    out["health"] = rules::RuleHealthName(s.health);
  }
  if (!s.last_error.empty()) out["lastError"] = s.last_error;
  out["evaluationTime"] = s.evaluation_seconds;
  out["lastEvaluation"] = Rfc3339(s.last_evaluation);
  out["type"] = rule.is_alert() ? "alerting" : "recording";
  return out;
}

std::string Success(Json data) {
  return Json{{"status", "success"}, {"data", std::move(data)}}.dump();
}

}  // namespace

ApiBody RulesJson(const std::vector<std::shared_ptr<const rules::Group>>& groups,
                  std::string_view type) {
  std::string t;
  for (char c : type) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!t.empty() && t != "alert" && t != "record") {
    Json err = {{"status", "error"},
                {"errorType", "bad_data"},
                {"error", "invalid parameter \"type\": not supported value \"" + t + "\""}};
    return {400, err.dump()};
  }
  Json list = Json::array();
  for (const auto& g : groups) {
    Json rules = Json::array();
    for (const auto& r : g->rules()) {
      if ((r->is_alert() && t == "record") || (!r->is_alert() && t == "alert")) continue;
      rules.push_back(RuleObject(*r));
    }
    rules::GroupStatus s = g->status();
    list.push_back({{"name", g->name()},
                    {"file", g->file()},
                    {"rules", std::move(rules)},
                    {"interval", Seconds(g->interval())},
                    {"limit", g->limit()},
                    {"evaluationTime", s.evaluation_seconds},
                    {"lastEvaluation", Rfc3339(s.last_evaluation)}});
  }
  return {200, Success({{"groups", std::move(list)}})};
}

std::string AlertsJson(const std::vector<std::shared_ptr<const rules::Group>>& groups) {
  Json alerts = Json::array();
  for (const auto& g : groups) {
    for (const auto& r : g->rules()) {
      if (!r->is_alert()) continue;
      for (Json& a : AlertsArray(static_cast<const rules::AlertingRule&>(*r))) {
        alerts.push_back(std::move(a));
      }
    }
  }
  return Success({{"alerts", std::move(alerts)}});
}

void AddRulesRoutes(const rules::Manager* manager, http::Router* router) {
  router->HandleSync({"GET", "POST"}, "/api/v1/rules", [manager](const http::Request& r) {
    ApiBody body = RulesJson(manager->Groups(), r.FormValue("type"));
    return http::Response::Json(body.status, std::move(body.json));
  });
  router->HandleSync({"GET", "POST"}, "/api/v1/alerts", [manager](const http::Request&) {
    return http::Response::Json(200, AlertsJson(manager->Groups()));
  });
}

}  // namespace vigil::app
