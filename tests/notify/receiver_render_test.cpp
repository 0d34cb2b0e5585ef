// Template data, default templates, and the payloads the receivers build,
// against what Alertmanager 0.25 renders and sends for the same alerts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "notification_data.h"
#include "process.h"
#include "receiver_fixtures.h"
#include "receivers.h"
#include "template_data.h"
#include "vigil/config/notifications.h"

namespace vigil::notify {
namespace {

using testing::DefaultTemplates;
using testing::TwoAlerts;

std::string Render(const std::string& text, const Notification& n) {
  Result<std::string> out = DefaultTemplates().ExecuteText(text, TemplateDataOf(n));
  EXPECT_TRUE(out.ok()) << out.status().message();
  return out.ok() ? *out : "";
}

TEST(NotificationData, GoTimeFormats) {
  EXPECT_EQ(FormatRfc3339Nano(1704164645123), "2024-01-02T03:04:05.123Z");
  EXPECT_EQ(FormatRfc3339Nano(1704164645100), "2024-01-02T03:04:05.1Z");
  EXPECT_EQ(FormatRfc3339Nano(1704164645000), "2024-01-02T03:04:05Z");
  EXPECT_EQ(FormatRfc3339Nano(0), "0001-01-01T00:00:00Z");
  EXPECT_EQ(FormatGoTimeString(1704164645123), "2024-01-02 03:04:05.123 +0000 UTC");
  EXPECT_EQ(FormatGoTimeString(0), "0001-01-01 00:00:00 +0000 UTC");
}

TEST(NotificationData, FingerprintIsPrometheusLabelSetFingerprint) {
  // The case of Prometheus common/model's signature tests: 5799056148416392346.
  EXPECT_EQ(AlertFingerprint(model::Labels::FromStrings(
                {"name", "garland, briggs", "fear", "love is not enough"})),
            "507a62d79ee76c9a");
  EXPECT_EQ(AlertFingerprint(model::Labels()), "cbf29ce484222325");  // FNV-1a offset
}

TEST(NotificationData, ReceiverIsQuoteMetad) {
  EXPECT_EQ(QuoteMeta("team.x (db)"), R"(team\.x \(db\))");
  Notification n = TwoAlerts();
  n.receiver = "a.b";
  EXPECT_EQ(ViewOf(n).receiver, R"(a\.b)");
}

TEST(TemplateData, Fields) {
  Notification n = TwoAlerts();
  EXPECT_EQ(Render("{{ .Receiver }} {{ .Status }} {{ .ExternalURL }}", n),
            "team-x firing http://vigil.example:9090");
  EXPECT_EQ(Render("{{ len .Alerts }} {{ len .Alerts.Firing }} {{ len .Alerts.Resolved }}", n), "2 1 1");
  EXPECT_EQ(Render("{{ range .Alerts }}{{ .Status }} {{ .Labels.instance }} {{ .Fingerprint }};{{ end }}", n),
            "firing a:1 " + AlertFingerprint(n.alerts[0].labels) + ";resolved b:2 " +
                AlertFingerprint(n.alerts[1].labels) + ";");
  EXPECT_EQ(Render("{{ range .Alerts.Firing }}{{ .StartsAt }}|{{ .EndsAt }}{{ end }}", n),
            "2024-01-02 03:04:05.123 +0000 UTC|0001-01-01 00:00:00 +0000 UTC");
  EXPECT_EQ(Render("{{ range .Alerts.Resolved }}{{ .EndsAt }} {{ .EndsAt.Unix }}{{ end }}", n),
            "2024-01-02 03:05:00 +0000 UTC 1704164700");
  EXPECT_EQ(Render("{{ .CommonLabels.SortedPairs.Names | join \",\" }}", n), "alertname,job,severity");
  EXPECT_EQ(Render("{{ .CommonAnnotations.summary }}|{{ .CommonAnnotations.runbook }}|", n),
            "5xx ratio above 5%||");
  EXPECT_EQ(Render("{{ range .GroupLabels.SortedPairs }}{{ .Name }}={{ .Value }}{{ end }}", n),
            "alertname=HighErrorRate");
  EXPECT_EQ(Render("{{ (.CommonLabels.Remove .GroupLabels.Names).Values | join \" \" }}", n), "demo page");
  EXPECT_EQ(Render("{{ .GroupLabels }}", n), "map[alertname:HighErrorRate]");
  EXPECT_EQ(Render("{{ (index .Alerts 1).Labels.instance }} {{ index .CommonLabels \"job\" }}", n),
            "b:2 demo");
  EXPECT_EQ(Render("{{ if .Alerts.Resolved }}some resolved{{ end }}", n), "some resolved");
  EXPECT_EQ(Render("{{ range .Alerts.Firing }}{{ .StartsAt.Format \"15:04:05\" }} "
                   "{{ date \"2006-01-02\" .StartsAt }}{{ end }}", n),
            "03:04:05 2024-01-02");
  EXPECT_EQ(Render("{{ range $k, $v := .GroupLabels }}{{ $k }}->{{ $v }}{{ end }}", n),
            "alertname->HighErrorRate");
}

TEST(DefaultTemplates, Subject) {
  Notification n = TwoAlerts();
  EXPECT_EQ(Render(R"({{ template "__subject" . }})", n), "[FIRING:1] HighErrorRate (demo page)");
  n.alerts.pop_back();
  EXPECT_EQ(Render(R"({{ template "email.default.subject" . }})", n),
            "[FIRING:1] HighErrorRate (a:1 demo page)");
  // All common labels grouped: Alertmanager leaves a trailing space.
  n.group_labels = n.alerts[0].labels;
  EXPECT_EQ(Render(R"({{ template "__subject" . }})", n), "[FIRING:1] HighErrorRate a:1 demo page ");
  Notification resolved = TwoAlerts();
  resolved.now_ms = resolved.alerts[0].ends_at_ms;
  EXPECT_EQ(Render(R"({{ template "slack.default.title" . }})", resolved),
            "[RESOLVED] HighErrorRate (demo page)");
}

TEST(DefaultTemplates, SlackDefaults) {
  Notification n = TwoAlerts();
  EXPECT_EQ(Render(R"({{ template "slack.default.titlelink" . }})", n),
            "http://vigil.example:9090/#/alerts?receiver=team-x");
  EXPECT_EQ(Render(R"({{ template "slack.default.fallback" . }})", n),
            "[FIRING:1] HighErrorRate (demo page) | http://vigil.example:9090/#/alerts?receiver=team-x");
  EXPECT_EQ(Render(R"({{ template "slack.default.username" . }})", n), "Alertmanager");
  for (const char* empty : {"callbackid", "pretext", "iconemoji", "iconurl", "text", "footer"}) {
    const std::string text = "{{ template \"slack.default." + std::string(empty) + "\" . }}";
    EXPECT_EQ(Render(text, n), "") << empty;
  }
  n.receiver = "team x&y";
  EXPECT_EQ(Render(R"({{ template "__alertmanagerURL" . }})", n),
            "http://vigil.example:9090/#/alerts?receiver=team+x%26y");
}

TEST(DefaultTemplates, TextAlertList) {
  EXPECT_EQ(Render(R"({{ template "__text_alert_list" .Alerts }})", TwoAlerts()),
            "Labels:\n"
            " - alertname = HighErrorRate\n"
            " - instance = a:1\n"
            " - job = demo\n"
            " - severity = page\n"
            "Annotations:\n"
            " - runbook = http://runbooks/5xx\n"
            " - summary = 5xx ratio above 5%\n"
            "Source: http://vigil:9090/graph?g0.expr=x\n"
            "Labels:\n"
            " - alertname = HighErrorRate\n"
            " - instance = b:2\n"
            " - job = demo\n"
            " - severity = page\n"
            "Annotations:\n"
            " - summary = 5xx ratio above 5%\n"
            "Source: http://vigil:9090/graph?g0.expr=x\n");
}

TEST(DefaultTemplates, UserTemplatesReplaceDefaults) {
  const std::string dir = vigil::testing::MakeTempDir();
  {
    std::ofstream(dir + "/a.tmpl") << R"({{ define "slack.default.title" }}custom {{ .Status }}{{ end }})";
  }
  Result<tmpl::Template> t = LoadNotificationTemplates({dir + "/*.tmpl"});
  ASSERT_TRUE(t.ok()) << t.status().message();
  Result<std::string> out =
      t->ExecuteText(R"({{ template "slack.default.title" . }})", TemplateDataOf(TwoAlerts()));
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "custom firing");
  {
    std::ofstream(dir + "/b.tmpl") << R"({{ define "x" }}{{ .Foo }{{ end }})";
  }
  Result<tmpl::Template> bad = LoadNotificationTemplates({dir + "/*.tmpl"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("b.tmpl"), std::string::npos) << bad.status().message();
}

TEST(SlackPayload, DefaultsAsAlertmanager) {
  config::SlackConfig cfg;
  cfg.channel = "#alerts";
  Result<std::string> payload = SlackPayload(cfg, DefaultTemplates(), TwoAlerts());
  ASSERT_TRUE(payload.ok()) << payload.status().message();
  const std::string want =
            R"j({"channel":"#alerts","username":"Alertmanager","attachments":[{)j"
            R"j("title":"[FIRING:1] HighErrorRate (demo page)",)j"
            R"j("title_link":"http://vigil.example:9090/#/alerts?receiver=team-x",)j"
            R"j("text":"","fallback":"[FIRING:1] HighErrorRate (demo page) | )j"
            R"j(http://vigil.example:9090/#/alerts?receiver=team-x","callback_id":"","footer":"",)j"
            R"j("color":"danger","mrkdwn_in":["fallback","pretext","text"]}]})j";
  EXPECT_EQ(*payload, want);
}

