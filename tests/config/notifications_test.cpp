// The notifications section: Alertmanager 0.25's defaults, global fallbacks,
// route inheritance, matchers, time intervals and its validation rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "vigil/config/config.h"

namespace vigil::config {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

const std::string kTestdata = VIGIL_CONFIG_TESTDATA;

std::vector<std::string> MatcherStrings(const std::vector<model::Matcher>& ms) {
  std::vector<std::string> out;
  for (const model::Matcher& m : ms) out.push_back(m.ToString());
  return out;
}

std::shared_ptr<const NotificationConfig> FullNotifications() {
  auto r = LoadConfigFile(kTestdata + "/full.yml");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok() || !(*r)->notifications) return nullptr;
  return std::make_shared<NotificationConfig>(*(*r)->notifications);
}

// The error text of a standalone Alertmanager config that must not load.
std::string AmErrors(std::string_view yaml) {
  auto r = ParseAlertmanagerConfig(yaml, "am.yml");
  EXPECT_FALSE(r.ok()) << "loaded:\n" << yaml;
  return r.ok() ? "" : r.status().message();
}

TEST(NotificationsTest, GlobalValuesAndDefaults) {
  auto n = FullNotifications();
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->global.resolve_timeout, minutes(10));
  EXPECT_EQ(n->global.smtp_smarthost.ToString(), "smtp.example.org:587");
  EXPECT_EQ(n->global.smtp_hello, "localhost");
  EXPECT_FALSE(n->global.smtp_require_tls);
  EXPECT_EQ(n->templates, std::vector<std::string>{kTestdata + "/templates/*.tmpl"});

  auto defaults =
      ParseAlertmanagerConfig("route: {receiver: r}\nreceivers: [{name: r}]\n", "a.yml");
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ((*defaults)->global.resolve_timeout, minutes(5));
  EXPECT_TRUE((*defaults)->global.smtp_require_tls);
  EXPECT_EQ((*defaults)->route.group_wait, seconds(30));
  EXPECT_EQ((*defaults)->route.group_interval, minutes(5));
  EXPECT_EQ((*defaults)->route.repeat_interval, hours(4));
}

TEST(NotificationsTest, RouteTreeInheritsFromParents) {
  auto n = FullNotifications();
  ASSERT_NE(n, nullptr);
  const Route& root = n->route;
  EXPECT_EQ(root.receiver, "team-mail");
  EXPECT_EQ(root.group_by, (std::vector<std::string>{"alertname", "cluster"}));
  EXPECT_EQ(root.group_wait, seconds(10));
  EXPECT_EQ(root.group_interval, minutes(5));
  EXPECT_EQ(root.repeat_interval, hours(2));
  ASSERT_EQ(root.routes.size(), 2u);

  const Route& slack = root.routes[0];
  EXPECT_EQ(slack.receiver, "team-slack");
  EXPECT_TRUE(slack.group_by_all);
  EXPECT_TRUE(slack.group_by.empty());
  EXPECT_TRUE(slack.continue_matching);
  EXPECT_EQ(slack.group_wait, seconds(10));    // inherited
  EXPECT_EQ(slack.repeat_interval, hours(2));  // inherited
  EXPECT_EQ(slack.mute_time_intervals, std::vector<std::string>{"nights"});
  EXPECT_EQ(
      MatcherStrings(slack.matchers),
      (std::vector<std::string>{R"(severity=~"crit|warn")", R"(team="db")", R"(env!="dev")"}));
  ASSERT_EQ(slack.routes.size(), 1u);
  const Route& hook = slack.routes[0];
  EXPECT_EQ(hook.receiver, "oncall-hook");
  EXPECT_TRUE(hook.group_by_all);  // inherited from its parent
  EXPECT_EQ(hook.group_interval, minutes(1));
  EXPECT_FALSE(hook.continue_matching);           // never inherited
  EXPECT_TRUE(hook.mute_time_intervals.empty());  // never inherited
  EXPECT_EQ(MatcherStrings(hook.matchers), std::vector<std::string>{R"(service="postgres")"});

  const Route& re = root.routes[1];
  ASSERT_EQ(re.matchers.size(), 1u);
  EXPECT_EQ(re.matchers[0].type(), model::MatchType::kRegexMatch);
  EXPECT_TRUE(re.matchers[0].Matches("foo"));
  EXPECT_FALSE(re.matchers[0].Matches("foobar"));
  EXPECT_EQ(re.group_by, root.group_by);
  EXPECT_EQ(re.active_time_intervals, std::vector<std::string>{"business-hours"});
}

