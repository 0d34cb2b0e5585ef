// Receiver kinds that Alertmanager 0.25 has but vigil does not deliver to.
//
// Decision: such configs are not refused. The Alertmanager conformance corpus
// (../shared/conformance/alertmanager/config/EXPECTED.tsv) marks files valid
// that use pagerduty, opsgenie, victorops, pushover and sns receivers, and a
// user's existing alertmanager.yml should pass `vigil check` exactly when it
// passes `amtool check-config`. So each kind is judged as Alertmanager 0.25
// judges it (its keys, its required fields, its global fallbacks, with
// Alertmanager's messages) and is kept as an UnsupportedReceiverConfig; the
// notifier reports those receivers as unsupported instead of sending.
// Kinds newer than Alertmanager 0.25 (msteams, jira, ...) are refused.
#include <cctype>
#include <initializer_list>
#include <map>
#include <optional>

#include "internal.h"

namespace vigil::config::internal {
namespace {

using Values = std::map<std::string, std::string, std::less<>>;

// Reads each key as a string into *values (missing keys read as "").
void Strings(MapReader& r, std::initializer_list<std::string_view> keys, Values* values) {
  for (std::string_view key : keys) r.String(key, &(*values)[std::string(key)]);
}

void Urls(MapReader& r, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    std::string url;
    if (r.String(key, &url) && url != kSecretToken) {
      if (std::string err = CheckHttpUrl(url); !err.empty()) r.Error(key, err);
    }
  }
}

using Http = std::optional<HttpClientConfig>;

// The keys every kind has; returns http_config when set.
Http Common(MapReader& r) {
  bool send_resolved = false;
  r.Bool("send_resolved", &send_resolved);
  HttpClientConfig http;
  if (!DecodeHttpClientObject(r, "http_config", &http)) return std::nullopt;
  return http;
}

void Pagerduty(MapReader& r, const NotificationGlobalConfig&, const Http&) {
  Values v;
  Strings(r,
          {"service_key", "service_key_file", "routing_key", "routing_key_file", "client",
           "client_url", "description", "source", "severity", "class", "component", "group"},
          &v);
  Urls(r, {"url"});
  std::map<std::string, std::string> details;
  r.StringMap("details", &details);
  auto link_list = [&r](std::string_view key, std::initializer_list<std::string_view> keys) {
    std::vector<int> unused;
    r.List(key, &unused, [&](const YAML::Node& n, const YAML::Mark& m, const std::string& p, int*) {
      MapReader item(r.decoder(), n, m, p);
      Values ignored;
      if (item.is_map()) Strings(item, keys, &ignored);
      item.Done();
    });
  };
  link_list("images", {"src", "alt", "href"});
  link_list("links", {"href", "text"});
  if (v["routing_key"].empty() && v["service_key"].empty() && v["routing_key_file"].empty() &&
      v["service_key_file"].empty()) {
    r.ErrorHere("missing service or routing key in PagerDuty config");
  }
  if (!v["routing_key"].empty() && !v["routing_key_file"].empty()) {
    r.ErrorHere("at most one of routing_key & routing_key_file must be configured");
  }
  if (!v["service_key"].empty() && !v["service_key_file"].empty()) {
    r.ErrorHere("at most one of service_key & service_key_file must be configured");
  }
}

void Opsgenie(MapReader& r, const NotificationGlobalConfig& g, const Http&) {
  Values v;
  Strings(r,
          {"api_key", "api_key_file", "message", "description", "source", "entity", "actions",
           "tags", "note", "priority"},
          &v);
  Urls(r, {"api_url"});
  std::map<std::string, std::string> details;
  r.StringMap("details", &details);
  bool update_alerts = false;
  r.Bool("update_alerts", &update_alerts);
  std::vector<int> responders;
  r.List("responders", &responders,
         [&r](const YAML::Node& n, const YAML::Mark& m, const std::string& p, int*) {
           MapReader item(r.decoder(), n, m, p);
           if (!item.is_map()) return;
           Values rv;
           Strings(item, {"id", "name", "username", "type"}, &rv);
           item.Done();
           if (rv["id"].empty() && rv["name"].empty() && rv["username"].empty()) {
             item.ErrorHere(
                 "opsGenieConfig responder has to have at least one of id, username "
                 "or name specified");
           }
           std::string type;
           for (char c : rv["type"]) {
             type += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
           }
           if (rv["type"].find("{{") == std::string::npos && type != "team" && type != "teams" &&
               type != "user" && type != "escalation" && type != "schedule") {
             item.Error("type", "opsGenieConfig responder type " + Quote(rv["type"]) +
                                    " does not match valid options "
                                    "^(team|teams|user|escalation|schedule)$");
           }
         });
  if (!v["api_key"].empty() && !v["api_key_file"].empty()) {
    r.ErrorHere("at most one of api_key & api_key_file must be configured");
  }
  if (v["api_key"].empty() && v["api_key_file"].empty() && g.opsgenie_api_key.empty() &&
      g.opsgenie_api_key_file.empty()) {
    r.ErrorHere("no global OpsGenie API Key set either inline or in a file");
  }
}

void Victorops(MapReader& r, const NotificationGlobalConfig& g, const Http&) {
  Values v;
  Strings(r,
          {"api_key", "api_key_file", "routing_key", "message_type", "state_message",
           "entity_display_name", "monitoring_tool"},
          &v);
  Urls(r, {"api_url"});
  std::map<std::string, std::string> custom;
  r.StringMap("custom_fields", &custom);
  if (v["routing_key"].empty()) r.ErrorHere("missing Routing key in VictorOps config");
  if (!v["api_key"].empty() && !v["api_key_file"].empty()) {
    r.ErrorHere("at most one of api_key & api_key_file must be configured");
  }
  for (std::string_view reserved :
       {"routing_key", "message_type", "state_message", "entity_display_name", "monitoring_tool",
        "entity_id", "entity_state"}) {
    if (custom.count(std::string(reserved)) != 0) {
      r.Error("custom_fields", "victorOps config contains custom field " + std::string(reserved) +
                                   " which cannot be used as it conflicts with the fixed/static "
                                   "fields");
    }
  }
  if (v["api_key"].empty() && v["api_key_file"].empty() && g.victorops_api_key.empty() &&
      g.victorops_api_key_file.empty()) {
    r.ErrorHere("no global VictorOps API Key set");
  }
}

void Pushover(MapReader& r, const NotificationGlobalConfig&, const Http&) {
  Values v;
  Strings(r,
          {"user_key", "user_key_file", "token", "token_file", "title", "message", "url",
           "url_title", "device", "sound", "priority", "retry", "expire", "ttl"},
          &v);
  bool html = false;
  bool monospace = false;
  r.Bool("html", &html);
  r.Bool("monospace", &monospace);
  if (v["user_key"].empty() && v["user_key_file"].empty()) {
    r.ErrorHere("missing user key in Pushover config");
  }
  if (!v["user_key"].empty() && !v["user_key_file"].empty()) {
    r.ErrorHere("at most one of user_key & user_key_file must be configured");
  }
  if (v["token"].empty() && v["token_file"].empty()) {
    r.ErrorHere("missing token in Pushover config");
  }
  if (!v["token"].empty() && !v["token_file"].empty()) {
    r.ErrorHere("at most one of token & token_file must be configured");
  }
  if (html && monospace) r.ErrorHere("at most one of monospace & html must be configured");
}

void Sns(MapReader& r, const NotificationGlobalConfig&, const Http&) {
  Values v;
  Strings(r, {"api_url", "topic_arn", "phone_number", "target_arn", "subject", "message"}, &v);
  r.Object("sigv4", [](MapReader& s) {
    Values ignored;
    Strings(s, {"region", "access_key", "secret_key", "profile", "role_arn"}, &ignored);
  });
  std::map<std::string, std::string> attributes;
  r.StringMap("attributes", &attributes);
  // Alertmanager's exact test, ((target == "") != (topic == "")) != (phone == ""):
  // one of the three, or (oddly) all three.
  if (((v["target_arn"].empty() != v["topic_arn"].empty()) != v["phone_number"].empty())) {
    r.ErrorHere("must provide either a Target ARN, Topic ARN, or Phone Number for SNS config");
  }
}

void Wechat(MapReader& r, const NotificationGlobalConfig& g, const Http&) {
  Values v;
  Strings(r,
          {"api_secret", "corp_id", "message", "to_user", "to_party", "to_tag", "agent_id",
           "message_type"},
          &v);
  Urls(r, {"api_url"});
  const std::string& type = v["message_type"];
  if (!type.empty() && type != "text" && type != "markdown") {
    r.Error("message_type", "weChat message type " + Quote(type) +
                                " does not match valid options ^(text|markdown)$");
  }
  if (v["api_secret"].empty() && g.wechat_api_secret.empty()) {
    r.ErrorHere("no global Wechat ApiSecret set");
  }
  if (v["corp_id"].empty() && g.wechat_api_corp_id.empty()) {
    r.ErrorHere("no global Wechat CorpID set");
  }
}

void Telegram(MapReader& r, const NotificationGlobalConfig&, const Http&) {
  Values v;
  Strings(r, {"bot_token", "message", "parse_mode"}, &v);
  Urls(r, {"api_url"});
  int64_t chat_id = 0;
  r.Int("chat_id", &chat_id);
  bool disable = false;
  r.Bool("disable_notifications", &disable);
  if (v["bot_token"].empty()) r.ErrorHere("missing bot_token on telegram_config");
  if (chat_id == 0) r.ErrorHere("missing chat_id on telegram_config");
  const std::string& mode = v["parse_mode"];
  if (!mode.empty() && mode != "Markdown" && mode != "MarkdownV2" && mode != "HTML") {
    r.Error("parse_mode",
            "unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, "
            "HTML or empty string");
  }
}

void Webex(MapReader& r, const NotificationGlobalConfig&, const Http& http) {
  Values v;
  Strings(r, {"message", "room_id"}, &v);
  Urls(r, {"api_url"});
  if (v["room_id"].empty()) r.ErrorHere("missing room_id on webex_config");
  if (!http || !http->authorization) {
    r.ErrorHere("missing webex_configs.http_config.authorization");
  }
}

void Discord(MapReader& r, const NotificationGlobalConfig&, const Http&) {
  Values v;
  Strings(r, {"title", "message"}, &v);
  Urls(r, {"webhook_url"});
  if (!r.Has("webhook_url") || IsNullNode(r.Get("webhook_url"))) {
    r.ErrorHere("missing webhook_url in discord config");
  }
}

using KindDecoder = void (*)(MapReader&, const NotificationGlobalConfig&, const Http&);

}  // namespace

