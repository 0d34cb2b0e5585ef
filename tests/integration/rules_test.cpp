// The real vigil evaluating rules over what it scrapes from the real
// vigil-demo: an alert goes pending then firing, a recording rule's series is
// queryable, /api/v1/rules shows both, a reload with a broken rule file keeps
// the old rules, and `vigil check rules` reports like promtool.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "vigil_process.h"

namespace vigil::testing {
namespace {

using std::chrono::seconds;
using Json = nlohmann::json;

const char* kRules = R"Y(groups:
  - name: demo
    interval: 1s
    rules:
      - record: job:up:sum
        expr: sum by (job) (up{job="demo"})
      - alert: DemoUp
        expr: job:up:sum == 1
        for: 3s
        labels:
          severity: info
        annotations:
          summary: "{{ $labels.job }} is up (value {{ $value }})"
)Y";

const char* kBrokenRules = R"Y(groups:
  - name: demo
    rules:
      - record: job:up:sum
        expr: sum by (job) (up{job="demo"}
)Y";

std::string Config(uint16_t demo_port) {
  return "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
         "rule_files: [\"rules/*.yml\"]\n"
         "scrape_configs:\n  - job_name: demo\n    static_configs:\n"
         "      - targets: [\"127.0.0.1:" +
         std::to_string(demo_port) + "\"]\n";
}

Json GetJson(const VigilProcess& vigil, const std::string& target) {
  auto r = vigil.Get(target);
  if (!r.ok() || r->status != 200) return Json();
  return Json::parse(r->body, nullptr, false);
}

// Polls /api/v1/alerts until the DemoUp alert is in `state`; its JSON, or null.
Json WaitForAlertState(const VigilProcess& vigil, const std::string& state) {
  auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    Json body = GetJson(vigil, "/api/v1/alerts");
    if (body.is_object()) {
      for (const Json& a : body["data"]["alerts"]) {
        if (a["labels"]["alertname"] == "DemoUp" && a["state"] == state) return a;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Json();
}

TEST(Rules, AlertGoesPendingThenFiringAndReloadWithABrokenFileKeepsTheRules) {
  auto demo = Process::Start({VIGIL_DEMO_BINARY, "--web.listen-address=127.0.0.1:0"});
  ASSERT_TRUE(demo.ok());
  auto line = demo->WaitForOutput("vigil-demo listening", seconds(30));
  ASSERT_TRUE(line) << demo->Output();
  uint16_t demo_port = PortFromLogLine(*line);

  auto vigil = VigilProcess::Start(Config(demo_port), {"--web.enable-lifecycle"});
  ASSERT_TRUE(vigil.ok()) << vigil.status().message();
  // The rule file goes beside the config; an empty glob is fine at start-up.
  const std::string rules_dir =
      std::filesystem::path(vigil->config_path()).parent_path().string() + "/rules";
  std::filesystem::create_directories(rules_dir);
  WriteFile(rules_dir + "/demo.yml", kRules);
  auto reload = vigil->Post("/-/reload");
  ASSERT_TRUE(reload.ok());
  ASSERT_EQ(reload->status, 200) << reload->body;

  Json pending = WaitForAlertState(*vigil, "pending");
  ASSERT_FALSE(pending.is_null()) << vigil->process().Output();
  EXPECT_EQ(pending["labels"]["severity"], "info");
  EXPECT_EQ(pending["annotations"]["summary"], "demo is up (value 1)");
  EXPECT_EQ(pending["value"], "1e+00");
  Json firing = WaitForAlertState(*vigil, "firing");
  ASSERT_FALSE(firing.is_null());
  EXPECT_EQ(firing["activeAt"], pending["activeAt"]);

  Json recorded = GetJson(*vigil, "/api/v1/query?query=job:up:sum");
  ASSERT_TRUE(recorded.is_object());
  ASSERT_EQ(recorded["data"]["result"].size(), 1u) << recorded.dump();
  EXPECT_EQ(recorded["data"]["result"][0]["metric"]["job"], "demo");
  Json alerts_series = GetJson(*vigil, "/api/v1/query?query=ALERTS{alertstate=\"firing\"}");
  ASSERT_TRUE(alerts_series.is_object());
  EXPECT_EQ(alerts_series["data"]["result"].size(), 1u) << alerts_series.dump();

  auto metrics = vigil->Get("/metrics");
  ASSERT_TRUE(metrics.ok());
  const std::string group_label = "{rule_group=\"" + rules_dir + "/demo.yml;demo\"}";
  for (const std::string name :
       {"vigil_rule_evaluations_total", "vigil_rule_group_iterations_total",
        "vigil_rule_group_last_duration_seconds", "vigil_rule_group_interval_seconds",
        "vigil_rule_group_rules"}) {
    EXPECT_NE(metrics->body.find(name + group_label), std::string::npos) << name;
  }

  Json rules = GetJson(*vigil, "/api/v1/rules");
  ASSERT_TRUE(rules.is_object());
  ASSERT_EQ(rules["data"]["groups"].size(), 1u);
  const Json& group = rules["data"]["groups"][0];
  EXPECT_EQ(group["name"], "demo");
  EXPECT_EQ(group["file"], rules_dir + "/demo.yml");
  EXPECT_EQ(group["interval"], 1);
  ASSERT_EQ(group["rules"].size(), 2u);
  EXPECT_EQ(group["rules"][0]["type"], "recording");
  EXPECT_EQ(group["rules"][0]["health"], "ok");
  EXPECT_EQ(group["rules"][1]["type"], "alerting");
  EXPECT_EQ(group["rules"][1]["state"], "firing");
  EXPECT_EQ(group["rules"][1]["duration"], 3);
  EXPECT_EQ(group["rules"][1]["query"], "job:up:sum == 1");
  Json only_alerts = GetJson(*vigil, "/api/v1/rules?type=alert");
  EXPECT_EQ(only_alerts["data"]["groups"][0]["rules"].size(), 1u);
  auto bad_type = vigil->Get("/api/v1/rules?type=nope");
  ASSERT_TRUE(bad_type.ok());
  EXPECT_EQ(bad_type->status, 400);

  // A broken rule file fails the reload, naming file:line; the old rules run on.
  WriteFile(rules_dir + "/demo.yml", kBrokenRules);
  auto bad = vigil->Post("/-/reload");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 500);
  EXPECT_NE(bad->body.find("demo.yml: 5:15: group \"demo\", rule 1, \"job:up:sum\": could not "
                           "parse expression"),
            std::string::npos)
      << bad->body;
  EXPECT_EQ(vigil->Metric("vigil_config_last_reload_successful"), 0);
  Json still = GetJson(*vigil, "/api/v1/rules");
  ASSERT_TRUE(still.is_object());
  EXPECT_EQ(still["data"]["groups"][0]["rules"].size(), 2u);
  EXPECT_FALSE(WaitForAlertState(*vigil, "firing").is_null());
}

// ms since the epoch of an RFC 3339 time as the API prints it.
int64_t ParseRfc3339(const std::string& text) {
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) return 0;
  int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  if (*rest == '.') {
    std::string digits;
    for (const char* c = rest + 1; std::isdigit(static_cast<unsigned char>(*c)); ++c) digits += *c;
    digits = (digits + "000").substr(0, 3);
    ms += std::stoi(digits);
  }
  return ms;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(Rules, ARestartKeepsForProgress) {
  auto demo = Process::Start({VIGIL_DEMO_BINARY, "--web.listen-address=127.0.0.1:0"});
  ASSERT_TRUE(demo.ok());
  auto line = demo->WaitForOutput("vigil-demo listening", seconds(30));
  ASSERT_TRUE(line) << demo->Output();
  const std::string dir = MakeTempDir();
  std::filesystem::create_directories(dir + "/rules");
  WriteFile(dir + "/rules/demo.yml", R"Y(groups:
  - name: demo
    interval: 1s
    rules:
      - alert: DemoUp
        expr: up{job="demo"} == 1
        for: 30s
)Y");
  WriteFile(dir + "/vigil.yml", Config(PortFromLogLine(*line)));
  auto start_vigil = [&]() -> std::optional<std::pair<Process, uint16_t>> {
    auto p = Process::Start({VIGIL_BINARY, "serve", "--config.file=" + dir + "/vigil.yml",
                             "--web.listen-address=127.0.0.1:0",
                             "--storage.tsdb.path=" + dir + "/data",
                             "--rules.alert.for-grace-period=1s"});
    if (!p.ok()) return std::nullopt;
    auto ready = p->WaitForOutput("Server is ready to receive web requests", seconds(30));
    if (!ready) return std::nullopt;
    uint16_t port = PortFromLogLine(*ready);
    return std::make_pair(std::move(*p), port);
  };
  auto active_at = [](uint16_t port) -> int64_t {
    auto r = HttpGet(port, "/api/v1/alerts");
    if (!r.ok() || r->status != 200) return 0;
    Json body = Json::parse(r->body, nullptr, false);
    if (!body.is_object() || body["data"]["alerts"].empty()) return 0;
    return ParseRfc3339(body["data"]["alerts"][0]["activeAt"]);
  };
  auto wait_until = [](auto done) {
    auto deadline = std::chrono::steady_clock::now() + seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };

  auto first = start_vigil();
  ASSERT_TRUE(first);
  int64_t before = 0;
  ASSERT_TRUE(wait_until([&] { return (before = active_at(first->second)) != 0; }));
  // Pending for ten seconds, then a restart.
  ASSERT_TRUE(wait_until([&] { return NowMs() - before > 10'000; }));
  first->first.Signal(SIGTERM);
  ASSERT_TRUE(first->first.Wait(seconds(20)).has_value());
  const int64_t restarted = NowMs();
  auto second = start_vigil();
  ASSERT_TRUE(second) << "vigil did not restart";
  // After its second evaluation the group restores ActiveAt from
  // ALERTS_FOR_STATE: the time pending before the restart still counts, so
  // the alert became active well before vigil came back.
  int64_t after = 0;
  ASSERT_TRUE(wait_until([&] {
    after = active_at(second->second);
    return after != 0 && after < restarted - 4000;
  })) << "activeAt " << after << ", restarted at " << restarted << "\n"
      << second->first.Output();
  second->first.Signal(SIGTERM);
  second->first.Wait(seconds(20));
}

TEST(Rules, CheckRulesReportsLikePromtool) {
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/good.yml", kRules);
  WriteFile(dir + "/bad.yml", kBrokenRules);
  CommandResult good = RunCommand({VIGIL_BINARY, "check", "rules", dir + "/good.yml"}, seconds(30));
  EXPECT_EQ(good.exit_code, 0) << good.output;
  EXPECT_NE(good.output.find("Checking " + dir + "/good.yml\n  SUCCESS: 2 rules found\n"),
            std::string::npos)
      << good.output;
  CommandResult bad = RunCommand({VIGIL_BINARY, "check", "rules", dir + "/good.yml",
                                  dir + "/bad.yml"},
                                 seconds(30));
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("  FAILED:\n" + dir + "/bad.yml: 5:15: group \"demo\""),
            std::string::npos)
      << bad.output;

  // `check config` checks the rule files the config names.
  WriteFile(dir + "/vigil.yml", "rule_files: [\"*.yml\"]\n");
  CommandResult config = RunCommand({VIGIL_BINARY, "check", "config", dir + "/vigil.yml"},
                                    seconds(30));
  EXPECT_EQ(config.exit_code, 1) << config.output;
  EXPECT_NE(config.output.find("  SUCCESS: 3 rule files found\n"), std::string::npos)
      << config.output;
  EXPECT_NE(config.output.find(dir + "/bad.yml: 5:15: group \"demo\""), std::string::npos)
      << config.output;
}

}  // namespace
}  // namespace vigil::testing
