#include "state_json.h"

namespace vigil::notify {

using nlohmann::json;

json LabelsToJson(const model::Labels& labels) {
  json out = json::object();
  for (const model::Label& l : labels) out[std::string(l.name)] = std::string(l.value);
  return out;
}

Result<model::Labels> LabelsFromJson(const json& j) {
  if (!j.is_object()) return InvalidArgument("labels must be an object");
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [k, v] : j.items()) {
    if (!v.is_string()) return InvalidArgument("label " + k + " must be a string");
    pairs.emplace_back(k, v.get<std::string>());
  }
  return model::Labels::FromPairs(std::move(pairs));
}

json AlertToJson(const Alert& alert) {
  return {{"labels", LabelsToJson(alert.labels)},
          {"annotations", LabelsToJson(alert.annotations)},
          {"startsAt", alert.starts_at_ms},
          {"endsAt", alert.ends_at_ms},
          {"generatorURL", alert.generator_url}};
}

Result<Alert> AlertFromJson(const json& j) {
  if (!j.is_object()) return InvalidArgument("alert must be an object");
  Alert a;
  VIGIL_ASSIGN_OR_RETURN(a.labels, LabelsFromJson(j.value("labels", json::object())));
  VIGIL_ASSIGN_OR_RETURN(a.annotations, LabelsFromJson(j.value("annotations", json::object())));
  a.starts_at_ms = j.value("startsAt", int64_t{0});
  a.ends_at_ms = j.value("endsAt", int64_t{0});
  a.generator_url = j.value("generatorURL", std::string());
  return a;
}

json MatcherToJson(const model::Matcher& m) {
  return {{"name", m.name()},
          {"type", std::string(model::MatchTypeString(m.type()))},
          {"value", m.value()}};
}

Result<model::Matcher> MatcherFromJson(const json& j) {
  if (!j.is_object()) return InvalidArgument("matcher must be an object");
  std::string type = j.value("type", std::string());
  model::MatchType t;
  if (type == "=") {
    t = model::MatchType::kEqual;
  } else if (type == "!=") {
    t = model::MatchType::kNotEqual;
  } else if (type == "=~") {
    t = model::MatchType::kRegexMatch;
  } else if (type == "!~") {
    t = model::MatchType::kRegexNoMatch;
  } else {
    return InvalidArgument("unknown matcher type \"" + type + "\"");
  }
  return model::Matcher::Make(t, j.value("name", std::string()), j.value("value", std::string()));
}

json SilenceToJson(const Silence& s) {
  json matchers = json::array();
  for (const model::Matcher& m : s.matchers) matchers.push_back(MatcherToJson(m));
  return {{"id", s.id},
          {"matchers", std::move(matchers)},
          {"startsAt", s.starts_at_ms},
          {"endsAt", s.ends_at_ms},
          {"updatedAt", s.updated_at_ms},
          {"createdBy", s.created_by},
          {"comment", s.comment}};
}

Result<Silence> SilenceFromJson(const json& j) {
  if (!j.is_object()) return InvalidArgument("silence must be an object");
  Silence s;
  s.id = j.value("id", std::string());
  if (s.id.empty()) return InvalidArgument("silence without an id");
  for (const json& m : j.value("matchers", json::array())) {
    VIGIL_ASSIGN_OR_RETURN(model::Matcher matcher, MatcherFromJson(m));
    s.matchers.push_back(std::move(matcher));
  }
  s.starts_at_ms = j.value("startsAt", int64_t{0});
  s.ends_at_ms = j.value("endsAt", int64_t{0});
  s.updated_at_ms = j.value("updatedAt", int64_t{0});
  s.created_by = j.value("createdBy", std::string());
  s.comment = j.value("comment", std::string());
  return s;
}

}  // namespace vigil::notify
