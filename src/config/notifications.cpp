// An Alertmanager 0.25 config: the top level and `global`, checked as
// Alertmanager's config.Config.UnmarshalYAML does (config/config.go).
#include <map>

#include "internal.h"

namespace vigil::config::internal {
namespace {

// A URL-valued Secret: checked, but never quoted in messages. "<secret>" is
// accepted so that a rendered config loads back, as Alertmanager allows.
void SecretUrl(MapReader& r, std::string_view key, Secret* out) {
  if (!r.Secret(key, out) || out->Reveal() == kSecretToken) return;
  if (std::string err = CheckHttpUrl(out->Reveal()); !err.empty()) r.Error(key, err);
}

void Url(MapReader& r, std::string_view key, std::string* out) {
  if (!r.String(key, out)) return;
  if (std::string err = CheckHttpUrl(*out); !err.empty()) r.Error(key, err);
}

void AtMostOne(MapReader& r, bool a, bool b, std::string_view key_a, std::string_view key_b) {
  if (a && b) {
    r.Error(key_b, "at most one of " + std::string(key_a) + " & " + std::string(key_b) +
                       " must be configured");
  }
}

void DecodeGlobal(MapReader& g, NotificationGlobalConfig* out) {
  g.Duration("resolve_timeout", &out->resolve_timeout);
  DecodeHttpClientObject(g, "http_config", &out->http_config);
  g.String("smtp_from", &out->smtp_from);
  std::string smarthost;
  if (g.String("smtp_smarthost", &smarthost) && !smarthost.empty()) {
    if (std::string err = ParseHostPort(smarthost, &out->smtp_smarthost); !err.empty()) {
      g.Error("smtp_smarthost", err);
    }
  }
  g.String("smtp_hello", &out->smtp_hello);
  g.String("smtp_auth_username", &out->smtp_auth_username);
  g.Secret("smtp_auth_password", &out->smtp_auth_password);
  g.String("smtp_auth_password_file", &out->smtp_auth_password_file);
  g.Secret("smtp_auth_secret", &out->smtp_auth_secret);
  g.String("smtp_auth_identity", &out->smtp_auth_identity);
  g.Bool("smtp_require_tls", &out->smtp_require_tls);
  SecretUrl(g, "slack_api_url", &out->slack_api_url);
  g.String("slack_api_url_file", &out->slack_api_url_file);
  Url(g, "pagerduty_url", &out->pagerduty_url);
  Url(g, "opsgenie_api_url", &out->opsgenie_api_url);
  g.Secret("opsgenie_api_key", &out->opsgenie_api_key);
  g.String("opsgenie_api_key_file", &out->opsgenie_api_key_file);
  Url(g, "wechat_api_url", &out->wechat_api_url);
  g.Secret("wechat_api_secret", &out->wechat_api_secret);
  g.String("wechat_api_corp_id", &out->wechat_api_corp_id);
  Url(g, "victorops_api_url", &out->victorops_api_url);
  g.Secret("victorops_api_key", &out->victorops_api_key);
  g.String("victorops_api_key_file", &out->victorops_api_key_file);
  Url(g, "telegram_api_url", &out->telegram_api_url);
  Url(g, "webex_api_url", &out->webex_api_url);
  g.Done();

  AtMostOne(g, !out->slack_api_url.empty(), !out->slack_api_url_file.empty(), "slack_api_url",
            "slack_api_url_file");
  AtMostOne(g, !out->opsgenie_api_key.empty(), !out->opsgenie_api_key_file.empty(),
            "opsgenie_api_key", "opsgenie_api_key_file");
  AtMostOne(g, !out->victorops_api_key.empty(), !out->victorops_api_key_file.empty(),
            "victorops_api_key", "victorops_api_key_file");
  AtMostOne(g, !out->smtp_auth_password.empty(), !out->smtp_auth_password_file.empty(),
            "smtp_auth_password", "smtp_auth_password_file");
}

// Reports the second and later entries of `list` whose `name` repeats.
template <typename T>
void CheckUniqueNames(MapReader& r, std::string_view key, const std::vector<T>& items,
                      std::string_view what, std::map<std::string, int>* seen) {
  const YAML::Node list = r.Get(key);
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].name.empty()) continue;
    YAML::Mark mark = KeyMarkOf(list[i], "name");
    auto [it, inserted] = seen->emplace(items[i].name, mark.line + 1);
    if (!inserted) {
      r.decoder().Error(mark, r.KeyPath(key) + "[" + std::to_string(i) + "].name",
                        std::string(what) + " " + Quote(items[i].name) +
                            " is not unique (first at line " + std::to_string(it->second) + ")");
    }
  }
}

}  // namespace

std::string ParseHostPort(std::string_view text, HostPort* out) {
  const std::string prefix = "address " + Quote(text) + ": ";
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return prefix + "missing ']' in address";
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      return prefix + "missing port in address";
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return prefix + "missing port in address";
    host = text.substr(0, colon);
    if (host.find(':') != std::string_view::npos) return prefix + "too many colons in address";
    port = text.substr(colon + 1);
  }
  if (port.empty()) return prefix + "port cannot be empty";
  out->host = std::string(host);
  out->port = std::string(port);
  return "";
}

void DecodeAlertmanagerConfig(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                              const std::string& path, NotificationConfig* out) {
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  r.Object("global", [&](MapReader& g) { DecodeGlobal(g, &out->global); });
  if (r.StringList("templates", &out->templates)) {
    for (std::string& t : out->templates) t = d.ResolvePath(t);
  }

  auto decode_interval = [&d](const YAML::Node& n, const YAML::Mark& m, const std::string& p,
                              NamedTimeInterval* ti) { DecodeNamedTimeInterval(d, n, m, p, ti); };
  r.List("mute_time_intervals", &out->mute_time_intervals, decode_interval);
  r.List("time_intervals", &out->time_intervals, decode_interval);
  std::map<std::string, int> interval_names;
  CheckUniqueNames(r, "mute_time_intervals", out->mute_time_intervals, "mute time interval",
                   &interval_names);
  CheckUniqueNames(r, "time_intervals", out->time_intervals, "time interval", &interval_names);

  r.List("receivers", &out->receivers,
         [&](const YAML::Node& n, const YAML::Mark& m, const std::string& p, Receiver* rcv) {
           DecodeReceiver(d, n, m, p, out->global, rcv);
         });
  std::map<std::string, int> receiver_names;
  CheckUniqueNames(r, "receivers", out->receivers, "notification config name", &receiver_names);

  std::vector<std::string> receivers;
  for (const auto& [name, line] : receiver_names) receivers.push_back(name);
  std::vector<std::string> intervals;
  for (const auto& [name, line] : interval_names) intervals.push_back(name);
  if (!r.Object("route", [&](MapReader& route) {
        DecodeRootRoute(route, receivers, intervals, &out->route);
      })) {
    if (!r.Has("route") || IsNullNode(r.Get("route"))) r.ErrorHere("no route provided in config");
  }
  r.List("inhibit_rules", &out->inhibit_rules,
         [&d](const YAML::Node& n, const YAML::Mark& m, const std::string& p, InhibitRule* ir) {
           DecodeInhibitRule(d, n, m, p, ir);
         });
  r.Done();
}

}  // namespace vigil::config::internal
