// vigil forwards its alerts to a real Alertmanager (Debian's 0.25): an
// alerting rule fires in vigil, and Alertmanager's /api/v2/alerts lists it
// with vigil's labels, annotations and generator URL.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "alertmanager_peer.h"
#include "vigil_process.h"

namespace vigil::testing {
namespace {

TEST(Forwarding, RealAlertmanagerListsVigilsAlert) {
  Result<AlertmanagerPeer> am = StartAlertmanager(VIGIL_ALERTMANAGER);
  ASSERT_TRUE(am.ok()) << am.status().message();
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/forward.yml", R"(groups:
  - name: forward
    interval: 1s
    rules:
      - alert: VigilForwarded
        expr: vector(1)
        labels: {severity: page}
        annotations: {summary: "forwarded by vigil"}
)");
  Result<VigilProcess> vigil = VigilProcess::Start(R"(global:
  evaluation_interval: 1s
  external_labels: {cluster: test}
rule_files: [")" + dir + R"(/forward.yml"]
alerting:
  alertmanagers:
    - static_configs: [{targets: ["127.0.0.1:)" + std::to_string(am->port) + R"("]}]
      timeout: 5s
)");
  ASSERT_TRUE(vigil.ok()) << vigil.status().message();

  nlohmann::json listed = nlohmann::json::array();
  for (int i = 0; i < 300 && listed.empty(); ++i) {
    Result<HttpResponse> r = HttpGet(am->port, "/api/v2/alerts");
    if (r.ok() && r->status == 200) listed = nlohmann::json::parse(r->body);
    if (listed.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(listed.size(), 1u) << listed.dump() << vigil->process().Output();
  EXPECT_EQ(listed[0]["labels"], nlohmann::json::parse(
                                     R"({"alertname":"VigilForwarded","severity":"page","cluster":"test"})"));
  EXPECT_EQ(listed[0]["annotations"]["summary"], "forwarded by vigil");
  EXPECT_NE(listed[0]["generatorURL"].get<std::string>().find("/graph?g0.expr="), std::string::npos)
      << listed[0].dump();
  EXPECT_EQ(listed[0]["status"]["state"], "active");
  std::optional<double> dropped = vigil->Metric("vigil_alertmanager_forward_dropped_total");
  EXPECT_EQ(dropped, 0.0);
}

}  // namespace
}  // namespace vigil::testing
