// The shipped 5xx-ratio alert (rules/http-sli.yml, its windows and `for`
// scaled down from minutes to seconds) on the real vigil scraping the real
// vigil-demo, while `vigil-demo load` sends a bounded burst with /boom (500s):
// the alert goes pending, fires at the first evaluation `for` after it became
// active, and resolves after the burst; and a vigil restarted in the middle
// of `for` (SIGTERM, then the same data directory) keeps the pending time it
// had (restored from ALERTS_FOR_STATE), so it fires sooner than a full `for`
// after the restart.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "http_client.h"
#include "process.h"

namespace vigil::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Json = nlohmann::json;

// rules/http-sli.yml with 10s windows and the given `for` on every alert.
std::string ScaledDownRules(const std::string& hold) {
  std::ifstream in(VIGIL_SOURCE_DIR "/rules/http-sli.yml");
  std::stringstream text;
  text << in.rdbuf();
  std::string rules = text.str();
  auto replace_all = [&rules](const std::string& from, const std::string& to) {
    int count = 0;
    for (size_t pos = 0; (pos = rules.find(from, pos)) != std::string::npos; pos += to.size()) {
      rules.replace(pos, from.size(), to);
      ++count;
    }
    return count;
  };
  EXPECT_GE(replace_all("[5m]", "[10s]"), 3);
  EXPECT_EQ(replace_all("for: 2m", "for: " + hold), 1);
  EXPECT_EQ(replace_all("for: 5m", "for: " + hold), 1);
  // Rules are evaluated every second.
  EXPECT_EQ(replace_all("  - name: http-sli\n", "  - name: http-sli\n    interval: 1s\n"), 1);
  return rules;
}

struct Demo {
  Process process;
  uint16_t port;
};

Demo StartDemo() {
  auto demo = Process::Start({VIGIL_DEMO_BINARY, "--web.listen-address=127.0.0.1:0"});
  EXPECT_TRUE(demo.ok());
  auto line = demo->WaitForOutput("vigil-demo listening", seconds(30));
  EXPECT_TRUE(line) << demo->Output();
  return {std::move(*demo), line ? PortFromLogLine(*line) : uint16_t{0}};
}

// A vigil serving from `dir` (config, rules and data), on a free port.
struct Vigil {
  Process process;
  uint16_t port;
};

std::optional<Vigil> StartVigil(const std::string& dir) {
  auto p = Process::Start({VIGIL_BINARY, "serve", "--config.file=" + dir + "/vigil.yml",
                           "--web.listen-address=127.0.0.1:0",
                           "--storage.tsdb.path=" + dir + "/data",
                           "--rules.alert.for-outage-tolerance=1h",
                           "--rules.alert.for-grace-period=1s"});
  if (!p.ok()) return std::nullopt;
  auto line = p->WaitForOutput("Server is ready to receive web requests", seconds(30));
  if (!line) {
    ADD_FAILURE() << p->Output();
    return std::nullopt;
  }
  return Vigil{std::move(*p), PortFromLogLine(*line)};
}

std::string WriteSetup(uint16_t demo_port, const std::string& hold) {
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/vigil.yml",
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            "rule_files: [\"http-sli.yml\"]\n"
            "scrape_configs:\n  - job_name: demo\n    static_configs:\n"
            "      - targets: [\"127.0.0.1:" +
                std::to_string(demo_port) + "\"]\n");
  WriteFile(dir + "/http-sli.yml", ScaledDownRules(hold));
  return dir;
}

Json Query(uint16_t port, const std::string& expr) {
  std::string encoded;
  for (unsigned char c : expr) {
    if (std::isalnum(c) || c == '_' || c == ':' || c == '.') {
      encoded += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      encoded += buf;
    }
  }
  auto r = HttpGet(port, "/api/v1/query?query=" + encoded);
  if (!r.ok() || r->status != 200) return Json();
  Json body = Json::parse(r->body, nullptr, false);
  return body.is_object() ? body["data"]["result"] : Json();
}

