// Renders a loaded Alertmanager config back to YAML. Routes are written with
// their effective (inherited) settings and their matchers as matcher strings;
// receiver configs of kinds vigil does not deliver to are written as comments.
#include "render.h"

namespace vigil::config::internal {
namespace {

void EmitMatchers(YAML::Emitter& e, std::string_view key,
                  const std::vector<model::Matcher>& matchers) {
  if (matchers.empty()) return;
  e << YAML::Key << std::string(key) << YAML::Value << YAML::BeginSeq;
  for (const model::Matcher& m : matchers) e << YAML::SingleQuoted << m.ToString();
  e << YAML::EndSeq;
}

void EmitRoute(YAML::Emitter& e, const Route& r) {
  e << YAML::BeginMap;
  StrAlways(e, "receiver", r.receiver);
  if (r.group_by_all) {
    e << YAML::Key << "group_by" << YAML::Value << YAML::Flow << YAML::BeginSeq << "..."
      << YAML::EndSeq;
  } else if (!r.group_by.empty()) {
    e << YAML::Key << "group_by" << YAML::Value << YAML::Flow << r.group_by;
  }
  Dur(e, "group_wait", r.group_wait);
  Dur(e, "group_interval", r.group_interval);
  Dur(e, "repeat_interval", r.repeat_interval);
  EmitMatchers(e, "matchers", r.matchers);
  if (r.continue_matching) Bool(e, "continue", true);
  StrList(e, "mute_time_intervals", r.mute_time_intervals);
  StrList(e, "active_time_intervals", r.active_time_intervals);
  if (!r.routes.empty()) {
    e << YAML::Key << "routes" << YAML::Value << YAML::BeginSeq;
    for (const Route& child : r.routes) EmitRoute(e, child);
    e << YAML::EndSeq;
  }
  e << YAML::EndMap;
}

void EmitHttpConfig(YAML::Emitter& e, const HttpClientConfig& http) {
  e << YAML::Key << "http_config" << YAML::Value << YAML::BeginMap;
  EmitHttpClientInline(e, http);
  e << YAML::EndMap;
}

void EmitGlobal(YAML::Emitter& e, const NotificationGlobalConfig& g) {
  e << YAML::Key << "global" << YAML::Value << YAML::BeginMap;
  Dur(e, "resolve_timeout", g.resolve_timeout);
  EmitHttpConfig(e, g.http_config);
  Str(e, "smtp_from", g.smtp_from);
  Str(e, "smtp_smarthost", g.smtp_smarthost.ToString());
  StrAlways(e, "smtp_hello", g.smtp_hello);
  Str(e, "smtp_auth_username", g.smtp_auth_username);
  Sec(e, "smtp_auth_password", g.smtp_auth_password);
  Str(e, "smtp_auth_password_file", g.smtp_auth_password_file);
  Sec(e, "smtp_auth_secret", g.smtp_auth_secret);
  Str(e, "smtp_auth_identity", g.smtp_auth_identity);
  Bool(e, "smtp_require_tls", g.smtp_require_tls);
  Sec(e, "slack_api_url", g.slack_api_url);
  Str(e, "slack_api_url_file", g.slack_api_url_file);
  Str(e, "pagerduty_url", g.pagerduty_url);
  Str(e, "opsgenie_api_url", g.opsgenie_api_url);
  Sec(e, "opsgenie_api_key", g.opsgenie_api_key);
  Str(e, "opsgenie_api_key_file", g.opsgenie_api_key_file);
  Str(e, "wechat_api_url", g.wechat_api_url);
  Sec(e, "wechat_api_secret", g.wechat_api_secret);
  Str(e, "wechat_api_corp_id", g.wechat_api_corp_id);
  Str(e, "victorops_api_url", g.victorops_api_url);
  Sec(e, "victorops_api_key", g.victorops_api_key);
  Str(e, "victorops_api_key_file", g.victorops_api_key_file);
  Str(e, "telegram_api_url", g.telegram_api_url);
  Str(e, "webex_api_url", g.webex_api_url);
  e << YAML::EndMap;
}

void EmitSlack(YAML::Emitter& e, const SlackConfig& s) {
  e << YAML::BeginMap;
  Bool(e, "send_resolved", s.send_resolved);
  EmitHttpConfig(e, s.http_config);
  Sec(e, "api_url", s.api_url);
  Str(e, "api_url_file", s.api_url_file);
  Str(e, "channel", s.channel);
  for (auto [key, value] : {std::pair{"username", &s.username},
                            {"color", &s.color},
                            {"title", &s.title},
                            {"title_link", &s.title_link},
                            {"pretext", &s.pretext},
                            {"text", &s.text},
                            {"footer", &s.footer},
                            {"fallback", &s.fallback},
                            {"callback_id", &s.callback_id},
                            {"icon_emoji", &s.icon_emoji},
                            {"icon_url", &s.icon_url}}) {
    StrAlways(e, key, *value);
  }
  Str(e, "image_url", s.image_url);
  Str(e, "thumb_url", s.thumb_url);
  if (!s.fields.empty()) {
    e << YAML::Key << "fields" << YAML::Value << YAML::BeginSeq;
    for (const SlackField& f : s.fields) {
      e << YAML::BeginMap;
      StrAlways(e, "title", f.title);
      StrAlways(e, "value", f.value);
      if (f.is_short) Bool(e, "short", *f.is_short);
      e << YAML::EndMap;
    }
    e << YAML::EndSeq;
  }
  Bool(e, "short_fields", s.short_fields);
  Bool(e, "link_names", s.link_names);
  StrList(e, "mrkdwn_in", s.mrkdwn_in);
  if (!s.actions.empty()) {
    e << YAML::Key << "actions" << YAML::Value << YAML::BeginSeq;
    for (const SlackAction& a : s.actions) {
      e << YAML::BeginMap;
      StrAlways(e, "type", a.type);
      StrAlways(e, "text", a.text);
      Str(e, "url", a.url);
      Str(e, "style", a.style);
      Str(e, "name", a.name);
      Str(e, "value", a.value);
      if (a.confirm) {
        e << YAML::Key << "confirm" << YAML::Value << YAML::BeginMap;
        StrAlways(e, "text", a.confirm->text);
        Str(e, "title", a.confirm->title);
        Str(e, "ok_text", a.confirm->ok_text);
        Str(e, "dismiss_text", a.confirm->dismiss_text);
        e << YAML::EndMap;
      }
      e << YAML::EndMap;
    }
    e << YAML::EndSeq;
  }
  e << YAML::EndMap;
}

void EmitEmail(YAML::Emitter& e, const EmailConfig& m) {
  e << YAML::BeginMap;
  Bool(e, "send_resolved", m.send_resolved);
  StrAlways(e, "to", m.to);
  StrAlways(e, "from", m.from);
  Str(e, "hello", m.hello);
  StrAlways(e, "smarthost", m.smarthost.ToString());
  Str(e, "auth_username", m.auth_username);
  Sec(e, "auth_password", m.auth_password);
  Str(e, "auth_password_file", m.auth_password_file);
  Sec(e, "auth_secret", m.auth_secret);
  Str(e, "auth_identity", m.auth_identity);
  Bool(e, "require_tls", m.require_tls);
  e << YAML::Key << "tls_config" << YAML::Value;
  EmitTls(e, m.tls_config);
  StrMap(e, "headers", m.headers);
  StrAlways(e, "html", m.html);
  Str(e, "text", m.text);
  e << YAML::EndMap;
}

void EmitWebhook(YAML::Emitter& e, const WebhookConfig& w) {
  e << YAML::BeginMap;
  Bool(e, "send_resolved", w.send_resolved);
  EmitHttpConfig(e, w.http_config);
  Sec(e, "url", w.url);
  Str(e, "url_file", w.url_file);
  Int(e, "max_alerts", static_cast<int64_t>(w.max_alerts));
  e << YAML::EndMap;
}

template <typename T, typename Fn>
void EmitList(YAML::Emitter& e, std::string_view key, const std::vector<T>& items, Fn fn) {
  if (items.empty()) return;
  e << YAML::Key << std::string(key) << YAML::Value << YAML::BeginSeq;
  for (const T& item : items) fn(e, item);
  e << YAML::EndSeq;
}

void EmitReceiver(YAML::Emitter& e, const Receiver& r) {
  e << YAML::BeginMap;
  StrAlways(e, "name", r.name);
  EmitList(e, "email_configs", r.email_configs, EmitEmail);
  EmitList(e, "slack_configs", r.slack_configs, EmitSlack);
  EmitList(e, "webhook_configs", r.webhook_configs, EmitWebhook);
  for (const UnsupportedReceiverConfig& u : r.unsupported_configs) {
    e << YAML::Comment(u.kind + " entry (line " + std::to_string(u.line) +
                       "): not delivered by vigil");
  }
  e << YAML::EndMap;
}

std::string RangeText(const InclusiveRange& r, const char* const* names) {
  auto one = [names](int v) {
    return names != nullptr ? std::string(names[v]) : std::to_string(v);
  };
  return r.begin == r.end ? one(r.begin) : one(r.begin) + ":" + one(r.end);
}

std::string Clock(int minutes) {
  auto two = [](int v) { return std::string(v < 10 ? "0" : "") + std::to_string(v); };
  return two(minutes / 60) + ":" + two(minutes % 60);
}

void EmitRanges(YAML::Emitter& e, std::string_view key, const std::vector<InclusiveRange>& ranges,
                const char* const* names) {
  std::vector<std::string> texts;
  for (const InclusiveRange& r : ranges) texts.push_back(RangeText(r, names));
  StrList(e, key, texts);
}

void EmitTimeInterval(YAML::Emitter& e, const NamedTimeInterval& ti) {
  static const char* const kWeekdays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                          "thursday", "friday", "saturday"};
  e << YAML::BeginMap;
  StrAlways(e, "name", ti.name);
  e << YAML::Key << "time_intervals" << YAML::Value << YAML::BeginSeq;
  for (const TimeIntervalSpec& s : ti.time_intervals) {
    e << YAML::BeginMap;
    if (!s.times.empty()) {
      e << YAML::Key << "times" << YAML::Value << YAML::BeginSeq;
      for (const TimeOfDayRange& t : s.times) {
        e << YAML::BeginMap;
        StrAlways(e, "start_time", Clock(t.start_minute));
        StrAlways(e, "end_time", Clock(t.end_minute));
        e << YAML::EndMap;
      }
      e << YAML::EndSeq;
    }
    EmitRanges(e, "weekdays", s.weekdays, kWeekdays);
    EmitRanges(e, "days_of_month", s.days_of_month, nullptr);
    EmitRanges(e, "months", s.months, nullptr);
    EmitRanges(e, "years", s.years, nullptr);
    Str(e, "location", s.location);
    e << YAML::EndMap;
  }
  e << YAML::EndSeq;
  e << YAML::EndMap;
}

}  // namespace

void EmitNotificationConfig(YAML::Emitter& e, const NotificationConfig& c) {
  e << YAML::BeginMap;
  EmitGlobal(e, c.global);
  e << YAML::Key << "route" << YAML::Value;
  EmitRoute(e, c.route);
  EmitList(e, "receivers", c.receivers, EmitReceiver);
  EmitList(e, "inhibit_rules", c.inhibit_rules, [](YAML::Emitter& em, const InhibitRule& r) {
    em << YAML::BeginMap;
    EmitMatchers(em, "source_matchers", r.source_matchers);
    EmitMatchers(em, "target_matchers", r.target_matchers);
    if (!r.equal.empty()) em << YAML::Key << "equal" << YAML::Value << YAML::Flow << r.equal;
    em << YAML::EndMap;
  });
  StrList(e, "templates", c.templates);
  EmitList(e, "mute_time_intervals", c.mute_time_intervals, EmitTimeInterval);
  EmitList(e, "time_intervals", c.time_intervals, EmitTimeInterval);
  e << YAML::EndMap;
}

}  // namespace vigil::config::internal