void DecodeUnsupportedReceivers(MapReader& r, const NotificationGlobalConfig& global,
                                Receiver* out) {
  static const std::pair<std::string_view, KindDecoder> kKinds[] = {
      {"pagerduty_configs", Pagerduty},
      {"opsgenie_configs", Opsgenie},
      {"victorops_configs", Victorops},
      {"pushover_configs", Pushover},
      {"sns_configs", Sns},
      {"wechat_configs", Wechat},
      {"telegram_configs", Telegram},
      {"webex_configs", Webex},
      {"discord_configs", Discord},
  };
  for (const auto& [kind, decode] : kKinds) {
    std::vector<UnsupportedReceiverConfig> configs;
    r.List(kind, &configs,
           [&, kind = kind, decode = decode](const YAML::Node& n, const YAML::Mark& m,
                                             const std::string& p, UnsupportedReceiverConfig* c) {
             c->kind = std::string(kind);
             c->line = m.line + 1;
             MapReader item(r.decoder(), n, m, p);
             if (!item.is_map()) return;
             Http http = Common(item);
             decode(item, global, http);
             item.Done();
           });
    out->unsupported_configs.insert(out->unsupported_configs.end(), configs.begin(), configs.end());
  }
  for (std::string_view newer :
       {"msteams_configs", "msteamsv2_configs", "jira_configs", "rocketchat_configs",
        "incidentio_configs", "mattermost_configs"}) {
    r.Unsupported(newer, " (it is newer than Alertmanager 0.25, the format vigil reads)");
  }
}

}  // namespace vigil::config::internal
