#include "api_alertmanager.h"

#include <algorithm>
#include <optional>

#include "api_alertmanager_json.h"
#include "vigil/base/build_info.h"
#include "vigil/base/log.h"

namespace vigil::app {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

http::Response JsonResponse(int status, const ordered_json& body) {
  return http::Response::Json(status, body.dump());
}

// Alertmanager answers client errors with the message as a JSON string.
http::Response Error(int status, const std::string& message) {
  return http::Response::Json(status, json(message).dump());
}

// A boolean query parameter, true unless given as "false".
Result<bool> BoolParam(const http::Request& r, std::string_view name) {
  std::string_view v = r.QueryParam(name);
  if (v.empty() || v == "true") return true;
  if (v == "false") return false;
  return InvalidArgument(std::string(name) + " must be true or false, got \"" + std::string(v) +
                         "\"");
}

std::vector<std::string> QueryValues(const http::Request& r, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : r.query) {
    if (k == name) out.push_back(v);
  }
  return out;
}

bool LabelsMatch(const std::vector<model::Matcher>& matchers, const model::Labels& labels) {
  return std::all_of(matchers.begin(), matchers.end(),
                     [&](const model::Matcher& m) { return m.Matches(labels.Get(m.name())); });
}

// The filters GET /api/v2/alerts and /alerts/groups take.
struct AlertFilter {
  bool active = true;
  bool silenced = true;
  bool inhibited = true;
  std::vector<model::Matcher> matchers;
  std::optional<model::Matcher> receiver;  // anchored regex; unset: any

  static Result<AlertFilter> From(const http::Request& r) {
    AlertFilter f;
    VIGIL_ASSIGN_OR_RETURN(f.active, BoolParam(r, "active"));
    VIGIL_ASSIGN_OR_RETURN(f.silenced, BoolParam(r, "silenced"));
    VIGIL_ASSIGN_OR_RETURN(f.inhibited, BoolParam(r, "inhibited"));
    VIGIL_RETURN_IF_ERROR(BoolParam(r, "unprocessed").status());
    VIGIL_ASSIGN_OR_RETURN(f.matchers, ParseFilterMatchers(QueryValues(r, "filter")));
    if (std::string_view re = r.QueryParam("receiver"); !re.empty()) {
      Result<model::Matcher> m =
          model::Matcher::Make(model::MatchType::kRegexMatch, "receiver", std::string(re));
      if (!m.ok())
        return InvalidArgument("failed to parse receiver param: " + m.status().message());
      f.receiver = std::move(*m);
    }
    return f;
  }

  bool Keep(const notify::AlertSnapshot& v) const {
    if (receiver && std::none_of(v.receivers.begin(), v.receivers.end(),
                                 [&](const std::string& n) { return receiver->Matches(n); })) {
      return false;
    }
    if (!LabelsMatch(matchers, v.alert.labels)) return false;
    bool suppressed = !v.silenced_by.empty() || !v.inhibited_by.empty();
    if (!active && !suppressed) return false;
    if (!silenced && !v.silenced_by.empty()) return false;
    if (!inhibited && !v.inhibited_by.empty()) return false;
    return true;
  }
};

void AddAlertRoutes(const AlertmanagerApiContext& ctx, http::Router* router) {
  router->HandleSync({"GET"}, "/api/v2/alerts", [ctx](const http::Request& r) {
    Result<AlertFilter> filter = AlertFilter::From(r);
    if (!filter.ok()) return Error(400, filter.status().message());
    ordered_json out = ordered_json::array();
    for (const notify::AlertSnapshot& v : ctx.dispatcher->Alerts()) {
      if (filter->Keep(v)) out.push_back(GettableAlertJson(v));
    }
    return JsonResponse(200, out);
  });

  router->HandleSync({"POST"}, "/api/v2/alerts", [ctx](const http::Request& r) {
    json body = json::parse(r.body, nullptr, false);
    if (!body.is_array()) return Error(400, "the body must be a JSON array of alerts");
    std::vector<notify::Alert> valid;
    std::string errors;
    for (const json& item : body) {
      Result<notify::Alert> a = PostableAlertFromJson(item);
      Status s = a.ok() ? notify::ValidateAlert(*a) : a.status();
      if (!s.ok()) {
        if (!errors.empty()) errors += "; ";
        errors += s.message();
        continue;
      }
      valid.push_back(std::move(*a));
    }
    // As Alertmanager: the valid alerts are taken even when others are not.
    if (!valid.empty()) ctx.dispatcher->Send(std::move(valid));
    if (!errors.empty()) return Error(400, errors);
    return http::Response::Json(200, "");
  });

  router->HandleSync({"GET"}, "/api/v2/alerts/groups", [ctx](const http::Request& r) {
    Result<AlertFilter> filter = AlertFilter::From(r);
    if (!filter.ok()) return Error(400, filter.status().message());
    ordered_json out = ordered_json::array();
    for (const notify::GroupSnapshot& g : ctx.dispatcher->Groups()) {
      ordered_json alerts = ordered_json::array();
      for (const notify::AlertSnapshot& v : g.alerts) {
        if (filter->Keep(v)) alerts.push_back(GettableAlertJson(v));
      }
      if (alerts.empty()) continue;
      ordered_json labels = ordered_json::object();
      for (const model::Label& l : g.labels) labels[std::string(l.name)] = std::string(l.value);
      out.push_back({{"alerts", std::move(alerts)},
                     {"labels", std::move(labels)},
                     {"receiver", {{"name", g.receiver}}}});
    }
    return JsonResponse(200, out);
  });
}

