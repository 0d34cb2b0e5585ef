// The notifications section of vigil's config: an Alertmanager 0.25 config
// (global, route tree, receivers, inhibit rules, time intervals, templates),
// inline under `notifications:` or in a standalone alertmanager.yml.
//
// The loader applies Alertmanager's defaults and inheritance: every Route
// carries its effective receiver, grouping and timers (children inherit what
// they leave unset), and every receiver config carries the global smtp_* /
// slack_api_url / http_config values it did not override.
// Thread-safety: immutable values once loaded; safe to read from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/duration.h"
#include "vigil/base/result.h"
#include "vigil/config/common.h"
#include "vigil/model/matcher.h"

namespace vigil::config {

// A "host:port" address (smtp_smarthost). Empty when unset.
struct HostPort {
  std::string host;
  std::string port;

  bool empty() const { return host.empty() && port.empty(); }
  std::string ToString() const { return empty() ? "" : host + ":" + port; }
};

struct NotificationGlobalConfig {
  Duration resolve_timeout = std::chrono::minutes(5);
  HttpClientConfig http_config;
  std::string smtp_from;
  HostPort smtp_smarthost;
  std::string smtp_hello = "localhost";
  std::string smtp_auth_username;
  Secret smtp_auth_password;
  std::string smtp_auth_password_file;
  Secret smtp_auth_secret;
  std::string smtp_auth_identity;
  bool smtp_require_tls = true;
  Secret slack_api_url;
  std::string slack_api_url_file;
  // For receiver kinds vigil does not deliver to; kept so that the file
  // round-trips and is judged as Alertmanager judges it.
  std::string pagerduty_url = "https://events.pagerduty.com/v2/enqueue";
  std::string opsgenie_api_url = "https://api.opsgenie.com/";
  Secret opsgenie_api_key;
  std::string opsgenie_api_key_file;
  std::string wechat_api_url = "https://qyapi.weixin.qq.com/cgi-bin/";
  Secret wechat_api_secret;
  std::string wechat_api_corp_id;
  std::string victorops_api_url =
      "https://alert.victorops.com/integrations/generic/20131114/alert/";
  Secret victorops_api_key;
  std::string victorops_api_key_file;
  std::string telegram_api_url = "https://api.telegram.org";
  std::string webex_api_url = "https://webexapis.com/v1/messages";
};

struct SlackField {
  std::string title;
  std::string value;
  std::optional<bool> is_short;  // `short` in the file
};

struct SlackConfirmationField {
  std::string text;
  std::string title;
  std::string ok_text;
  std::string dismiss_text;
};

struct SlackAction {
  std::string type;
  std::string text;
  std::string url;  // a link button; otherwise name (and value) make a message action
  std::string style;
  std::string name;
  std::string value;
  std::optional<SlackConfirmationField> confirm;
};

// Text fields are Go templates, kept as written (rendered at send time);
// unset ones hold Alertmanager's default templates.
struct SlackConfig {
  bool send_resolved = false;
  HttpClientConfig http_config;  // the global http_config unless set
  Secret api_url;                // exactly one of api_url and api_url_file after loading
  std::string api_url_file;
  std::string channel;
  std::string username = R"({{ template "slack.default.username" . }})";
  std::string color = R"({{ if eq .Status "firing" }}danger{{ else }}good{{ end }})";
  std::string title = R"({{ template "slack.default.title" . }})";
  std::string title_link = R"({{ template "slack.default.titlelink" . }})";
  std::string pretext = R"({{ template "slack.default.pretext" . }})";
  std::string text = R"({{ template "slack.default.text" . }})";
  std::vector<SlackField> fields;
  bool short_fields = false;
  std::string footer = R"({{ template "slack.default.footer" . }})";
  std::string fallback = R"({{ template "slack.default.fallback" . }})";
  std::string callback_id = R"({{ template "slack.default.callbackid" . }})";
  std::string icon_emoji = R"({{ template "slack.default.iconemoji" . }})";
  std::string icon_url = R"({{ template "slack.default.iconurl" . }})";
  std::string image_url;
  std::string thumb_url;
  bool link_names = false;
  std::vector<std::string> mrkdwn_in;
  std::vector<SlackAction> actions;
};

// The Subject header the email notifier uses when `headers` has none.
inline constexpr std::string_view kDefaultEmailSubject =
    R"({{ template "email.default.subject" . }})";

struct EmailConfig {
  bool send_resolved = false;
  std::string to;      // required
  std::string from;    // the global smtp_from unless set (one of them is required)
  std::string hello;   // the global smtp_hello unless set
  HostPort smarthost;  // the global smtp_smarthost unless set (one of them is required)
  std::string auth_username;
  Secret auth_password;
  std::string auth_password_file;
  Secret auth_secret;
  std::string auth_identity;
  bool require_tls = true;  // the global smtp_require_tls unless set
  TlsConfig tls_config;
  // Header names canonicalised as Go's textproto does ("subject" -> "Subject").
  std::map<std::string, std::string> headers;
  std::string html = R"({{ template "email.default.html" . }})";
  std::string text;
};

struct WebhookConfig {
  bool send_resolved = true;
  HttpClientConfig http_config;  // the global http_config unless set
  Secret url;                    // exactly one of url and url_file
  std::string url_file;
  uint64_t max_alerts = 0;  // 0: no limit
};

// A receiver config of a kind Alertmanager 0.25 has but vigil does not
// deliver to (pagerduty_configs, opsgenie_configs, victorops_configs,
// pushover_configs, sns_configs, wechat_configs, telegram_configs,
// webex_configs, discord_configs). The loader checks it as Alertmanager
// would, so valid Alertmanager files load; the notifier reports such
// receivers as unsupported instead of sending.
struct UnsupportedReceiverConfig {
  std::string kind;  // the key, e.g. "pagerduty_configs"
  int line = 0;      // 1-based line of the entry in its file
};

struct Receiver {
  std::string name;
  std::vector<SlackConfig> slack_configs;
  std::vector<EmailConfig> email_configs;
  std::vector<WebhookConfig> webhook_configs;
  std::vector<UnsupportedReceiverConfig> unsupported_configs;
};

// A node of the routing tree, with its effective (inherited) settings.
struct Route {
  std::string receiver;
  std::vector<std::string> group_by;  // label names; empty when group_by_all
  bool group_by_all = false;          // group_by: ['...']
  Duration group_wait = std::chrono::seconds(30);
  Duration group_interval = std::chrono::minutes(5);
  Duration repeat_interval = std::chrono::hours(4);
  // All of `match` (as =), `match_re` (as =~) and `matchers`, in that order;
  // an alert matches the route when it matches every one.
  std::vector<model::Matcher> matchers;
  bool continue_matching = false;  // `continue` in the file
  std::vector<std::string> mute_time_intervals;
  std::vector<std::string> active_time_intervals;
  std::vector<Route> routes;
};

struct InhibitRule {
  std::vector<model::Matcher> source_matchers;  // source_match, source_match_re, source_matchers
  std::vector<model::Matcher> target_matchers;  // target_match, target_match_re, target_matchers
  std::vector<std::string> equal;
};

// A range of minutes in a day, [start_minute, end_minute), end up to 1440.
struct TimeOfDayRange {
  int start_minute = 0;
  int end_minute = 0;
};

// An inclusive range: weekdays 0 (Sunday) to 6, days of month -31..-1 and
// 1..31, months 1 to 12, years.
struct InclusiveRange {
  int begin = 0;
  int end = 0;
};

// One entry of a named interval; empty lists match everything.
struct TimeIntervalSpec {
  std::vector<TimeOfDayRange> times;
  std::vector<InclusiveRange> weekdays;
  std::vector<InclusiveRange> days_of_month;
  std::vector<InclusiveRange> months;
  std::vector<InclusiveRange> years;
  std::string location;  // an IANA time zone name, "UTC" or "Local"; empty: UTC
};

struct NamedTimeInterval {
  std::string name;
  std::vector<TimeIntervalSpec> time_intervals;
};

struct NotificationConfig {
  NotificationGlobalConfig global;
  Route route;
  std::vector<InhibitRule> inhibit_rules;
  std::vector<Receiver> receivers;
  std::vector<std::string> templates;  // globs, resolved against the file's directory
  std::vector<NamedTimeInterval> mute_time_intervals;  // the older key; same meaning
  std::vector<NamedTimeInterval> time_intervals;
};

// Parses Alertmanager 0.25's matcher syntax, as in `matchers:` lists and
// amtool: a comma-separated list, optionally in braces, of
// name (=|!=|=~|!~) value, the value bare or double-quoted (escapes: \", \n
// and a doubled backslash), e.g. `{severity=~"crit|warn", team="db"}`. Regexes are anchored.
Result<std::vector<model::Matcher>> ParseAlertmanagerMatchers(std::string_view text);

}  // namespace vigil::config