// The HighErrorRatio alert of /api/v1/alerts, or null.
Json HighErrorRatio(uint16_t port) {
  auto r = HttpGet(port, "/api/v1/alerts");
  if (!r.ok() || r->status != 200) return Json();
  Json body = Json::parse(r->body, nullptr, false);
  if (!body.is_object()) return Json();
  for (const Json& a : body["data"]["alerts"]) {
    if (a["labels"]["alertname"] == "HighErrorRatio") return a;
  }
  return Json();
}

// Polls until `done` holds (true) or `timeout` passes (false).
template <typename F>
bool PollUntil(F done, milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(200));
  }
  return false;
}

// How many evaluations the http-sli group has finished, from vigil's /metrics.
int GroupIterations(uint16_t port) {
  auto r = HttpGet(port, "/metrics");
  if (!r.ok() || r->status != 200) return 0;
  std::istringstream lines(r->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("vigil_rule_group_iterations_total{") &&
        line.find("http-sli\"}") != std::string::npos) {
      return std::stoi(line.substr(line.rfind(' ') + 1));
    }
  }
  return 0;
}

// The alert's activeAt, in seconds since the epoch, from ALERTS_FOR_STATE.
double ActiveAt(uint16_t port) {
  Json r = Query(port, "ALERTS_FOR_STATE{alertname=\"HighErrorRatio\"}");
  if (!r.is_array() || r.size() != 1) return 0;
  return std::stod(r[0]["value"][1].get<std::string>());
}

// The timestamps (seconds) of the raw ALERTS samples in `state` over the last minute.
std::vector<double> AlertSampleTimes(uint16_t port, const std::string& state) {
  Json r = Query(port, "ALERTS{alertname=\"HighErrorRatio\",alertstate=\"" + state + "\"}[1m]");
  std::vector<double> out;
  if (!r.is_array() || r.empty()) return out;
  for (const Json& v : r[0]["values"]) out.push_back(v[0].get<double>());
  return out;
}

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<Process> StartLoad(uint16_t demo_port, const std::string& duration) {
  auto load = Process::Start({VIGIL_DEMO_BINARY, "load", "--rate=40", "--duration=" + duration,
                              "--boom-ratio=0.5",
                              "--target=http://127.0.0.1:" + std::to_string(demo_port)});
  if (!load.ok()) return std::nullopt;
  return std::move(*load);
}

TEST(SliAlert, ErrorRatioGoesPendingFiresOnTimeAndResolvesAfterTheBurst) {
  Demo demo = StartDemo();
  const std::string dir = WriteSetup(demo.port, "5s");
  std::optional<Vigil> vigil = StartVigil(dir);
  ASSERT_TRUE(vigil);
  const uint16_t port = vigil->port;
  // As Prometheus, a group writes no ALERTS samples until it has restored the
  // `for` state, after its second evaluation: the burst starts after that, so
  // the evaluation that activates the alert also writes its first sample.
  ASSERT_TRUE(PollUntil([&] { return GroupIterations(port) >= 3; }, seconds(10)));
  auto load = StartLoad(demo.port, "12s");
  ASSERT_TRUE(load);

  Json pending;
  ASSERT_TRUE(PollUntil(
      [&] {
        pending = HighErrorRatio(port);
        return !pending.is_null();
      },
      seconds(20)))
      << vigil->process.Output();
  EXPECT_EQ(pending["state"], "pending");
  EXPECT_EQ(pending["labels"]["job"], "demo");
  EXPECT_EQ(pending["labels"]["severity"], "page");
  EXPECT_NE(pending["annotations"]["summary"].get<std::string>().find("demo: "),
            std::string::npos);
  EXPECT_EQ(pending["annotations"]["runbook_url"], "rules/RUNBOOKS.md#higherrorratio");
  // The evaluation's ALERTS_FOR_STATE sample is committed just after the API
  // shows the alert.
  double active_at = 0;
  ASSERT_TRUE(PollUntil([&] { return (active_at = ActiveAt(port)) > 0; }, seconds(5)));

  Json firing;
  ASSERT_TRUE(PollUntil(
      [&] {
        firing = HighErrorRatio(port);
        return firing.is_object() && firing["state"] == "firing";
      },
      seconds(15)));
  EXPECT_EQ(firing["activeAt"], pending["activeAt"]);
  EXPECT_EQ(ActiveAt(port), active_at);
  // It fired at the first evaluation (every second) at least `for` after it
  // became active, and was pending at every evaluation before.
  std::vector<double> fired = AlertSampleTimes(port, "firing");
  std::vector<double> was_pending = AlertSampleTimes(port, "pending");
  ASSERT_FALSE(fired.empty());
  ASSERT_FALSE(was_pending.empty());
  // ALERTS_FOR_STATE holds activeAt in whole seconds (as Prometheus), so the
  // first pending sample lies in [activeAt, activeAt + 1) and the first firing
  // evaluation in [activeAt + for, activeAt + for + 1 + one evaluation interval).
  EXPECT_GE(was_pending.front(), active_at);
  EXPECT_LT(was_pending.front(), active_at + 1);
  EXPECT_GE(fired.front(), active_at + 5);
  EXPECT_LT(fired.front(), active_at + 5 + 2.5);
  EXPECT_LT(was_pending.back(), fired.front());
  EXPECT_EQ(Query(port, "ALERTS{alertname=\"HighErrorRatio\",alertstate=\"firing\"}").size(), 1u);

  // After the burst only scrapes (200s) reach the demo: once the 10s window
  // holds no 500s the alert resolves and ALERTS has no sample for it.
  EXPECT_EQ(load->Wait(seconds(30)), 0) << load->Output();
  EXPECT_TRUE(PollUntil([&] { return HighErrorRatio(port).is_null(); }, seconds(25)));
  EXPECT_TRUE(Query(port, "ALERTS{alertname=\"HighErrorRatio\"}").empty());
  Json ratio = Query(port, "job:http_requests_errors:ratio_rate5m");
  ASSERT_EQ(ratio.size(), 1u);
  EXPECT_EQ(ratio[0]["value"][1], "0");
}

