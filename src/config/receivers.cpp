// The receiver kinds vigil delivers to (email, Slack, webhook), checked as
// Alertmanager 0.25 does (config/notifiers.go) and completed with the global
// smtp_* / slack_api_url / http_config defaults (config/config.go).
#include <cctype>
#include <map>

#include "internal.h"

namespace vigil::config::internal {
namespace {

// Go's textproto.CanonicalMIMEHeaderKey: "content-type" -> "Content-Type";
// keys with characters outside the token set are returned unchanged.
std::string CanonicalHeader(std::string_view key) {
  for (char c : key) {
    if (c == ' ' || c == ':' || static_cast<unsigned char>(c) < 0x21 ||
        static_cast<unsigned char>(c) > 0x7e) {
      return std::string(key);
    }
  }
  std::string out(key);
  bool upper = true;
  for (char& c : out) {
    c = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(c))
                                : std::tolower(static_cast<unsigned char>(c)));
    upper = c == '-';
  }
  return out;
}

void SecretUrl(MapReader& r, std::string_view key, Secret* out) {
  if (!r.Secret(key, out) || out->Reveal() == kSecretToken) return;
  if (std::string err = CheckHttpUrl(out->Reveal()); !err.empty()) r.Error(key, err);
}

void DecodeEmail(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                 const std::string& path, const NotificationGlobalConfig& g, EmailConfig* out) {
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  r.Bool("send_resolved", &out->send_resolved);
  if (!r.String("to", &out->to) || out->to.empty()) {
    r.ErrorHere("missing to address in email config");
  }
  r.String("from", &out->from);
  r.String("hello", &out->hello);
  std::string smarthost;
  if (r.String("smarthost", &smarthost) && !smarthost.empty()) {
    if (std::string err = ParseHostPort(smarthost, &out->smarthost); !err.empty()) {
      r.Error("smarthost", err);
    }
  }
  r.String("auth_username", &out->auth_username);
  r.Secret("auth_password", &out->auth_password);
  r.String("auth_password_file", &out->auth_password_file);
  if (!out->auth_password.empty() && !out->auth_password_file.empty()) {
    r.Error("auth_password_file",
            "at most one of auth_password & auth_password_file must be configured");
  }
  r.Secret("auth_secret", &out->auth_secret);
  r.String("auth_identity", &out->auth_identity);
  std::map<std::string, std::string> headers;
  if (r.StringMap("headers", &headers)) {
    for (auto& [name, value] : headers) {
      std::string canonical = CanonicalHeader(name);
      if (!out->headers.emplace(canonical, value).second) {
        r.Error("headers", "duplicate header " + Quote(canonical) + " in email config");
      }
    }
  }
  r.String("html", &out->html);
  r.String("text", &out->text);
  bool require_tls_set = r.Bool("require_tls", &out->require_tls);
  r.Object("tls_config", [&](MapReader& t) { DecodeTls(t, &out->tls_config); });
  r.Done();

  if (out->smarthost.empty()) {
    if (g.smtp_smarthost.empty()) r.ErrorHere("no global SMTP smarthost set");
    out->smarthost = g.smtp_smarthost;
  }
  if (out->from.empty()) {
    if (g.smtp_from.empty()) r.ErrorHere("no global SMTP from set");
    out->from = g.smtp_from;
  }
  if (out->hello.empty()) out->hello = g.smtp_hello;
  if (out->auth_username.empty()) out->auth_username = g.smtp_auth_username;
  if (out->auth_password.empty() && out->auth_password_file.empty()) {
    out->auth_password = g.smtp_auth_password;
    out->auth_password_file = g.smtp_auth_password_file;
  }
  if (out->auth_secret.empty()) out->auth_secret = g.smtp_auth_secret;
  if (out->auth_identity.empty()) out->auth_identity = g.smtp_auth_identity;
  if (!require_tls_set) out->require_tls = g.smtp_require_tls;
}

void DecodeSlackAction(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                       const std::string& path, SlackAction* out) {
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  if (!r.String("type", &out->type) || out->type.empty()) {
    r.ErrorHere("missing type in Slack action configuration");
  }
  if (!r.String("text", &out->text) || out->text.empty()) {
    r.ErrorHere("missing text in Slack action configuration");
  }
  r.String("url", &out->url);
  r.String("style", &out->style);
  r.String("name", &out->name);
  r.String("value", &out->value);
  r.Object("confirm", [&](MapReader& c) {
    SlackConfirmationField confirm;
    if (!c.String("text", &confirm.text) || confirm.text.empty()) {
      c.ErrorHere("missing text in Slack confirmation configuration");
    }
    c.String("title", &confirm.title);
    c.String("ok_text", &confirm.ok_text);
    c.String("dismiss_text", &confirm.dismiss_text);
    out->confirm = std::move(confirm);
  });
  r.Done();
  if (!out->url.empty()) {  // a link button: the message-action fields do not apply
    out->name.clear();
    out->value.clear();
    out->confirm.reset();
  } else if (out->name.empty()) {
    r.ErrorHere("missing name or url in Slack action configuration");
  }
}

