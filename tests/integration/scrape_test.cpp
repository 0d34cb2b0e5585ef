// The real vigil scraping the real vigil-demo: targets come up, a stopped
// target goes down with its error, and a config reload adds a job.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <sstream>
#include <string_view>
#include <thread>

#include "vigil/base/url_escape.h"
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
                nlohmann::json* target, std::string_view error_part = "") {
  auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto t = Targets(vigil)) {
      for (const auto& active : (*t)["data"]["activeTargets"]) {
        if (active["scrapePool"] == job && active["health"] == health &&
            active["lastError"].get<std::string>().find(error_part) != std::string::npos) {
          *target = active;
          return true;
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Waits (bounded) until vigil holds at least `n` samples of `selector`.
bool WaitSamples(const VigilProcess& vigil, const std::string& selector, int n) {
  const std::string target =
      "/api/v1/query?query=" + QueryEscape("count_over_time(" + selector + "[1h])");
  auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = vigil.Get(target);
    if (r.ok() && r->status == 200) {
      const nlohmann::json answer = nlohmann::json::parse(r->body);
      const nlohmann::json& result = answer["data"]["result"];
      if (!result.empty() && std::stod(result[0]["value"][1].get<std::string>()) >= n) {
        return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

struct DumpLine {
  std::string labels;
  std::string value;
  int64_t t;
};

// `vigil tsdb dump` of the data dir, one entry per sample.
std::vector<DumpLine> Dump(const std::string& data_dir, const std::string& match) {
  CommandResult r = RunCommand({VIGIL_BINARY, "tsdb", "dump", "--storage.tsdb.path=" + data_dir,
                                "--match=" + match});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::vector<DumpLine> out;
  std::istringstream lines(r.output);
  std::string line;
  while (std::getline(lines, line)) {
    size_t t_pos = line.rfind(' ');
    size_t v_pos = line.rfind(' ', t_pos - 1);
    out.push_back({line.substr(0, v_pos), line.substr(v_pos + 1, t_pos - v_pos - 1),
                   std::stoll(line.substr(t_pos + 1))});
  }
  return out;
}

TEST(Scrape, VigilScrapesTheDemoApp) {
  auto demo = Process::Start({VIGIL_DEMO_BINARY, "--web.listen-address=127.0.0.1:0"});
  ASSERT_TRUE(demo.ok());
  auto line = demo->WaitForOutput("vigil-demo listening", seconds(30));
  ASSERT_TRUE(line);
  std::string demo_address = "127.0.0.1:" + std::to_string(PortFromLogLine(*line));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(HttpGet(PortFromLogLine(*line), "/boom").ok());

  // A generated target with thousands of series, served as a static file.
  std::string files = MakeTempDir();
  std::string body;
  for (int i = 0; i < 3000; ++i) {
    body += "generated_metric{series=\"" + std::to_string(i) + "\"} " + std::to_string(i * 1.5) +
            "\n";
  }
  WriteFile(files + "/metrics", body);
  auto files_server = Process::Start({"/usr/bin/python3", "-u", "-c",
                                      "import http.server, functools, sys\n"
                                      "h = functools.partial(http.server.SimpleHTTPRequestHandler,"
                                      " directory=sys.argv[1])\n"
                                      "s = http.server.HTTPServer(('127.0.0.1', 0), h)\n"
                                      "print('address=127.0.0.1:%d' % s.server_address[1])\n"
                                      "s.serve_forever()\n",
                                      files});
  ASSERT_TRUE(files_server.ok());
  auto files_line = files_server->WaitForOutput("address=", seconds(20));
  ASSERT_TRUE(files_line);
  std::string files_address = "127.0.0.1:" + std::to_string(PortFromLogLine(*files_line));

  std::string config = "global:\n  scrape_interval: 200ms\n  scrape_timeout: 200ms\n"
                       "scrape_configs:\n  - job_name: demo\n    static_configs:\n"
                       "      - targets: ['" + demo_address + "']\n        labels: {env: test}\n"
                       "  - job_name: generated\n    static_configs:\n"
                       "      - targets: ['" + files_address + "']\n";
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

  // Two successful scrapes before the demo goes, for the checks of the
  // stored samples below (a fast run could reach the kill after one).
  ASSERT_TRUE(WaitSamples(*vigil, "up{job=\"demo\"}", 2));

  // The demo goes away: its target goes down with the connection error. A
  // scrape in flight at the kill fails reading ("connection reset by peer");
  // the scrapes after it fail to dial.
  demo->Signal(SIGKILL);
  ASSERT_TRUE(WaitHealth(*vigil, "demo", "down", &target, "dial")) << target.dump();

  ASSERT_TRUE(WaitHealth(*vigil, "generated", "up", &target));
  vigil->process().Signal(SIGTERM);
  EXPECT_EQ(vigil->process().Wait(seconds(10)), 0);

  // What reached storage, read back with `vigil tsdb dump`.
  const std::string data_dir = vigil->config_path().substr(0, vigil->config_path().rfind('/')) +
                               "/data";
  const std::string demo_labels =
      "env=\"test\", instance=\"" + demo_address + "\", job=\"demo\"";
  std::vector<DumpLine> up = Dump(data_dir, "up{job=\"demo\"}");
  ASSERT_GE(up.size(), 3u);
  for (const DumpLine& l : up) EXPECT_EQ(l.labels, "up{" + demo_labels + "}");
  EXPECT_EQ(up.front().value, "1");
  // Scrapes are one interval apart.
  EXPECT_NEAR(static_cast<double>(up[1].t - up[0].t), 200, 50);
  // The first failed scrape: up 0, and the demo's series marked stale then.
  auto down = std::find_if(up.begin(), up.end(), [](const DumpLine& l) { return l.value == "0"; });
  ASSERT_NE(down, up.end());
  std::vector<DumpLine> boom = Dump(
      data_dir, "http_requests_total{job=\"demo\",route=\"/boom\",status_code=\"500\"}");
  ASSERT_GE(boom.size(), 2u);
  EXPECT_EQ(boom.front().labels, "http_requests_total{env=\"test\", instance=\"" + demo_address +
                                     "\", job=\"demo\", method=\"GET\", route=\"/boom\", "
                                     "status_code=\"500\"}");
  EXPECT_EQ(boom.front().value, "3");
  EXPECT_EQ(boom.back().value, "NaN");  // the staleness marker
  EXPECT_EQ(boom.back().t, down->t);
  for (size_t i = 0; i + 1 < boom.size(); ++i) EXPECT_EQ(boom[i].t, up[i].t);

  std::vector<DumpLine> generated = Dump(data_dir, "generated_metric{series=\"2999\"}");
  ASSERT_FALSE(generated.empty());
  EXPECT_EQ(generated[0].labels, "generated_metric{instance=\"" + files_address +
                                     "\", job=\"generated\", series=\"2999\"}");
  EXPECT_EQ(generated[0].value, "4498.5");
  std::vector<DumpLine> scraped = Dump(data_dir, "scrape_samples_scraped{job=\"generated\"}");
  ASSERT_FALSE(scraped.empty());
  EXPECT_EQ(scraped[0].value, "3000");
  std::vector<DumpLine> all = Dump(data_dir, "generated_metric");
  EXPECT_EQ(all.size() % 3000, 0u);
}

}  // namespace
}  // namespace vigil::testing