TEST(SlackPayload, FieldsActionsAndOptions) {
  config::SlackConfig cfg;
  cfg.text = R"({{ range .Alerts }}{{ .Annotations.summary }} on {{ .Labels.instance }}
{{ end }})";
  cfg.pretext = "pre";
  cfg.footer = "foot";
  cfg.icon_emoji = ":fire:";
  cfg.link_names = true;
  cfg.short_fields = true;
  cfg.mrkdwn_in = {"text"};
  cfg.fields = {{"Severity", "{{ .CommonLabels.severity }}", std::nullopt}, {"Job", "{{ .CommonLabels.job }}", false}};
  config::SlackAction link;
  link.type = "button";
  link.text = "Runbook";
  link.url = "{{ .CommonAnnotations.runbook }}";
  config::SlackAction action;
  action.type = "button";
  action.text = "Ack";
  action.name = "ack";
  action.value = "{{ .GroupLabels.alertname }}";
  action.confirm = config::SlackConfirmationField{"Sure?", "Confirm", "Yes", "No"};
  cfg.actions = {link, action};
  Notification n = TwoAlerts();
  n.now_ms = n.alerts[0].ends_at_ms;  // both resolved
  Result<std::string> payload = SlackPayload(cfg, DefaultTemplates(), n);
  ASSERT_TRUE(payload.ok()) << payload.status().message();
  nlohmann::json j = nlohmann::json::parse(*payload);
  EXPECT_FALSE(j.contains("channel"));
  EXPECT_EQ(j["icon_emoji"], ":fire:");
  EXPECT_EQ(j["link_names"], true);
  const nlohmann::json& att = j["attachments"][0];
  EXPECT_EQ(att["color"], "good");
  EXPECT_EQ(att["title"], "[RESOLVED] HighErrorRate (demo page)");
  EXPECT_EQ(att["text"], "5xx ratio above 5% on a:1\n5xx ratio above 5% on b:2\n");
  EXPECT_EQ(att["pretext"], "pre");
  EXPECT_EQ(att["footer"], "foot");
  EXPECT_EQ(att["mrkdwn_in"], nlohmann::json::array({"text"}));
  EXPECT_EQ(att["fields"], nlohmann::json::parse(
                               R"([{"title":"Severity","value":"page","short":true},)"
                               R"({"title":"Job","value":"demo","short":false}])"));
  // The resolved alert has no runbook: the common annotations lack it.
  EXPECT_EQ(att["actions"], nlohmann::json::parse(
                                R"([{"type":"button","text":"Runbook"},)"
                                R"({"type":"button","text":"Ack","name":"ack","value":"HighErrorRate",)"
                                R"("confirm":{"text":"Sure?","title":"Confirm","ok_text":"Yes","dismiss_text":"No"}}])"));
}