void DecodeSlackField(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                      const std::string& path, SlackField* out) {
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  if (!r.String("title", &out->title) || out->title.empty()) {
    r.ErrorHere("missing title in Slack field configuration");
  }
  if (!r.String("value", &out->value) || out->value.empty()) {
    r.ErrorHere("missing value in Slack field configuration");
  }
  bool is_short = false;
  if (r.Bool("short", &is_short)) out->is_short = is_short;
  r.Done();
}

void DecodeSlack(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                 const std::string& path, const NotificationGlobalConfig& g, SlackConfig* out) {
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  r.Bool("send_resolved", &out->send_resolved);
  if (!DecodeHttpClientObject(r, "http_config", &out->http_config)) {
    out->http_config = g.http_config;
  }
  SecretUrl(r, "api_url", &out->api_url);
  r.String("api_url_file", &out->api_url_file);
  if (!out->api_url.empty() && !out->api_url_file.empty()) {
    r.Error("api_url_file", "at most one of api_url & api_url_file must be configured");
  }
  for (auto [key, field] : {std::pair{"channel", &out->channel},
                            {"username", &out->username},
                            {"color", &out->color},
                            {"title", &out->title},
                            {"title_link", &out->title_link},
                            {"pretext", &out->pretext},
                            {"text", &out->text},
                            {"footer", &out->footer},
                            {"fallback", &out->fallback},
                            {"callback_id", &out->callback_id},
                            {"icon_emoji", &out->icon_emoji},
                            {"icon_url", &out->icon_url},
                            {"image_url", &out->image_url},
                            {"thumb_url", &out->thumb_url}}) {
    r.String(key, field);
  }
  r.List("fields", &out->fields,
         [&d](const YAML::Node& n, const YAML::Mark& m, const std::string& p, SlackField* f) {
           DecodeSlackField(d, n, m, p, f);
         });
  r.Bool("short_fields", &out->short_fields);
  r.Bool("link_names", &out->link_names);
  r.StringList("mrkdwn_in", &out->mrkdwn_in);
  r.List("actions", &out->actions,
         [&d](const YAML::Node& n, const YAML::Mark& m, const std::string& p, SlackAction* a) {
           DecodeSlackAction(d, n, m, p, a);
         });
  r.Done();
  if (out->api_url.empty() && out->api_url_file.empty()) {
    if (g.slack_api_url.empty() && g.slack_api_url_file.empty()) {
      r.ErrorHere("no global Slack API URL set either inline or in a file");
    }
    out->api_url = g.slack_api_url;
    out->api_url_file = g.slack_api_url_file;
  }
}

void DecodeWebhook(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                   const std::string& path, const NotificationGlobalConfig& g, WebhookConfig* out) {
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  r.Bool("send_resolved", &out->send_resolved);
  if (!DecodeHttpClientObject(r, "http_config", &out->http_config)) {
    out->http_config = g.http_config;
  }
  SecretUrl(r, "url", &out->url);
  r.String("url_file", &out->url_file);
  r.Uint("max_alerts", &out->max_alerts);
  r.Done();
  if (out->url.empty() && out->url_file.empty()) {
    r.ErrorHere("one of url or url_file must be configured");
  } else if (!out->url.empty() && !out->url_file.empty()) {
    r.Error("url_file", "at most one of url & url_file must be configured");
  }
}

}  // namespace

void DecodeReceiver(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                    const std::string& path, const NotificationGlobalConfig& global,
                    Receiver* out) {
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  if (!r.String("name", &out->name) || out->name.empty()) r.ErrorHere("missing name in receiver");
  r.List("email_configs", &out->email_configs,
         [&](const YAML::Node& n, const YAML::Mark& m, const std::string& p, EmailConfig* c) {
           DecodeEmail(d, n, m, p, global, c);
         });
  r.List("slack_configs", &out->slack_configs,
         [&](const YAML::Node& n, const YAML::Mark& m, const std::string& p, SlackConfig* c) {
           DecodeSlack(d, n, m, p, global, c);
         });
  r.List("webhook_configs", &out->webhook_configs,
         [&](const YAML::Node& n, const YAML::Mark& m, const std::string& p, WebhookConfig* c) {
           DecodeWebhook(d, n, m, p, global, c);
         });
  DecodeUnsupportedReceivers(r, global, out);
  r.Done();
}

}  // namespace vigil::config::internal
