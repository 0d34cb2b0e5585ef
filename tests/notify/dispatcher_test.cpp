#include "vigil/notify/dispatcher.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "fake_integration.h"
#include "process.h"
#include "vigil/base/metrics.h"
#include "vigil/config/config.h"

namespace vigil::notify {
namespace {

using testing::FakeIntegration;
constexpr int64_t kStart = 1'700'000'000'000;
constexpr int64_t kSecond = 1000;

// A dispatcher on a FakeClock with state in a temp dir, reopenable.
class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = vigil::testing::MakeTempDir(); }

  void Open(const std::string& yaml) {
    dispatcher_.reset();
    silences_.reset();
    registry_ = std::make_unique<metrics::Registry>();
    auto config = config::ParseAlertmanagerConfig(yaml, "alertmanager.yml");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    config_ = *config;
    auto silences = Silences::Open({.dir = dir_, .clock = &clock_});
    ASSERT_TRUE(silences.ok()) << silences.status().ToString();
    silences_ = std::move(*silences);
    DispatcherOptions options;
    options.dir = dir_;
    options.clock = &clock_;
    options.registry = registry_.get();
    options.silences = silences_.get();
    auto d = Dispatcher::Open(options);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    dispatcher_ = std::move(*d);
    IntegrationMap map;
    for (const config::Receiver& r : config_->receivers) {
      auto& list = integrations_[r.name];
      if (list.empty()) list.push_back(std::make_shared<FakeIntegration>());
      for (auto& i : list) map[r.name].push_back(i);
    }
    ASSERT_TRUE(dispatcher_->ApplyConfig(config_, map).ok());
  }

  FakeIntegration& Receiver(const std::string& name, size_t i = 0) {
    return *integrations_.at(name).at(i);
  }

  // Advances the clock in steps, ticking at each.
  void Run(int64_t ms, int64_t step = 100) {
    for (int64_t t = 0; t < ms; t += step) {
      clock_.Advance(step);
      dispatcher_->Tick();
    }
  }

  static Alert Firing(std::initializer_list<std::string_view> labels) {
    Alert a;
    a.labels = model::Labels::FromStrings(labels);
    return a;
  }

  static Alert Resolved(std::initializer_list<std::string_view> labels, int64_t at) {
    Alert a = Firing(labels);
    a.starts_at_ms = at - 60 * kSecond;
    a.ends_at_ms = at;
    return a;
  }

  std::string dir_;
  FakeClock clock_{kStart};
  std::unique_ptr<metrics::Registry> registry_;
  std::shared_ptr<const config::NotificationConfig> config_;
  std::map<std::string, std::vector<std::shared_ptr<FakeIntegration>>> integrations_;
  std::unique_ptr<Silences> silences_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

constexpr char kSimple[] = R"(
global:
  resolve_timeout: 1h
route:
  receiver: team
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: team
)";

TEST_F(DispatcherTest, FirstNotificationAfterGroupWaitWithAllAlertsOfTheGroup) {
  Open(kSimple);
  dispatcher_->Send({Firing({"alertname", "HighLatency", "instance", "a"})});
  Run(10 * kSecond);
  dispatcher_->Send({Firing({"alertname", "HighLatency", "instance", "b"})});
  Run(19 * kSecond);
  EXPECT_TRUE(Receiver("team").delivered().empty()) << "sent before group_wait";
  Run(2 * kSecond);
  auto sent = Receiver("team").delivered();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].alerts.size(), 2u);
  EXPECT_EQ(sent[0].group_key, R"({}:{alertname="HighLatency"})");
  EXPECT_EQ(sent[0].group_labels.ToString(), R"({alertname="HighLatency"})");
  EXPECT_EQ(sent[0].receiver, "team");
}

TEST_F(DispatcherTest, UnchangedGroupRepeatsOnlyAfterRepeatInterval) {
  Open(kSimple);
  // Kept firing by a resend every minute, as the rules manager does.
  auto keep_firing = [this](int64_t ms) {
    for (int64_t t = 0; t < ms; t += 60 * kSecond) {
      dispatcher_->Send({Firing({"alertname", "A"})});
      Run(60 * kSecond, kSecond);
    }
  };
  dispatcher_->Send({Firing({"alertname", "A"})});
  Run(31 * kSecond);
  ASSERT_EQ(Receiver("team").delivered().size(), 1u);
  keep_firing(230 * 60 * kSecond);
  EXPECT_EQ(Receiver("team").delivered().size(), 1u) << "repeated before repeat_interval";
  keep_firing(20 * 60 * kSecond);
  auto sent = Receiver("team").delivered();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_FALSE(sent[1].alerts[0].ResolvedAt(clock_.Now()));
}