TEST(NotificationsTest, ReceiversGetGlobalDefaults) {
  auto n = FullNotifications();
  ASSERT_NE(n, nullptr);
  ASSERT_EQ(n->receivers.size(), 4u);
  const EmailConfig& mail = n->receivers[0].email_configs.at(0);
  EXPECT_EQ(mail.to, "team@example.org");
  EXPECT_EQ(mail.from, "vigil@example.org");
  EXPECT_EQ(mail.smarthost.host, "smtp.example.org");
  EXPECT_EQ(mail.smarthost.port, "587");
  EXPECT_EQ(mail.hello, "localhost");
  EXPECT_EQ(mail.auth_username, "vigil");
  EXPECT_EQ(mail.auth_password.Reveal(), "mailpass");
  EXPECT_FALSE(mail.require_tls);
  EXPECT_FALSE(mail.send_resolved);
  EXPECT_EQ(mail.headers.at("Subject"), "[vigil] {{ .GroupLabels.alertname }}");  // canonical
  EXPECT_EQ(mail.html, R"({{ template "email.default.html" . }})");

  const SlackConfig& slack = n->receivers[1].slack_configs.at(0);
  EXPECT_TRUE(slack.send_resolved);
  EXPECT_EQ(slack.api_url.Reveal(), "https://hooks.slack.com/services/T000/B000/XXXX");
  EXPECT_EQ(slack.channel, "#alerts");
  EXPECT_EQ(slack.title, "{{ .CommonLabels.alertname }}");
  EXPECT_EQ(slack.text, R"({{ template "slack.default.text" . }})");
  ASSERT_EQ(slack.fields.size(), 1u);
  EXPECT_EQ(slack.fields[0].is_short, std::optional<bool>(true));
  ASSERT_EQ(slack.actions.size(), 1u);
  EXPECT_EQ(slack.actions[0].url, "{{ .CommonAnnotations.runbook_url }}");
  EXPECT_EQ(slack.mrkdwn_in, (std::vector<std::string>{"text", "pretext"}));

  const WebhookConfig& hook = n->receivers[2].webhook_configs.at(0);
  EXPECT_TRUE(hook.send_resolved);
  EXPECT_EQ(hook.url.Reveal(), "https://hooks.example.org/vigil");
  EXPECT_EQ(hook.max_alerts, 10u);
  EXPECT_EQ(hook.http_config.authorization->credentials.Reveal(), "hooktoken");

  const Receiver& pager = n->receivers[3];
  ASSERT_EQ(pager.unsupported_configs.size(), 1u);
  EXPECT_EQ(pager.unsupported_configs[0].kind, "pagerduty_configs");
  EXPECT_GT(pager.unsupported_configs[0].line, 0);
}

TEST(NotificationsTest, InhibitRulesAndTimeIntervals) {
  auto n = FullNotifications();
  ASSERT_NE(n, nullptr);
  ASSERT_EQ(n->inhibit_rules.size(), 2u);
  EXPECT_EQ(MatcherStrings(n->inhibit_rules[0].source_matchers),
            std::vector<std::string>{R"(severity="critical")"});
  EXPECT_EQ(n->inhibit_rules[0].equal, (std::vector<std::string>{"alertname", "cluster"}));
  EXPECT_EQ(MatcherStrings(n->inhibit_rules[1].target_matchers),
            std::vector<std::string>{R"(severity=~"warn.*")"});

  ASSERT_EQ(n->time_intervals.size(), 1u);
  const TimeIntervalSpec& biz = n->time_intervals[0].time_intervals.at(0);
  EXPECT_EQ(biz.times.at(0).start_minute, 9 * 60);
  EXPECT_EQ(biz.times.at(0).end_minute, 17 * 60);
  EXPECT_EQ(biz.weekdays.at(0).begin, 1);
  EXPECT_EQ(biz.weekdays.at(0).end, 5);
  EXPECT_EQ(biz.location, "Europe/Berlin");
  ASSERT_EQ(n->mute_time_intervals.size(), 1u);
  const TimeIntervalSpec& nights = n->mute_time_intervals[0].time_intervals.at(0);
  EXPECT_EQ(nights.days_of_month.at(1).begin, -3);
  EXPECT_EQ(nights.months.at(0).end, 3);
  EXPECT_EQ(nights.months.at(1).begin, 12);
  EXPECT_EQ(nights.years.at(0).end, 2030);
}

