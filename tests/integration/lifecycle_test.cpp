// The real vigil binary: start-up, health, self-metrics, config reload (good
// and bad, by HTTP and SIGHUP), and graceful shutdown.
#include <gtest/gtest.h>

#include <csignal>

#include "vigil_process.h"

namespace vigil::testing {
namespace {

using std::chrono::seconds;

const char* kGoodConfig = R"(global:
  scrape_interval: 15s
scrape_configs:
  - job_name: vigil
    static_configs:
      - targets: ["localhost:9090"]
)";

const char* kGoodConfigWithDemo = R"(global:
  scrape_interval: 15s
scrape_configs:
  - job_name: vigil
    static_configs:
      - targets: ["localhost:9090"]
  - job_name: demo_after_reload
    static_configs:
      - targets: ["localhost:8080"]
)";

const char* kBadConfig = R"(global:
  scrape_interval: 15s
scrape_configs:
  - job_name: vigil
    scrape_interval: 5x
)";

TEST(Lifecycle, ServesHealthReadinessAndSelfMetrics) {
  auto vigil = VigilProcess::Start(kGoodConfig);
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
  auto healthy = vigil->Get("/-/healthy");
  ASSERT_TRUE(healthy.ok());
  EXPECT_EQ(healthy->status, 200);
  auto ready = vigil->Get("/-/ready");
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(ready->status, 200);
  auto metrics = vigil->Get("/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_EQ(metrics->Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  for (const char* name :
       {"vigil_build_info{", "process_cpu_seconds_total ", "process_resident_memory_bytes ",
        "process_open_fds ", "process_start_time_seconds ",
        "vigil_config_last_reload_successful 1", "vigil_http_requests_total{code=\"200\","
                                                 "handler=\"/-/healthy\"} 1",
        "vigil_http_request_duration_seconds_bucket{handler=\"/-/ready\",le=\"0.1\"} 1"}) {
    EXPECT_NE(metrics->body.find(name), std::string::npos) << name << "\n" << metrics->body;
  }
  auto ui = vigil->Get("/");
  ASSERT_TRUE(ui.ok());
  EXPECT_EQ(ui->Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(ui->body.find("/static/vigil.js"), std::string::npos);
  auto js = vigil->Get("/static/vigil.js");
  ASSERT_TRUE(js.ok());
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(vigil->Get("/static/missing.js")->status, 404);
  auto buildinfo = vigil->Get("/api/v1/status/buildinfo");
  ASSERT_TRUE(buildinfo.ok());
  EXPECT_NE(buildinfo->body.find("\"status\":\"success\""), std::string::npos);
}

TEST(Lifecycle, BadReloadKeepsOldConfigAndGoodReloadSwaps) {
  auto vigil = VigilProcess::Start(kGoodConfig, {"--web.enable-lifecycle"});
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
  EXPECT_EQ(vigil->Metric("vigil_config_last_reload_successful"), 1);

  WriteFile(vigil->config_path(), kBadConfig);
  auto bad = vigil->Post("/-/reload");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 500);
  EXPECT_NE(bad->body.find("vigil.yml:5:5: scrape_configs[0].scrape_interval"), std::string::npos)
      << bad->body;
  EXPECT_EQ(vigil->Metric("vigil_config_last_reload_successful"), 0);
  // Still serving, on the old config.
  auto config = vigil->Get("/api/v1/status/config");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->status, 200);
  EXPECT_NE(config->body.find("job_name: \\\"vigil\\\""), std::string::npos) << config->body;

  WriteFile(vigil->config_path(), kGoodConfigWithDemo);
  auto good = vigil->Post("/-/reload");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->status, 200) << good->body;
  EXPECT_EQ(vigil->Metric("vigil_config_last_reload_successful"), 1);
  config = vigil->Get("/api/v1/status/config");
  ASSERT_TRUE(config.ok());
  EXPECT_NE(config->body.find("demo_after_reload"), std::string::npos);
}

TEST(Lifecycle, SighupReloads) {
  auto vigil = VigilProcess::Start(kGoodConfig);
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
  WriteFile(vigil->config_path(), kBadConfig);
  vigil->process().Signal(SIGHUP);
  ASSERT_TRUE(vigil->process().WaitForOutput("Error reloading config", seconds(10)));
  EXPECT_EQ(vigil->Metric("vigil_config_last_reload_successful"), 0);
  WriteFile(vigil->config_path(), kGoodConfigWithDemo);
  vigil->process().Signal(SIGHUP);
  // The second "Completed loading" line is the reload's.
  for (int i = 0; i < 500; ++i) {
    if (vigil->Metric("vigil_config_last_reload_successful") == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(vigil->Metric("vigil_config_last_reload_successful"), 1);
}

TEST(Lifecycle, LifecycleApiIsOffByDefault) {
  auto vigil = VigilProcess::Start(kGoodConfig);
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
  auto r = vigil->Post("/-/reload");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 403);
}

TEST(Lifecycle, SigtermExitsZeroWithinTheBound) {
  auto vigil = VigilProcess::Start(kGoodConfig, {"--web.shutdown-timeout=2s"});
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
  // An idle keep-alive client must not hold the shutdown up.
  auto conn = HttpConnection::Open(vigil->port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn->Request("GET", "/-/healthy").ok());
  vigil->process().Signal(SIGTERM);
  std::optional<int> code = vigil->process().Wait(seconds(5));
  ASSERT_TRUE(code.has_value()) << "vigil did not exit within 5s";
  EXPECT_EQ(*code, 0) << vigil->process().Output();
  EXPECT_NE(vigil->process().Output().find("See you next time!"), std::string::npos);
}

TEST(Lifecycle, QuitEndpointStopsTheServer) {
  auto vigil = VigilProcess::Start(kGoodConfig, {"--web.enable-lifecycle"});
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
  auto r = vigil->Post("/-/quit");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  std::optional<int> code = vigil->process().Wait(seconds(5));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
}

TEST(Lifecycle, BadConfigAtStartupIsAnError) {
  std::string dir = MakeTempDir();
  WriteFile(dir + "/vigil.yml", kBadConfig);
  CommandResult r = RunCommand({VIGIL_BINARY, "--config.file=" + dir + "/vigil.yml",
                                "--web.listen-address=127.0.0.1:0",
                                "--storage.tsdb.path=" + dir + "/data"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("not a valid duration string"), std::string::npos) << r.output;
}

TEST(Lifecycle, PortInUseIsAnError) {
  auto first = VigilProcess::Start(kGoodConfig);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::string dir = MakeTempDir();
  WriteFile(dir + "/vigil.yml", kGoodConfig);
  CommandResult r = RunCommand(
      {VIGIL_BINARY, "--config.file=" + dir + "/vigil.yml",
       "--web.listen-address=127.0.0.1:" + std::to_string(first->port()),
       "--storage.tsdb.path=" + dir + "/data"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("cannot listen on"), std::string::npos) << r.output;
}

TEST(Lifecycle, JsonLogFormat) {
  auto vigil = VigilProcess::Start(kGoodConfig, {"--log.format=json", "--log.level=debug"});
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
  EXPECT_NE(vigil->process().Output().find("{\"ts\":"), std::string::npos);
}

}  // namespace
}  // namespace vigil::testing