TEST_F(DispatcherTest, NewAlertInGroupNotifiedAtNextGroupInterval) {
  Open(kSimple);
  dispatcher_->Send({Firing({"alertname", "A", "instance", "1"})});
  Run(31 * kSecond);
  dispatcher_->Send({Firing({"alertname", "A", "instance", "2"})});
  Run(4 * 60 * kSecond, kSecond);
  EXPECT_EQ(Receiver("team").delivered().size(), 1u);
  Run(60 * kSecond, kSecond);
  auto sent = Receiver("team").delivered();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].alerts.size(), 2u);
}

TEST_F(DispatcherTest, ResolvedSentOnlyToSendResolvedIntegrationsThenGroupRemoved) {
  integrations_["team"] = {std::make_shared<FakeIntegration>(true),
                           std::make_shared<FakeIntegration>(false, "slack")};
  Open(kSimple);
  dispatcher_->Send({Firing({"alertname", "A"})});
  Run(31 * kSecond);
  ASSERT_EQ(Receiver("team", 0).delivered().size(), 1u);
  ASSERT_EQ(Receiver("team", 1).delivered().size(), 1u);
  dispatcher_->Send({Resolved({"alertname", "A"}, clock_.Now())});
  Run(5 * 60 * kSecond, kSecond);
  auto with_resolved = Receiver("team", 0).delivered();
  ASSERT_EQ(with_resolved.size(), 2u);
  ASSERT_EQ(with_resolved[1].alerts.size(), 1u);
  EXPECT_TRUE(with_resolved[1].alerts[0].ResolvedAt(clock_.Now()));
  EXPECT_EQ(Receiver("team", 1).delivered().size(), 1u);
  EXPECT_TRUE(dispatcher_->Groups().empty());
  EXPECT_TRUE(dispatcher_->Alerts().empty());
}

TEST_F(DispatcherTest, AlertWithoutEndsAtResolvesAfterResolveTimeout) {
  std::string config = kSimple;
  config.replace(config.find("1h"), 2, "1m");
  Open(config);
  dispatcher_->Send({Firing({"alertname", "A"})});
  Run(31 * kSecond);
  EXPECT_EQ(dispatcher_->Alerts().size(), 1u);
  Run(31 * kSecond);
  EXPECT_TRUE(dispatcher_->Alerts().empty());
  Run(5 * 60 * kSecond, kSecond);
  ASSERT_EQ(Receiver("team").delivered().size(), 2u);
  EXPECT_TRUE(Receiver("team").delivered()[1].alerts[0].ResolvedAt(clock_.Now()));
}

TEST_F(DispatcherTest, MergeKeepsEarliestStartsAt) {
  Open(kSimple);
  Alert first = Firing({"alertname", "A"});
  first.starts_at_ms = kStart - 100 * kSecond;
  first.ends_at_ms = kStart + 100 * kSecond;
  dispatcher_->Send({first});
  Alert later = first;
  later.starts_at_ms = kStart - 10 * kSecond;
  dispatcher_->Send({later});
  auto alerts = dispatcher_->Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].alert.starts_at_ms, kStart - 100 * kSecond);
}

TEST_F(DispatcherTest, OldAlertSkipsGroupWait) {
  Open(kSimple);
  Alert a = Firing({"alertname", "A"});
  a.starts_at_ms = kStart - 10 * 60 * kSecond;
  dispatcher_->Send({a});
  Run(200);
  EXPECT_EQ(Receiver("team").delivered().size(), 1u);
}

constexpr char kTree[] = R"(
route:
  receiver: default
  group_by: ['...']
  group_wait: 1s
  routes:
    - matchers: [team="db"]
      receiver: db
      continue: true
    - matchers: [severity=~"critical|page"]
      receiver: pager
      routes:
        - matchers: [env="staging"]
          receiver: staging
receivers:
  - name: default
  - name: db
  - name: pager
  - name: staging
)";