TEST(SlackPayload, TitleTruncatedTo1024Runes) {
  config::SlackConfig cfg;
  cfg.title = R"({{ range $i := .Alerts }}é{{ end }}{{ printf "%2000s" "x" }})";
  Result<std::string> payload = SlackPayload(cfg, DefaultTemplates(), TwoAlerts());
  ASSERT_TRUE(payload.ok()) << payload.status().message();
  std::string title = nlohmann::json::parse(*payload)["attachments"][0]["title"];
  EXPECT_EQ(title.substr(0, 4), "éé");
  EXPECT_EQ(title.substr(title.size() - 3), "…");
  // 1023 runes (two of them 2-byte), then "…" (3 bytes).
  EXPECT_EQ(title.size(), 2u * 2u + 1021u + 3u);
}

TEST(SlackPayload, TemplateErrorFailsTheNotification) {
  config::SlackConfig cfg;
  cfg.text = R"({{ template "no.such.template" . }})";
  Result<std::string> payload = SlackPayload(cfg, DefaultTemplates(), TwoAlerts());
  ASSERT_FALSE(payload.ok());
  EXPECT_NE(payload.status().message().find("no.such.template"), std::string::npos)
      << payload.status().message();
}

TEST(WebhookPayload, Version4Message) {
  Notification n = TwoAlerts();
  nlohmann::json j = nlohmann::json::parse(WebhookPayload(n, 0));
  nlohmann::json want = nlohmann::json::parse(R"({
    "receiver": "team-x",
    "status": "firing",
    "alerts": [
      {"status": "firing",
       "labels": {"alertname": "HighErrorRate", "instance": "a:1", "job": "demo", "severity": "page"},
       "annotations": {"runbook": "http://runbooks/5xx", "summary": "5xx ratio above 5%"},
       "startsAt": "2024-01-02T03:04:05.123Z", "endsAt": "0001-01-01T00:00:00Z",
       "generatorURL": "http://vigil:9090/graph?g0.expr=x", "fingerprint": "FP0"},
      {"status": "resolved",
       "labels": {"alertname": "HighErrorRate", "instance": "b:2", "job": "demo", "severity": "page"},
       "annotations": {"summary": "5xx ratio above 5%"},
       "startsAt": "2024-01-02T03:03:20Z", "endsAt": "2024-01-02T03:05:00Z",
       "generatorURL": "http://vigil:9090/graph?g0.expr=x", "fingerprint": "FP1"}
    ],
    "groupLabels": {"alertname": "HighErrorRate"},
    "commonLabels": {"alertname": "HighErrorRate", "job": "demo", "severity": "page"},
    "commonAnnotations": {"summary": "5xx ratio above 5%"},
    "externalURL": "http://vigil.example:9090",
    "version": "4",
    "groupKey": "{}:{alertname=\"HighErrorRate\"}",
    "truncatedAlerts": 0
  })");
  want["alerts"][0]["fingerprint"] = AlertFingerprint(n.alerts[0].labels);
  want["alerts"][1]["fingerprint"] = AlertFingerprint(n.alerts[1].labels);
  EXPECT_EQ(j, want) << j.dump(2);
  // Field order as Go marshals template.Data and the message.
  std::string raw = WebhookPayload(n, 0);
  EXPECT_EQ(raw.rfind(R"({"receiver":"team-x","status":"firing","alerts":[{"status":"firing","labels":)", 0), 0u) << raw;
}

