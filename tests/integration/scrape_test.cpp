// The real vigil scraping the real vigil-demo: targets come up, a stopped
// target goes down with its error, and a config reload adds a job.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <thread>

#include "vigil_process.h"

namespace vigil::testing {
namespace {

using std::chrono::seconds;

std::optional<nlohmann::json> Targets(const VigilProcess& vigil) {
  auto r = vigil.Get("/api/v1/targets");
  if (!r.ok() || r->status != 200) return std::nullopt;
  return nlohmann::json::parse(r->body);
}

// Waits (bounded) until the target of `job` has `health`.
bool WaitHealth(const VigilProcess& vigil, const std::string& job, const std::string& health,
                nlohmann::json* target) {
  auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto t = Targets(vigil)) {
      for (const auto& active : (*t)["data"]["activeTargets"]) {
        if (active["scrapePool"] == job && active["health"] == health) {
          *target = active;
          return true;
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(Scrape, VigilScrapesTheDemoApp) {
  auto demo = Process::Start({VIGIL_DEMO_BINARY, "--web.listen-address=127.0.0.1:0"});
  ASSERT_TRUE(demo.ok());
  auto line = demo->WaitForOutput("vigil-demo listening", seconds(30));
  ASSERT_TRUE(line);
  std::string demo_address = "127.0.0.1:" + std::to_string(PortFromLogLine(*line));

  std::string config = "global:\n  scrape_interval: 200ms\n  scrape_timeout: 200ms\n"
                       "scrape_configs:\n  - job_name: demo\n    static_configs:\n"
                       "      - targets: ['" + demo_address + "']\n        labels: {env: test}\n";
  auto vigil = VigilProcess::Start(config, {"--web.enable-lifecycle"});
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();

  nlohmann::json target;
  ASSERT_TRUE(WaitHealth(*vigil, "demo", "up", &target)) << vigil->process().Output();
  EXPECT_EQ(target["labels"]["instance"], demo_address);
  EXPECT_EQ(target["labels"]["env"], "test");
  EXPECT_EQ(target["scrapeUrl"], "http://" + demo_address + "/metrics");
  EXPECT_EQ(target["lastError"], "");

  // vigil's own scrape counter moves.
  EXPECT_GT(vigil->Metric("vigil_target_scrapes_total").value_or(0), 0);

  // Add a job by reload: vigil scraping itself.
  WriteFile(vigil->config_path(),
            config + "  - job_name: self\n    static_configs:\n      - targets: ['127.0.0.1:" +
                std::to_string(vigil->port()) + "']\n");
  auto reload = vigil->Post("/-/reload");
  ASSERT_TRUE(reload.ok());
  EXPECT_EQ(reload->status, 200) << reload->body;
  ASSERT_TRUE(WaitHealth(*vigil, "self", "up", &target));

  // The demo goes away: its target goes down with the connection error.
  demo->Signal(SIGKILL);
  ASSERT_TRUE(WaitHealth(*vigil, "demo", "down", &target));
  EXPECT_NE(target["lastError"].get<std::string>().find("dial"), std::string::npos)
      << target.dump();

  vigil->process().Signal(SIGTERM);
  EXPECT_EQ(vigil->process().Wait(seconds(10)), 0);
}

}  // namespace
}  // namespace vigil::testing