TEST(NotificationsTest, ConfigFileIsLoadedRelativeToTheConfig) {
  auto r = LoadConfigFile(kTestdata + "/with_am_file.yml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->notifications_file, kTestdata + "/am/alertmanager.yml");
  ASSERT_TRUE((*r)->notifications.has_value());
  EXPECT_EQ((*r)->notifications->route.receiver, "hook");
  // Paths in that file are relative to it.
  EXPECT_EQ((*r)->notifications->templates, std::vector<std::string>{kTestdata + "/am/*.tmpl"});

  auto am = LoadAlertmanagerConfigFile(kTestdata + "/am/alertmanager.yml");
  ASSERT_TRUE(am.ok()) << am.status().ToString();
  EXPECT_EQ((*am)->receivers.at(0).webhook_configs.at(0).url.Reveal(), "http://localhost:5001/");
}

TEST(NotificationsTest, ParseMatchers) {
  auto r = ParseAlertmanagerMatchers(R"({foo = "bar", dings != "bums", })");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(MatcherStrings(*r), (std::vector<std::string>{R"(foo="bar")", R"(dings!="bums")"}));
  r = ParseAlertmanagerMatchers(R"(quote="She said: \"Hi, all\"",statuscode=~5..)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].value(), R"(She said: "Hi, all")");
  EXPECT_EQ((*r)[1].type(), model::MatchType::kRegexMatch);
  EXPECT_EQ((*r)[1].value(), "5..");
  r = ParseAlertmanagerMatchers("a!~x");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].type(), model::MatchType::kRegexNoMatch);

  EXPECT_EQ(ParseAlertmanagerMatchers("foo").status().message(), "bad matcher format: foo");
  EXPECT_EQ(ParseAlertmanagerMatchers(R"(a="b"c")").status().message(),
            R"(matcher value contains unescaped double quote: "b"c")");
  EXPECT_FALSE(ParseAlertmanagerMatchers("a=~(x").ok());
}

TEST(NotificationsTest, RootRouteRules) {
  EXPECT_EQ(AmErrors("receivers: [{name: r}]\n"), "am.yml:1:1: no route provided in config");
  EXPECT_EQ(AmErrors("route:\n  group_by: [a]\nreceivers: [{name: r}]\n"),
            "am.yml:1:1: route: root route must specify a default receiver");
  EXPECT_EQ(AmErrors("route:\n  receiver: r\n  matchers: [a=b]\nreceivers: [{name: r}]\n"),
            "am.yml:1:1: route: root route must not have any matchers");
  EXPECT_EQ(AmErrors("route:\n  receiver: r\n  continue: true\nreceivers: [{name: r}]\n"),
            "am.yml:1:1: route: cannot have continue in root route");
  EXPECT_EQ(AmErrors("route:\n  receiver: r\n  group_by: ['...', a]\nreceivers: [{name: r}]\n"),
            "am.yml:3:3: route.group_by: cannot have wildcard group_by (`...`) and other labels "
            "at the same time");
  EXPECT_EQ(AmErrors("route:\n  receiver: r\n  group_interval: 0s\nreceivers: [{name: r}]\n"),
            "am.yml:3:3: route.group_interval: group_interval cannot be zero");
}

TEST(NotificationsTest, ReceiverAndIntervalReferences) {
  EXPECT_EQ(AmErrors("route:\n  receiver: r\nreceivers:\n  - name: r\n  - name: r\n"),
            "am.yml:5:5: receivers[1].name: notification config name \"r\" is not unique (first "
            "at line 4)");
  EXPECT_EQ(AmErrors("route:\n"
                     "  receiver: r\n"
                     "  routes:\n"
                     "    - receiver: r\n"
                     "      mute_time_intervals: [weekends]\n"
                     "receivers: [{name: r}]\n"),
            "am.yml:5:7: route.routes[0].mute_time_intervals: undefined time interval "
            "\"weekends\" used in route");
  EXPECT_EQ(AmErrors("route: {receiver: r}\n"
                     "receivers:\n"
                     "  - name: r\n"
                     "    pagerduty_configs:\n"
                     "      - routing_key: x\n"
                     "    msteams_configs:\n"
                     "      - webhook_url: http://x/\n"),
            "am.yml:6:5: receivers[0].msteams_configs: msteams_configs is not supported by vigil "
            "(it is newer than Alertmanager 0.25, the format vigil reads)");
}

