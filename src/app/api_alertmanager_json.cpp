#include "api_alertmanager_json.h"

#include <ctime>

#include "api_query.h"
#include "vigil/config/notifications.h"

namespace vigil::app {

using nlohmann::json;
using nlohmann::ordered_json;

std::string FormatDateTime(int64_t ms) {
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  int millis = static_cast<int>(ms - secs * 1000);
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

namespace {

ordered_json LabelsJson(const model::Labels& labels) {
  ordered_json out = ordered_json::object();
  for (const model::Label& l : labels) out[std::string(l.name)] = std::string(l.value);
  return out;
}

Result<model::Labels> LabelsFrom(const json& j, const char* field) {
  if (j.is_null()) return model::Labels();
  if (!j.is_object()) return InvalidArgument(std::string(field) + " must be an object");
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [k, v] : j.items()) {
    if (!v.is_string()) return InvalidArgument(std::string(field) + "." + k + " must be a string");
    pairs.emplace_back(k, v.get<std::string>());
  }
  return model::Labels::FromPairs(std::move(pairs));
}

Result<int64_t> TimeFrom(const json& j, const char* field) {
  if (!j.contains(field) || j[field].is_null()) return int64_t{0};
  if (!j[field].is_string()) return InvalidArgument(std::string(field) + " must be a date-time");
  std::string s = j[field].get<std::string>();
  // Go's zero time, which some clients send for "unset".
  if (s.rfind("0001-01-01T00:00:00", 0) == 0) return int64_t{0};
  Result<TimestampMs> t = ParseTimeParam(s);
  if (!t.ok()) return InvalidArgument(std::string(field) + ": " + t.status().message());
  return *t;
}

}  // namespace

ordered_json GettableAlertJson(const notify::AlertSnapshot& v) {
  ordered_json receivers = ordered_json::array();
  for (const std::string& r : v.receivers) receivers.push_back({{"name", r}});
  bool suppressed = !v.silenced_by.empty() || !v.inhibited_by.empty();
  return {{"annotations", LabelsJson(v.alert.annotations)},
          {"endsAt", FormatDateTime(v.alert.ends_at_ms)},
          {"fingerprint", notify::FingerprintString(v.fingerprint)},
          {"receivers", std::move(receivers)},
          {"startsAt", FormatDateTime(v.alert.starts_at_ms)},
          {"status",
           {{"inhibitedBy", v.inhibited_by},
            {"silencedBy", v.silenced_by},
            {"state", suppressed ? "suppressed" : "active"}}},
          {"updatedAt", FormatDateTime(v.updated_at_ms)},
          {"generatorURL", v.alert.generator_url},
          {"labels", LabelsJson(v.alert.labels)}};
}

ordered_json GettableSilenceJson(const notify::Silence& s, int64_t now_ms) {
  ordered_json matchers = ordered_json::array();
  for (const model::Matcher& m : s.matchers) {
    bool regex =
        m.type() == model::MatchType::kRegexMatch || m.type() == model::MatchType::kRegexNoMatch;
    bool equal = m.type() == model::MatchType::kEqual || m.type() == model::MatchType::kRegexMatch;
    matchers.push_back(
        {{"isEqual", equal}, {"isRegex", regex}, {"name", m.name()}, {"value", m.value()}});
  }
  return {{"id", s.id},
          {"status", {{"state", std::string(notify::SilenceStateName(s.StateAt(now_ms)))}}},
          {"updatedAt", FormatDateTime(s.updated_at_ms)},
          {"comment", s.comment},
          {"createdBy", s.created_by},
          {"endsAt", FormatDateTime(s.ends_at_ms)},
          {"matchers", std::move(matchers)},
          {"startsAt", FormatDateTime(s.starts_at_ms)}};
}

Result<notify::Alert> PostableAlertFromJson(const json& j) {
  if (!j.is_object()) return InvalidArgument("an alert must be an object");
  notify::Alert a;
  VIGIL_ASSIGN_OR_RETURN(a.labels, LabelsFrom(j.value("labels", json()), "labels"));
  VIGIL_ASSIGN_OR_RETURN(a.annotations, LabelsFrom(j.value("annotations", json()), "annotations"));
  VIGIL_ASSIGN_OR_RETURN(a.starts_at_ms, TimeFrom(j, "startsAt"));
  VIGIL_ASSIGN_OR_RETURN(a.ends_at_ms, TimeFrom(j, "endsAt"));
  if (j.contains("generatorURL") && j["generatorURL"].is_string()) {
    a.generator_url = j["generatorURL"].get<std::string>();
  }
  return a;
}

Result<notify::Silence> PostableSilenceFromJson(const json& j) {
  if (!j.is_object()) return InvalidArgument("a silence must be an object");
  notify::Silence s;
  if (j.contains("id") && j["id"].is_string()) s.id = j["id"].get<std::string>();
  if (!j.contains("matchers") || !j["matchers"].is_array()) {
    return InvalidArgument("matchers in body is required");
  }
  for (const json& m : j["matchers"]) {
    if (!m.is_object() || !m.contains("name") || !m["name"].is_string() || !m.contains("value") ||
        !m["value"].is_string()) {
      return InvalidArgument("a matcher needs a string name and value");
    }
    bool regex = m.value("isRegex", false);
    bool equal = m.value("isEqual", true);
    model::MatchType type =
        regex ? (equal ? model::MatchType::kRegexMatch : model::MatchType::kRegexNoMatch)
              : (equal ? model::MatchType::kEqual : model::MatchType::kNotEqual);
    Result<model::Matcher> matcher =
        model::Matcher::Make(type, m["name"].get<std::string>(), m["value"].get<std::string>());
    if (!matcher.ok()) return InvalidArgument("invalid matcher: " + matcher.status().message());
    s.matchers.push_back(std::move(*matcher));
  }
  VIGIL_ASSIGN_OR_RETURN(s.starts_at_ms, TimeFrom(j, "startsAt"));
  VIGIL_ASSIGN_OR_RETURN(s.ends_at_ms, TimeFrom(j, "endsAt"));
  if (s.starts_at_ms == 0) return InvalidArgument("startsAt in body is required");
  if (s.ends_at_ms == 0) return InvalidArgument("endsAt in body is required");
  s.created_by = j.value("createdBy", "");
  s.comment = j.value("comment", "");
  return s;
}

Result<std::vector<model::Matcher>> ParseFilterMatchers(const std::vector<std::string>& values) {
  std::vector<model::Matcher> out;
  for (const std::string& v : values) {
    Result<std::vector<model::Matcher>> ms = config::ParseAlertmanagerMatchers(v);
    if (!ms.ok()) return InvalidArgument("bad matcher format: " + ms.status().message());
    for (model::Matcher& m : *ms) out.push_back(std::move(m));
  }
  return out;
}

}  // namespace vigil::app
