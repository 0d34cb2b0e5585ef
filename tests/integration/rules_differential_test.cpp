// Differential test of rule evaluation: Debian's Prometheus 2.42 and vigil
// scrape the same target with the same rule file (rules/http-sli.yml and
// rules/targets.yml, windows scaled from 5m to 10s, `for` to 3s, evaluated
// every second), and must record the same series and raise the same alerts.
//
// The target serves counters and a latency histogram that grow linearly with
// time, stamped with the time they were served (honor_timestamps), so both
// store samples of the same functions of time. Labels must agree exactly, and
// so must ALERTS. Ratios of rates (the error ratio, the p95 from the buckets)
// are exact in both. Plain rates agree within a few percent only: each system
// evaluates at its own timestamps, so the gap between a window's edge and its
// last sample differs, and with it rate()'s extrapolation.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "http_client.h"
#include "process.h"
#include "vigil/base/event_loop.h"
#include "vigil/http/router.h"
#include "vigil/http/server.h"

namespace vigil::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

int64_t NowMs() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The exposition at `t_ms`: 19 requests/s answered 200 and
// 1/s answered 500 (a 5% error ratio), latencies with a p95 of 750ms.
std::string Exposition(int64_t start_ms, int64_t t_ms) {
  const double s = static_cast<double>(t_ms - start_ms) / 1000;
  const std::string ts = " " + std::to_string(t_ms) + "\n";
  auto num = [](double v) {
    std::ostringstream o;
    o.precision(17);
    o << v;
    return o.str();
  };
  std::string out;
  out += "# TYPE http_requests_total counter\n";
  out += "http_requests_total{method=\"GET\",route=\"/\",status_code=\"200\"} " + num(19 * s) + ts;
  out += "http_requests_total{method=\"GET\",route=\"/\",status_code=\"500\"} " + num(1 * s) + ts;
  out += "# TYPE http_request_duration_seconds histogram\n";
  const std::pair<const char*, double> buckets[] = {
      {"0.1", 15}, {"0.5", 18}, {"1", 20}, {"+Inf", 20}};
  for (const auto& [le, per_second] : buckets) {
    out += std::string("http_request_duration_seconds_bucket{method=\"GET\",route=\"/\",le=\"") +
           le + "\"} " + num(per_second * s) + ts;
  }
  out += "http_request_duration_seconds_sum{method=\"GET\",route=\"/\"} " + num(6 * s) + ts;
  out += "http_request_duration_seconds_count{method=\"GET\",route=\"/\"} " + num(20 * s) + ts;
  return out;
}

std::string ReadSource(const std::string& path) {
  std::ifstream in(std::string(VIGIL_SOURCE_DIR) + "/" + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void ReplaceAll(std::string* text, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = text->find(from, pos)) != std::string::npos; pos += to.size()) {
    text->replace(pos, from.size(), to);
  }
}

std::string ScaledDown(std::string rules, const std::string& group) {
  ReplaceAll(&rules, "[5m]", "[10s]");
  ReplaceAll(&rules, "for: 2m", "for: 3s");
  ReplaceAll(&rules, "for: 5m", "for: 3s");
  ReplaceAll(&rules, "for: 1m", "for: 3s");
  ReplaceAll(&rules, "  - name: " + group + "\n", "  - name: " + group + "\n    interval: 1s\n");
  return rules;
}

uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// The result of an instant query at `t` (seconds), by labels → value.
std::map<std::string, double> Query(uint16_t port, const std::string& expr, double t) {
  std::map<std::string, double> out;
  auto r = HttpGet(port, "/api/v1/query?query=" + UrlEncode(expr) +
                             "&time=" + std::to_string(t));
  if (!r.ok() || r->status != 200) return out;
  json body = json::parse(r->body, nullptr, false);
  if (!body.is_object()) return out;
  for (const json& s : body["data"]["result"]) {
    out[s["metric"].dump()] = std::stod(s["value"][1].get<std::string>());
  }
  return out;
}

class RulesDifferentialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(VIGIL_PROMETHEUS)) {
      GTEST_SKIP() << "no prometheus at " VIGIL_PROMETHEUS " (scripts/setup.sh --test-peers)";
    }
    start_ms_ = NowMs() / 1000 * 1000 - 60'000;
    http::Router router;
    router.HandleSync({"GET"}, "/metrics", [this](const http::Request&) {
      http::Response r = http::Response::Text(200, Exposition(start_ms_, NowMs()));
      r.content_type = "text/plain; version=0.0.4";
      return r;
    });
    http::ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.access_log = false;
    target_ = std::make_unique<http::Server>(loop_, options, std::move(router));
    ASSERT_TRUE(target_->Start().ok());
    loop_.Start(1);

    // One rule-file path for both, so their groups are the same groups.
    dir_ = MakeTempDir();
    WriteFile(dir_ + "/http-sli.yml", ScaledDown(ReadSource("rules/http-sli.yml"), "http-sli"));
    WriteFile(dir_ + "/targets.yml", ScaledDown(ReadSource("rules/targets.yml"), "targets"));
    const std::string config =
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
        "rule_files: ['" + dir_ + "/http-sli.yml', '" + dir_ + "/targets.yml']\n"
        "scrape_configs:\n  - job_name: demo\n    static_configs:\n"
        "      - targets: ['127.0.0.1:" + std::to_string(target_->Port()) + "']\n";
    WriteFile(dir_ + "/config.yml", config);

    vigil_port_ = FreePort();
    auto v = Process::Start({VIGIL_BINARY, "serve", "--config.file=" + dir_ + "/config.yml",
                             "--storage.tsdb.path=" + dir_ + "/vigil-data",
                             "--web.listen-address=127.0.0.1:" + std::to_string(vigil_port_)});
    ASSERT_TRUE(v.ok());
    vigil_ = std::make_unique<Process>(std::move(*v));
    prometheus_port_ = FreePort();
    auto p = Process::Start({VIGIL_PROMETHEUS, "--config.file=" + dir_ + "/config.yml",
                             "--storage.tsdb.path=" + dir_ + "/prometheus-data",
                             "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port_)});
    ASSERT_TRUE(p.ok());
    prometheus_ = std::make_unique<Process>(std::move(*p));
  }

  void TearDown() override {
    prometheus_.reset();
    vigil_.reset();
    if (target_) target_->CloseAll();
    loop_.Stop();
    loop_.Join();
  }

  int64_t start_ms_ = 0;
  std::string dir_;
  EventLoop loop_;
  std::unique_ptr<http::Server> target_;
  std::unique_ptr<Process> vigil_;
  std::unique_ptr<Process> prometheus_;
  uint16_t vigil_port_ = 0;
  uint16_t prometheus_port_ = 0;
};

TEST_F(RulesDifferentialTest, SameRecordedSeriesAndAlertsAsPrometheus) {
  const std::string firing = "ALERTS{alertstate=\"firing\"}";
  auto both_firing = [&] {
    const double now = static_cast<double>(NowMs()) / 1000;
    return Query(prometheus_port_, firing, now).size() == 2 &&
           Query(vigil_port_, firing, now).size() == 2;
  };
  const auto deadline = std::chrono::steady_clock::now() + seconds(40);
  while (!both_firing() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(250));
  }
  ASSERT_TRUE(both_firing()) << "prometheus:\n"
                             << prometheus_->Output().substr(0, 3000) << "\nvigil:\n"
                             << vigil_->Output().substr(0, 3000);

  // Once both have scraped for longer than the 10s windows (young data makes
  // rate() extrapolate from wherever each started), at a moment both have
  // evaluated past.
  std::this_thread::sleep_for(seconds(12));
  const double t = static_cast<double>(NowMs()) / 1000 - 1;
  EXPECT_EQ(Query(vigil_port_, firing, t), Query(prometheus_port_, firing, t));
  const std::pair<std::string, double> checks[] = {
      {"job:http_requests:rate5m", 0.05},
      {"job:http_requests_errors:rate5m", 0.05},
      {"job_le:http_request_duration_seconds_bucket:rate5m", 0.05},
      {"job:http_requests_errors:ratio_rate5m", 1e-6},
      {"job:http_request_duration_seconds:p95_5m", 1e-6},
      {"count by (alertname, alertstate) (ALERTS)", 0},
      {"count by (__name__, alertname, job, severity) (ALERTS_FOR_STATE)", 0}};
  for (const auto& [expr, tolerance] : checks) {
    SCOPED_TRACE(expr);
    const auto want = Query(prometheus_port_, expr, t);
    const auto got = Query(vigil_port_, expr, t);
    ASSERT_FALSE(want.empty());
    ASSERT_EQ(got.size(), want.size());
    for (const auto& [labels, value] : want) {
      auto it = got.find(labels);
      ASSERT_NE(it, got.end()) << labels;
      EXPECT_NEAR(it->second, value, std::abs(value) * tolerance) << labels;
    }
  }
  // The values the rules were written for: 20 requests/s, 5% errors, p95 750ms.
  const auto ratio = Query(vigil_port_, "job:http_requests_errors:ratio_rate5m", t);
  ASSERT_EQ(ratio.size(), 1u);
  EXPECT_NEAR(ratio.begin()->second, 0.05, 1e-6);
  const auto p95 = Query(vigil_port_, "job:http_request_duration_seconds:p95_5m", t);
  ASSERT_EQ(p95.size(), 1u);
  EXPECT_NEAR(p95.begin()->second, 0.75, 1e-6);
}

}  // namespace
}  // namespace vigil::testing