TEST(NotificationsTest, ReceiverValidation) {
  EXPECT_EQ(AmErrors("route: {receiver: r}\n"
                     "receivers:\n"
                     "  - name: r\n"
                     "    email_configs:\n"
                     "      - to: a@b.c\n"),
            "am.yml:5:9: receivers[0].email_configs[0]: no global SMTP smarthost set\n"
            "am.yml:5:9: receivers[0].email_configs[0]: no global SMTP from set");
  EXPECT_EQ(AmErrors("route: {receiver: r}\n"
                     "receivers:\n"
                     "  - name: r\n"
                     "    slack_configs:\n"
                     "      - channel: '#x'\n"),
            "am.yml:5:9: receivers[0].slack_configs[0]: no global Slack API URL set either "
            "inline or in a file");
  EXPECT_EQ(AmErrors("route: {receiver: r}\n"
                     "receivers:\n"
                     "  - name: r\n"
                     "    webhook_configs:\n"
                     "      - max_alerts: 3\n"),
            "am.yml:5:9: receivers[0].webhook_configs[0]: one of url or url_file must be "
            "configured");
  EXPECT_EQ(AmErrors("route: {receiver: r}\n"
                     "receivers:\n"
                     "  - name: r\n"
                     "    webhook_configs:\n"
                     "      - url: 'ftp://secret-token@host/'\n"),
            "am.yml:5:9: receivers[0].webhook_configs[0].url: unsupported scheme \"ftp\" for URL");
  EXPECT_EQ(AmErrors("global:\n"
                     "  smtp_smarthost: localhost\n"
                     "route: {receiver: r}\n"
                     "receivers: [{name: r}]\n"),
            "am.yml:2:3: global.smtp_smarthost: address \"localhost\": missing port in address");
}

TEST(NotificationsTest, TimeIntervalFormats) {
  auto errors = [](std::string_view spec) {
    return AmErrors(
        "route: {receiver: r}\nreceivers: [{name: r}]\ntime_intervals:\n"
        "  - name: t\n    time_intervals:\n      - " +
        std::string(spec) + "\n");
  };
  EXPECT_EQ(errors("weekdays: ['friday:monday']"),
            "am.yml:6:20: time_intervals[0].time_intervals[0].weekdays[0]: start day cannot be "
            "after end day: friday:monday");
  EXPECT_EQ(errors("weekdays: [funday]"),
            "am.yml:6:20: time_intervals[0].time_intervals[0].weekdays[0]: funday is not a valid "
            "weekday");
  EXPECT_EQ(errors("times: [{start_time: '17:00', end_time: '09:00'}]"),
            "am.yml:6:17: time_intervals[0].time_intervals[0].times[0]: start time cannot be "
            "equal or greater than end time");
  EXPECT_EQ(errors("times: [{start_time: '9am', end_time: '10:00'}]"),
            "am.yml:6:17: time_intervals[0].time_intervals[0].times[0]: couldn't parse "
            "timestamp 9am, invalid format");
  EXPECT_EQ(errors("days_of_month: ['0:5']"),
            "am.yml:6:25: time_intervals[0].time_intervals[0].days_of_month[0]: 0 is not a valid "
            "day of the month: out of range");
  EXPECT_EQ(errors("months: ['march:january']"),
            "am.yml:6:18: time_intervals[0].time_intervals[0].months[0]: end month january is "
            "before start month march");
  EXPECT_EQ(errors("years: ['2022:2020']"),
            "am.yml:6:17: time_intervals[0].time_intervals[0].years[0]: end year 2020 is before "
            "start year 2022");
  EXPECT_EQ(errors("location: Mars/Olympus"),
            "am.yml:6:9: time_intervals[0].time_intervals[0].location: unknown time zone "
            "Mars/Olympus");
}

}  // namespace
}  // namespace vigil::config