TEST_F(DispatcherTest, RoutesWithContinueAndNestedChildren) {
  Open(kTree);
  dispatcher_->Send({Firing({"alertname", "X", "team", "db", "severity", "critical"}),
                     Firing({"alertname", "Y", "severity", "page", "env", "staging"}),
                     Firing({"alertname", "Z"})});
  Run(2 * kSecond);
  ASSERT_EQ(Receiver("db").delivered().size(), 1u);
  EXPECT_EQ(Receiver("db").delivered()[0].group_key,
            R"({}/{team="db"}:{alertname="X", severity="critical", team="db"})");
  ASSERT_EQ(Receiver("pager").delivered().size(), 1u);
  EXPECT_EQ(Receiver("pager").delivered()[0].alerts[0].labels.Get("alertname"), "X");
  ASSERT_EQ(Receiver("staging").delivered().size(), 1u);
  EXPECT_EQ(Receiver("staging").delivered()[0].group_key.substr(0, 40),
            R"({}/{severity=~"critical|page"}/{env="sta)");
  ASSERT_EQ(Receiver("default").delivered().size(), 1u);
  EXPECT_EQ(Receiver("default").delivered()[0].alerts[0].labels.Get("alertname"), "Z");
  auto views = dispatcher_->Alerts();
  ASSERT_EQ(views.size(), 3u);
  EXPECT_EQ(views[0].receivers, (std::vector<std::string>{"db", "pager"}));
}

constexpr char kInhibit[] = R"(
route:
  receiver: team
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1m
receivers:
  - name: team
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [cluster]
)";

TEST_F(DispatcherTest, InhibitionNeedsFiringSourceWithEqualLabels) {
  Open(kInhibit);
  dispatcher_->Send({Firing({"alertname", "Down", "severity", "critical", "cluster", "a"}),
                     Firing({"alertname", "Slow", "severity", "warning", "cluster", "a"}),
                     Firing({"alertname", "Slow2", "severity", "warning", "cluster", "b"})});
  Run(2 * kSecond);
  std::set<std::string> names;
  for (const Notification& n : Receiver("team").delivered()) {
    for (const Alert& a : n.alerts) names.insert(std::string(a.labels.Get("alertname")));
  }
  EXPECT_EQ(names, (std::set<std::string>{"Down", "Slow2"}));
  auto views = dispatcher_->Alerts();
  ASSERT_EQ(views.size(), 3u);
  for (const AlertSnapshot& v : views) {
    EXPECT_EQ(v.inhibited_by.empty(), v.alert.labels.Get("alertname") != "Slow")
        << v.alert.labels.ToString();
  }
  // The source resolves: the target is notified at its next flush.
  dispatcher_->Send(
      {Resolved({"alertname", "Down", "severity", "critical", "cluster", "a"}, clock_.Now())});
  Run(61 * kSecond, kSecond);
  bool slow_sent = false;
  for (const Notification& n : Receiver("team").delivered()) {
    for (const Alert& a : n.alerts) slow_sent |= a.labels.Get("alertname") == "Slow";
  }
  EXPECT_TRUE(slow_sent);
}

TEST_F(DispatcherTest, AlertMatchingSourceAndTargetIsNotInhibitedByItsPeers) {
  Open(R"(
route: {receiver: team, group_wait: 1s}
receivers: [{name: team}]
inhibit_rules:
  - source_matchers: [kind="x"]
    target_matchers: [kind="x"]
    equal: [cluster]
)");
  dispatcher_->Send({Firing({"alertname", "A", "kind", "x", "cluster", "a"}),
                     Firing({"alertname", "B", "kind", "x", "cluster", "a"})});
  Run(2 * kSecond);
  ASSERT_EQ(Receiver("team").delivered().size(), 1u);
  EXPECT_EQ(Receiver("team").delivered()[0].alerts.size(), 2u);
}

TEST_F(DispatcherTest, SilencedAlertsAreNotSent) {
  Open(kSimple);
  Silence s;
  s.matchers.push_back(*model::Matcher::Make(model::MatchType::kRegexMatch, "instance", "a|b"));
  s.starts_at_ms = kStart;
  s.ends_at_ms = kStart + 3600 * kSecond;
  ASSERT_TRUE(silences_->Set(s).ok());
  dispatcher_->Send({Firing({"alertname", "A", "instance", "a"}),
                     Firing({"alertname", "A", "instance", "c"}),
                     Firing({"alertname", "B", "instance", "b"})});
  Run(31 * kSecond);
  auto sent = Receiver("team").delivered();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].alerts.size(), 1u);
  EXPECT_EQ(sent[0].alerts[0].labels.Get("instance"), "c");
  auto views = dispatcher_->Alerts();
  ASSERT_EQ(views.size(), 3u);
  EXPECT_EQ(views[0].silenced_by.size(), 1u);
}