// Alertmanager's order: active (soonest end first), pending (soonest start
// first), expired (latest end first).
void SortSilences(std::vector<notify::Silence>* silences, int64_t now) {
  std::stable_sort(silences->begin(), silences->end(),
                   [now](const notify::Silence& a, const notify::Silence& b) {
                     auto rank = [now](const notify::Silence& s) {
                       switch (s.StateAt(now)) {
                         case notify::SilenceState::kActive:
                           return 0;
                         case notify::SilenceState::kPending:
                           return 1;
                         case notify::SilenceState::kExpired:
                           return 2;
                       }
                       return 2;
                     };
                     int ra = rank(a), rb = rank(b);
                     if (ra != rb) return ra < rb;
                     if (ra == 0) return a.ends_at_ms < b.ends_at_ms;
                     if (ra == 1) return a.starts_at_ms < b.starts_at_ms;
                     return a.ends_at_ms > b.ends_at_ms;
                   });
}

// Alertmanager's silence filter: each filter matcher must match the value
// of the silence's matcher of the same name.
bool SilenceMatchesFilter(const notify::Silence& s, const std::vector<model::Matcher>& filter) {
  for (const model::Matcher& f : filter) {
    auto it = std::find_if(s.matchers.begin(), s.matchers.end(),
                           [&](const model::Matcher& m) { return m.name() == f.name(); });
    if (it == s.matchers.end() || !f.Matches(it->value())) return false;
  }
  return true;
}

void AddSilenceRoutes(const AlertmanagerApiContext& ctx, http::Router* router) {
  router->HandleSync({"GET"}, "/api/v2/silences", [ctx](const http::Request& r) {
    Result<std::vector<model::Matcher>> filter = ParseFilterMatchers(QueryValues(r, "filter"));
    if (!filter.ok()) return Error(400, filter.status().message());
    int64_t now = ctx.clock->Now();
    std::vector<notify::Silence> silences = ctx.silences->List();
    SortSilences(&silences, now);
    ordered_json out = ordered_json::array();
    for (const notify::Silence& s : silences) {
      if (SilenceMatchesFilter(s, *filter)) out.push_back(GettableSilenceJson(s, now));
    }
    return JsonResponse(200, out);
  });

  router->HandleSync({"GET"}, "/api/v2/silence/:id", [ctx](const http::Request& r) {
    Result<notify::Silence> s = ctx.silences->Get(r.path_params.at("id"));
    if (!s.ok()) return Error(404, s.status().message());
    return JsonResponse(200, GettableSilenceJson(*s, ctx.clock->Now()));
  });

  router->Handle(
      {"POST"}, "/api/v2/silences", [ctx](const http::Request& r, http::Respond respond) {
        json body = json::parse(r.body, nullptr, false);
        Result<notify::Silence> silence = PostableSilenceFromJson(body);
        if (!silence.ok()) {
          respond(Error(400, silence.status().message()));
          return;
        }
        ctx.workers->Post(
            [ctx, silence = std::move(*silence), respond = std::move(respond)]() mutable {
              Result<std::string> id = ctx.silences->Set(std::move(silence));
              if (!id.ok()) {
                int code = id.status().code() == StatusCode::kNotFound          ? 404
                           : id.status().code() == StatusCode::kInvalidArgument ? 400
                                                                                : 500;
                respond(Error(code, "failed to create silence: " + id.status().message()));
                return;
              }
              log::Info("Silence set", {{"id", *id}});
              respond(JsonResponse(200, {{"silenceID", *id}}));
            });
      });

  router->Handle(
      {"DELETE"}, "/api/v2/silence/:id", [ctx](const http::Request& r, http::Respond respond) {
        ctx.workers->Post([ctx, id = r.path_params.at("id"), respond = std::move(respond)] {
          Status s = ctx.silences->Expire(id);
          if (s.code() == StatusCode::kNotFound) {
            respond(Error(404, s.message()));
          } else if (!s.ok()) {
            respond(Error(500, s.message()));
          } else {
            log::Info("Silence expired", {{"id", id}});
            respond(http::Response::Json(200, ""));
          }
        });
      });
}

void AddStatusRoutes(const AlertmanagerApiContext& ctx, http::Router* router) {
  router->HandleSync({"GET"}, "/api/v2/status", [ctx](const http::Request&) {
    std::shared_ptr<const config::Config> c = ctx.config();
    std::string original =
        c && c->notifications ? config::RenderNotificationConfigYaml(*c->notifications) : "";
    ordered_json body = {
        {"cluster", {{"name", ""}, {"peers", ordered_json::array()}, {"status", "disabled"}}},
        {"config", {{"original", original}}},
        {"uptime", FormatDateTime(ctx.start_ms)},
        {"versionInfo",
         {{"branch", ""},
          {"buildDate", ""},
          {"buildUser", ""},
          {"goVersion", std::string(build_info::Compiler())},
          {"revision", std::string(build_info::Revision())},
          {"version", std::string(build_info::Version())}}}};
    return JsonResponse(200, body);
  });

  router->HandleSync({"GET"}, "/api/v2/receivers", [ctx](const http::Request&) {
    std::shared_ptr<const config::Config> c = ctx.config();
    ordered_json out = ordered_json::array();
    if (c && c->notifications) {
      for (const config::Receiver& r : c->notifications->receivers)
        out.push_back({{"name", r.name}});
    }
    return JsonResponse(200, out);
  });
}

}  // namespace

void AddAlertmanagerRoutes(const AlertmanagerApiContext& ctx, http::Router* router) {
  AddAlertRoutes(ctx, router);
  AddSilenceRoutes(ctx, router);
  AddStatusRoutes(ctx, router);
}

}  // namespace vigil::app
