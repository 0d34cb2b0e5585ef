// The forwarder to external Alertmanagers: targets from the config, the
// postable-alerts JSON, the bounded queue, and delivery to a real Debian
// Alertmanager 0.25 whose /api/v2/alerts then lists the alert.
#include "vigil/notify/forwarder.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <thread>

#include "alertmanager_peer.h"
#include "http_client.h"
#include "receiver_servers.h"
#include "vigil/base/event_loop.h"

namespace vigil::notify {
namespace {

std::shared_ptr<const config::Config> Parse(const std::string& yaml) {
  Result<std::shared_ptr<const config::Config>> cfg = config::ParseConfig(yaml, "vigil.yml");
  EXPECT_TRUE(cfg.ok()) << cfg.status().message();
  return cfg.ok() ? *cfg : nullptr;
}

Alert MakeAlert(const std::string& name) {
  Alert a;
  a.labels = model::Labels::FromStrings({"alertname", name, "severity", "page"});
  a.annotations = model::Labels::FromStrings({"summary", "it broke"});
  a.starts_at_ms = 1704164645123;
  a.generator_url = "http://vigil:9090/graph";
  return a;
}

TEST(Forwarder, TargetsFromStaticConfigsAndRelabeling) {
  auto cfg = Parse(R"(
alerting:
  alertmanagers:
    - static_configs: [{targets: ["am1:9093", "am2:9093"]}]
      path_prefix: /am/
    - scheme: https
      static_configs: [{targets: ["keep:443", "drop:443"]}]
      relabel_configs:
        - source_labels: [__address__]
          regex: drop.*
          action: drop
)");
  ASSERT_NE(cfg, nullptr);
  std::vector<std::string> urls;
  for (const AlertmanagerTarget& t : AlertmanagerTargets(cfg->alerting)) urls.push_back(t.url);
  EXPECT_EQ(urls, (std::vector<std::string>{"http://am1:9093/am/api/v2/alerts",
                                            "http://am2:9093/am/api/v2/alerts",
                                            "https://keep:443/api/v2/alerts"}));
}

TEST(Forwarder, PostableAlertsJson) {
  Alert a = MakeAlert("X");
  a.ends_at_ms = 1704164700000;
  nlohmann::json j = nlohmann::json::parse(PostableAlertsJson({a}));
  EXPECT_EQ(j, nlohmann::json::parse(R"([{"labels":{"alertname":"X","severity":"page"},
    "annotations":{"summary":"it broke"},"startsAt":"2024-01-02T03:04:05.123Z",
    "endsAt":"2024-01-02T03:05:00Z","generatorURL":"http://vigil:9090/graph"}])"));
}

TEST(Forwarder, FullQueueDropsOldestAndRelabels) {
  Result<testing::Peer> server = testing::StartCaptureServer();
  ASSERT_TRUE(server.ok()) << server.status().message();
  auto cfg = Parse(R"(
global:
  external_labels: {cluster: eu1, severity: ignored}
alerting:
  alert_relabel_configs:
    - source_labels: [alertname]
      regex: Dropped
      action: drop
  alertmanagers:
    - static_configs: [{targets: ["127.0.0.1:)" + std::to_string(server->port) + R"("]}]
)");
  ASSERT_NE(cfg, nullptr);
  EventLoop loop;
  metrics::Registry registry;
  {
    Forwarder forwarder(loop, registry, Forwarder::Options{3, 64});
    forwarder.ApplyConfig(*cfg);
    // The loop is not running yet: everything stays queued.
    forwarder.Send({MakeAlert("A1"), MakeAlert("Dropped"), MakeAlert("A2"), MakeAlert("A3"),
                    MakeAlert("A4"), MakeAlert("A5")});
    EXPECT_EQ(forwarder.queue_length(), 3u);
    EXPECT_EQ(registry.Value("vigil_alertmanager_forward_dropped_total"), 2.0);
    loop.Start(1);
    for (int i = 0; i < 200 && testing::Captured(*server).empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::vector<testing::CapturedRequest> got = testing::Captured(*server);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].path, "/api/v2/alerts");
    nlohmann::json alerts = nlohmann::json::parse(got[0].body);
    ASSERT_EQ(alerts.size(), 3u);
    EXPECT_EQ(alerts[0]["labels"]["alertname"], "A3");
    EXPECT_EQ(alerts[2]["labels"]["alertname"], "A5");
    EXPECT_EQ(alerts[0]["labels"]["cluster"], "eu1");
    EXPECT_EQ(alerts[0]["labels"]["severity"], "page");  // the alert's own value wins
    forwarder.Stop();
  }
  loop.Stop();
  loop.Join();
}

TEST(Forwarder, RealAlertmanagerReceivesTheAlert) {
  Result<vigil::testing::AlertmanagerPeer> am = vigil::testing::StartAlertmanager(VIGIL_ALERTMANAGER);
  ASSERT_TRUE(am.ok()) << am.status().message();
  const uint16_t port = am->port;

  auto cfg = Parse(R"(
global:
  external_labels: {cluster: eu1}
alerting:
  alertmanagers:
    - static_configs: [{targets: ["127.0.0.1:)" + std::to_string(port) + R"("]}]
      timeout: 5s
)");
  ASSERT_NE(cfg, nullptr);
  EventLoop loop;
  loop.Start(1);
  metrics::Registry registry;
  Forwarder forwarder(loop, registry, Forwarder::Options{});
  forwarder.ApplyConfig(*cfg);
  Alert alert = MakeAlert("ForwardedAlert");
  alert.starts_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
  alert.ends_at_ms = alert.starts_at_ms + 3600 * 1000;
  forwarder.Send({alert});

  nlohmann::json listed;
  for (int i = 0; i < 200; ++i) {
    Result<vigil::testing::HttpResponse> r = vigil::testing::HttpGet(port, "/api/v2/alerts");
    if (r.ok() && r->status == 200) {
      listed = nlohmann::json::parse(r->body);
      if (!listed.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(listed.size(), 1u) << listed.dump() << am->process.Output();
  EXPECT_EQ(listed[0]["labels"], nlohmann::json::parse(
                                     R"({"alertname":"ForwardedAlert","severity":"page","cluster":"eu1"})"));
  EXPECT_EQ(listed[0]["annotations"]["summary"], "it broke");
  EXPECT_EQ(listed[0]["generatorURL"], "http://vigil:9090/graph");
  EXPECT_EQ(listed[0]["status"]["state"], "active");
  EXPECT_EQ(registry.Value("vigil_alertmanager_forward_sent_total"), 1.0);
  forwarder.Stop();
  loop.Stop();
  loop.Join();
}

}  // namespace
}  // namespace vigil::notify