TEST_F(DispatcherTest, MuteAndActiveTimeIntervals) {
  // kStart is Tuesday 2023-11-14 22:13:20 UTC.
  Open(R"(
route:
  receiver: team
  group_wait: 1s
  routes:
    - matchers: [a="muted"]
      receiver: muted
      mute_time_intervals: [evenings]
    - matchers: [a="active"]
      receiver: active
      active_time_intervals: [evenings]
    - matchers: [a="inactive"]
      receiver: inactive
      active_time_intervals: [mondays]
receivers: [{name: team}, {name: muted}, {name: active}, {name: inactive}]
time_intervals:
  - name: evenings
    time_intervals:
      - times: [{start_time: "20:00", end_time: "23:00"}]
        weekdays: ['tuesday']
  - name: mondays
    time_intervals:
      - weekdays: ['monday']
        location: Europe/Berlin
)");
  dispatcher_->Send({Firing({"a", "muted"}), Firing({"a", "active"}), Firing({"a", "inactive"})});
  Run(2 * kSecond);
  EXPECT_EQ(Receiver("muted").delivered().size(), 0u);
  EXPECT_EQ(Receiver("active").delivered().size(), 1u);
  EXPECT_EQ(Receiver("inactive").delivered().size(), 0u);
}

TEST_F(DispatcherTest, RetriesWithBackoffUntilDeliveredOnce) {
  Open(kSimple);
  Receiver("team").FailNext(3);
  dispatcher_->Send({Firing({"alertname", "A"})});
  Run(31500);
  EXPECT_EQ(Receiver("team").attempts(), 2u) << "first retry after 1s ± 20%";
  EXPECT_EQ(dispatcher_->PendingNotifications(), 1u);
  Run(10 * kSecond);
  EXPECT_EQ(Receiver("team").attempts(), 4u);
  EXPECT_EQ(Receiver("team").delivered().size(), 1u);
  EXPECT_EQ(dispatcher_->PendingNotifications(), 0u);
  Run(10 * 60 * kSecond, kSecond);
  EXPECT_EQ(Receiver("team").attempts(), 4u);
  std::string m = registry_->Render();
  EXPECT_NE(m.find(R"(vigil_notifications_total{integration="webhook",receiver="team"} 4)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(R"(vigil_notifications_failed_total{integration="webhook",receiver="team"} 3)"),
            std::string::npos);
}

TEST_F(DispatcherTest, NonRetryableFailureIsNotRetried) {
  Open(kSimple);
  Receiver("team").FailNext(1, /*retryable=*/false);
  dispatcher_->Send({Firing({"alertname", "A"})});
  Run(60 * kSecond);
  EXPECT_EQ(Receiver("team").attempts(), 1u);
  EXPECT_EQ(dispatcher_->PendingNotifications(), 0u);
}

TEST_F(DispatcherTest, PendingNotificationSurvivesRestartAndIsDeliveredOnce) {
  Open(kSimple);
  Receiver("team").FailNext(100);
  dispatcher_->Send({Firing({"alertname", "A"})});
  Run(35 * kSecond);
  ASSERT_GT(Receiver("team").attempts(), 1u);
  ASSERT_TRUE(Receiver("team").delivered().empty());
  // "Crash": a new process with fresh integrations and no alerts in memory.
  integrations_.clear();
  Open(kSimple);
  EXPECT_EQ(dispatcher_->PendingNotifications(), 1u);
  dispatcher_->Tick();
  ASSERT_EQ(Receiver("team").delivered().size(), 1u);
  EXPECT_EQ(Receiver("team").delivered()[0].alerts[0].labels.Get("alertname"), "A");
  // The rules manager resends the alert: the notification log dedups it.
  dispatcher_->Send({Firing({"alertname", "A"})});
  Run(10 * 60 * kSecond, kSecond);
  EXPECT_EQ(Receiver("team").delivered().size(), 1u);
}

TEST_F(DispatcherTest, DeliveredBeforeRestartIsNotResent) {
  Open(kSimple);
  dispatcher_->Send({Firing({"alertname", "A"})});
  Run(31 * kSecond);
  ASSERT_EQ(Receiver("team").delivered().size(), 1u);
  integrations_.clear();
  Open(kSimple);
  dispatcher_->Send({Firing({"alertname", "A"})});
  Run(60 * kSecond);
  EXPECT_TRUE(Receiver("team").delivered().empty());
}

TEST_F(DispatcherTest, InFlightDeliveryReplacedByNewerContentSendsBoth) {
  Open(kSimple);
  Receiver("team").Hold();
  dispatcher_->Send({Firing({"alertname", "A", "i", "1"})});
  Run(31 * kSecond);
  ASSERT_EQ(Receiver("team").attempts(), 1u);
  dispatcher_->Send({Firing({"alertname", "A", "i", "2"})});
  Run(5 * 60 * kSecond, kSecond);
  Receiver("team").Release({});
  Run(2 * kSecond);
  // Both versions went out, the older first; nothing is left or repeated.
  auto sent = Receiver("team").delivered();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].alerts.size(), 1u);
  EXPECT_EQ(sent[1].alerts.size(), 2u);
  EXPECT_EQ(dispatcher_->PendingNotifications(), 0u);
  Run(5 * 60 * kSecond, kSecond);
  EXPECT_EQ(Receiver("team").attempts(), 2u);
}