TEST(WebhookPayload, MaxAlertsTruncates) {
  Notification n = TwoAlerts();
  nlohmann::json j = nlohmann::json::parse(WebhookPayload(n, 1));
  ASSERT_EQ(j["alerts"].size(), 1u);
  EXPECT_EQ(j["truncatedAlerts"], 1);
  // Common labels and annotations come from the alerts sent.
  EXPECT_EQ(j["commonLabels"]["instance"], "a:1");
  EXPECT_EQ(j["commonAnnotations"]["runbook"], "http://runbooks/5xx");
}

TEST(EmailMessage, HeadersAndBodies) {
  config::EmailConfig cfg;
  cfg.to = "Ops <ops@example.org>, dev@example.org";
  cfg.from = "vigil@example.org";
  cfg.text = R"({{ template "__text_alert_list" .Alerts.Firing }})";
  cfg.headers = {{"X-Team", "{{ .GroupLabels.alertname }} ✓"}};
  Result<EmailMessage> msg = RenderEmail(cfg, DefaultTemplates(), TwoAlerts(), 1704164645123, "host1");
  ASSERT_TRUE(msg.ok()) << msg.status().message();
  EXPECT_EQ(msg->from, "vigil@example.org");
  EXPECT_EQ(msg->to, (std::vector<std::string>{"ops@example.org", "dev@example.org"}));
  const std::string& d = msg->data;
  EXPECT_NE(d.find("Subject: [FIRING:1] HighErrorRate (demo page)\r\n"), std::string::npos) << d;
  EXPECT_NE(d.find("To: Ops <ops@example.org>, dev@example.org\r\n"), std::string::npos) << d;
  EXPECT_NE(d.find("From: vigil@example.org\r\n"), std::string::npos) << d;
  EXPECT_NE(d.find("X-Team: =?utf-8?q?HighErrorRate_=E2=9C=93?=\r\n"), std::string::npos) << d;
  EXPECT_NE(d.find("Message-Id: <1704164645123000000."), std::string::npos) << d;
  EXPECT_NE(d.find("@host1>\r\n"), std::string::npos) << d;
  EXPECT_NE(d.find("Date: Tue, 02 Jan 2024 03:04:05 +0000\r\n"), std::string::npos) << d;
  EXPECT_NE(d.find("Content-Type: multipart/alternative;  boundary="), std::string::npos) << d;
  EXPECT_NE(d.find("MIME-Version: 1.0\r\n\r\n--"), std::string::npos) << d;
  size_t text = d.find("Content-Type: text/plain; charset=UTF-8\r\n\r\n");
  size_t html = d.find("Content-Type: text/html; charset=UTF-8\r\n\r\n");
  ASSERT_NE(text, std::string::npos);
  ASSERT_NE(html, std::string::npos);
  EXPECT_LT(text, html);  // the preferred alternative last
  // The bodies after their part headers, up to the next boundary.
  const size_t text_body = text + std::string("Content-Type: text/plain; charset=UTF-8\r\n\r\n").size();
  const size_t html_body_start = html + std::string("Content-Type: text/html; charset=UTF-8\r\n\r\n").size();
  std::string decoded = testing::DecodeQuotedPrintable(d.substr(text_body, d.find("\r\n--", text_body) - text_body));
  EXPECT_NE(decoded.find("Labels:\r\n - alertname = HighErrorRate\r\n - instance = a:1\r\n"), std::string::npos)
      << decoded;
  EXPECT_NE(decoded.find("Source: http://vigil:9090/graph?g0.expr=x"), std::string::npos) << decoded;
  EXPECT_EQ(decoded.find("b:2"), std::string::npos);
  EXPECT_EQ(decoded.find("<bad quoted-printable>"), std::string::npos) << decoded;
  std::string html_body = testing::DecodeQuotedPrintable(
      d.substr(html_body_start, d.find("\r\n--", html_body_start) - html_body_start));
  EXPECT_EQ(html_body.find("<bad quoted-printable>"), std::string::npos) << html_body;
  EXPECT_NE(html_body.find("<title>[FIRING:1] HighErrorRate (demo page)</title>"), std::string::npos) << html_body;
  EXPECT_NE(html_body.find("2 alerts for alertname=HighErrorRate"), std::string::npos);
  EXPECT_NE(html_body.find("[1] Firing"), std::string::npos);
  EXPECT_NE(html_body.find("[1] Resolved"), std::string::npos);
  EXPECT_NE(html_body.find("instance = b:2"), std::string::npos);
  EXPECT_NE(html_body.find(R"(href="http://vigil.example:9090/#/alerts?receiver=team-x")"), std::string::npos);
  EXPECT_NE(html_body.find("View in Alertmanager"), std::string::npos);
  // Every encoded line fits in 76 characters.
  for (size_t start = 0, end; (end = d.find("\r\n", start)) != std::string::npos; start = end + 2) {
    if (start > html) {
      EXPECT_LE(end - start, 76u) << d.substr(start, end - start);
    }
  }
}

TEST(EmailMessage, HtmlValuesAreEscaped) {
  config::EmailConfig cfg;
  cfg.to = "ops@example.org";
  cfg.from = "vigil@example.org";
  Notification n = TwoAlerts();
  n.alerts[0].annotations = model::Labels::FromStrings({"summary", "<b>bold</b> & more"});
  Result<EmailMessage> msg = RenderEmail(cfg, DefaultTemplates(), n, 1704164645123, "h");
  ASSERT_TRUE(msg.ok()) << msg.status().message();
  std::string body = testing::DecodeQuotedPrintable(msg->data);
  EXPECT_EQ(body.find("<b>bold</b>"), std::string::npos);
  EXPECT_NE(body.find("&lt;b&gt;bold&lt;/b&gt; &amp; more"), std::string::npos) << body;
  EXPECT_EQ(body.find("text/plain"), std::string::npos);  // no text part unless configured
}

TEST(EmailMessage, BadAddressesAreErrors) {
  config::EmailConfig cfg;
  cfg.to = "{{ .CommonLabels.nobody }}";
  cfg.from = "vigil@example.org";
  Result<EmailMessage> msg = RenderEmail(cfg, DefaultTemplates(), TwoAlerts(), 0, "h");
  ASSERT_FALSE(msg.ok());
  EXPECT_NE(msg.status().message().find("'to'"), std::string::npos) << msg.status().message();
}

}  // namespace
}  // namespace vigil::notify