TEST(SliAlert, RestartInTheMiddleOfForKeepsThePendingTime) {
  Demo demo = StartDemo();
  const std::string dir = WriteSetup(demo.port, "20s");
  std::optional<Vigil> vigil = StartVigil(dir);
  ASSERT_TRUE(vigil);
  auto load = StartLoad(demo.port, "50s");
  ASSERT_TRUE(load);

  ASSERT_TRUE(PollUntil([&] { return !HighErrorRatio(vigil->port).is_null(); }, seconds(20)))
      << vigil->process.Output();
  double active_at = 0;
  ASSERT_TRUE(PollUntil([&] { return (active_at = ActiveAt(vigil->port)) > 0; }, seconds(5)));
  // Pending for about 10 of the 20 seconds, then a clean shutdown.
  std::this_thread::sleep_for(milliseconds(static_cast<int64_t>(
      std::max(0.0, active_at + 10 - NowSeconds()) * 1000)));
  ASSERT_EQ(HighErrorRatio(vigil->port)["state"], "pending");
  const double stopped_at = NowSeconds();
  vigil->process.Signal(SIGTERM);
  ASSERT_EQ(vigil->process.Wait(seconds(30)), 0) << vigil->process.Output();

  vigil.reset();
  std::optional<Vigil> restarted = StartVigil(dir);
  ASSERT_TRUE(restarted);
  const double restarted_at = NowSeconds();
  Json firing;
  ASSERT_TRUE(PollUntil(
      [&] {
        firing = HighErrorRatio(restarted->port);
        return firing.is_object() && firing["state"] == "firing";
      },
      seconds(25)))
      << restarted->process.Output();
  // About 10s of `for` were left: it fires well before a full 20s after the
  // restart. Its activeAt moved forward by the downtime only (Prometheus's
  // restore), so pending time before the restart counted.
  EXPECT_LT(NowSeconds() - restarted_at, 16) << restarted->process.Output();
  const double restored_active_at = ActiveAt(restarted->port);
  EXPECT_GT(restored_active_at, active_at);
  EXPECT_LT(restored_active_at - active_at, restarted_at - stopped_at + 3);
  load->Signal(SIGTERM);
  load->Wait(seconds(10));
}

}  // namespace
}  // namespace vigil::testing