TEST_F(DispatcherTest, ReloadKeepsAlertsAndDoesNotResend) {
  Open(kSimple);
  dispatcher_->Send({Firing({"alertname", "A"})});
  Run(31 * kSecond);
  ASSERT_EQ(Receiver("team").delivered().size(), 1u);
  IntegrationMap map;
  map["team"].push_back(integrations_["team"][0]);
  ASSERT_TRUE(dispatcher_->ApplyConfig(config_, map).ok());
  Run(60 * kSecond, kSecond);
  EXPECT_EQ(Receiver("team").delivered().size(), 1u);
  EXPECT_EQ(dispatcher_->Alerts().size(), 1u);
}

TEST(ValidateAlertTest, RefusesBadAlerts) {
  Alert a;
  EXPECT_FALSE(ValidateAlert(a).ok());
  a.labels = model::Labels::FromStrings({"alertname", "x"});
  EXPECT_TRUE(ValidateAlert(a).ok());
  a.starts_at_ms = 10;
  a.ends_at_ms = 5;
  EXPECT_EQ(ValidateAlert(a).message(), "start time must be before end time");
}

}  // namespace
}  // namespace vigil::notify

namespace vigil::notify {
namespace {

// Alertmanager's routing corpus, dispatched: each alert reaches exactly the
// receivers the corpus lists, in order, and each of them is notified.
TEST_F(DispatcherTest, RoutingCorpusDispatchesToTheListedReceivers) {
  const std::string corpus = VIGIL_ALERTMANAGER_CORPUS;
  std::ifstream cases(corpus + "/routing/routing-cases.tsv");
  ASSERT_TRUE(cases) << corpus;
  std::string line;
  std::getline(cases, line);  // header
  int checked = 0;
  while (std::getline(cases, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string file, labels_text, expected_text;
    std::getline(fields, file, '\t');
    std::getline(fields, labels_text, '\t');
    std::getline(fields, expected_text, '\t');
    std::ifstream in(corpus + "/" + file);
    std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SetUp();  // a fresh state dir per case
    integrations_.clear();
    Open(yaml);
    std::vector<std::pair<std::string, std::string>> pairs;
    std::istringstream words(labels_text);
    for (std::string w; words >> w;) {
      pairs.emplace_back(w.substr(0, w.find('=')), w.substr(w.find('=') + 1));
    }
    Alert a;
    a.labels = model::Labels::FromPairs(pairs);
    a.ends_at_ms = clock_.Now() + 3600 * kSecond;  // firing throughout
    dispatcher_->Send({a});
    std::vector<std::string> expected;
    std::istringstream names(expected_text);
    for (std::string n; std::getline(names, n, ',');) expected.push_back(n);
    auto views = dispatcher_->Alerts();
    ASSERT_EQ(views.size(), 1u) << line;
    EXPECT_EQ(views[0].receivers, expected) << line;
    Run(10 * 60 * kSecond, kSecond);
    for (const std::string& r : expected) {
      EXPECT_EQ(Receiver(r).delivered().size(), 1u) << line << " receiver " << r;
    }
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

}  // namespace
}  // namespace vigil::notify
