// Differential test: Debian's Prometheus 2.42 and vigil scrape the same
// target, which serves 40 minutes of generated history with explicit
// timestamps (honor_timestamps), so both store identical samples. Then every
// query of data/promql_differential_queries.txt runs against both through
// /api/v1/query (at several times) and /api/v1/query_range, and the answers
// must match: status and error type, result type, labels, timestamps, and
// values within a tight relative tolerance; order where Prometheus defines
// it (sort/sort_desc at the top, and matrices, which are sorted by labels).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "vigil/base/event_loop.h"
#include "vigil/http/server.h"
#include "vigil_process.h"

namespace vigil::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr int64_t kStepMs = 15'000;
constexpr int kSteps = 160;  // 40 minutes

// One generated series: its labels as exposition text and its value at step k
// (nullopt: no sample at k).
struct GeneratedSeries {
  std::string name_and_labels;
  std::function<std::optional<double>(int)> value;
};

std::vector<GeneratedSeries> MakeSeries() {
  std::vector<GeneratedSeries> out;
  const char* paths[] = {"/a", "/b", "/c"};
  const char* codes[] = {"200", "500"};
  int idx = 0;
  for (const char* path : paths) {
    for (const char* code : codes) {
      const int i = idx++;
      out.push_back({std::string("dt_requests_total{path=\"") + path + "\",code=\"" + code + "\"}",
                     [i](int k) -> std::optional<double> {
                       double total = 0;
                       for (int j = 0; j <= k; ++j) {
                         if (i == 4 && j == 80) total = 0;  // a counter reset
                         total += (j * 7 + i * 3) % 11 + i;
                       }
                       return total;
                     }});
    }
  }
  for (int room = 1; room <= 4; ++room) {
    out.push_back({"dt_temperature_celsius{room=\"r" + std::to_string(room) + "\"}",
                   [room](int k) -> std::optional<double> {
                     return 20 + 5 * std::sin(k / 10.0 + room) + room * 0.25;
                   }});
  }
  const char* bounds[] = {"0.05", "0.1", "0.25", "0.5", "1", "+Inf"};
  for (int p = 0; p < 2; ++p) {
    const std::string path = p == 0 ? "/a" : "/b";
    for (int b = 0; b < 6; ++b) {
      out.push_back({"dt_latency_seconds_bucket{path=\"" + path + "\",le=\"" + bounds[b] + "\"}",
                     [p, b](int k) -> std::optional<double> {
                       double n = 0;
                       for (int c = 0; c <= b; ++c) n += (c + 1) * (p + 2) * (k + 1) % 97 + k * (c + 1);
                       return n;
                     }});
    }
    out.push_back({"dt_latency_seconds_count{path=\"" + path + "\"}",
                   [p](int k) -> std::optional<double> {
                     double n = 0;
                     for (int c = 0; c <= 5; ++c) n += (c + 1) * (p + 2) * (k + 1) % 97 + k * (c + 1);
                     return n;
                   }});
    out.push_back({"dt_latency_seconds_sum{path=\"" + path + "\"}",
                   [p](int k) -> std::optional<double> { return k * (0.37 + p) + 0.125; }});
  }
  for (int q = 1; q <= 3; ++q) {
    out.push_back({"dt_queue_length{queue=\"q" + std::to_string(q) + "\"}",
                   [q](int k) -> std::optional<double> {
                     return static_cast<double>((k * q * 13) % 29) - 10 + (q == 3 ? 1e6 : 0);
                   }});
  }
  out.push_back({"dt_partial{id=\"1\"}", [](int k) -> std::optional<double> {
                   if (k >= kSteps / 2) return std::nullopt;  // stops halfway
                   return k * 1.5;
                 }});
  out.push_back({"dt_sparse", [](int k) -> std::optional<double> {
                   if (k % 4 != 0) return std::nullopt;
                   return k % 3 == 0 ? -k : k;
                 }});
  out.push_back({"dt_info{version=\"1.2.3\",kind=\"a-b_c\"}",
                 [](int) -> std::optional<double> { return 1; }});
  out.push_back({"dt_labels{a=\"x-1\",b=\"y_2\",room=\"r1\"}",
                 [](int k) -> std::optional<double> { return k % 5; }});
  out.push_back({"dt_special{kind=\"nan\"}", [](int k) -> std::optional<double> {
                   return k % 10 == 3 ? std::nan("") : k * 0.1;
                 }});
  return out;
}

std::string Exposition(const std::vector<GeneratedSeries>& series, int64_t start_ms) {
  std::string body;
  char value[64];
  for (const GeneratedSeries& s : series) {
    for (int k = 0; k < kSteps; ++k) {
      std::optional<double> v = s.value(k);
      if (!v) continue;
      if (std::isnan(*v)) {
        std::snprintf(value, sizeof(value), "NaN");
      } else {
        std::snprintf(value, sizeof(value), "%.17g", *v);
      }
      body += s.name_and_labels + " " + value + " " + std::to_string(start_ms + k * kStepMs) + "\n";
    }
  }
  return body;
}

uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The body of a chunked response (Prometheus chunks big answers; the test
// client reads them to the end of the connection).
std::string Dechunk(std::string_view raw) {
  std::string out;
  for (;;) {
    size_t eol = raw.find("\r\n");
    if (eol == std::string_view::npos) break;
    size_t n = std::stoul(std::string(raw.substr(0, eol)), nullptr, 16);
    if (n == 0) break;
    out += raw.substr(eol + 2, n);
    raw.remove_prefix(std::min(raw.size(), eol + 2 + n + 2));
  }
  return out;
}

json GetJson(uint16_t port, const std::string& target) {
  auto r = HttpGet(port, target);
  if (!r.ok()) return {{"status", "transport"}, {"error", r.status().ToString()}};
  if (r->Header("transfer-encoding") == "chunked") r->body = Dechunk(r->body);
  json j = json::parse(r->body, nullptr, false);
  if (j.is_discarded()) return {{"status", "unparsable"}, {"error", r->body}};
  return j;
}

// Values as the API writes them: "1.5", "NaN", "+Inf".
bool SameValue(const std::string& a, const std::string& b) {
  if (a == b) return true;
  double x = std::stod(a), y = std::stod(b);
  if (std::isnan(x) || std::isnan(y) || std::isinf(x) || std::isinf(y)) return false;
  return std::fabs(x - y) <= 1e-9 * std::max(std::fabs(x), std::fabs(y)) + 1e-12;
}

bool SamePair(const json& a, const json& b) {
  return a[0] == b[0] && SameValue(a[1].get<std::string>(), b[1].get<std::string>());
}

// "" when the two API answers match; else what differs.
std::string Compare(const json& want, const json& got, bool ordered) {
  if (want["status"] != got["status"]) {
    return "status " + want.dump() + " vs " + got.dump();
  }
  if (want["status"] != "success") {
    return want["errorType"] == got["errorType"] ? ""
                                                 : "error type " + want.dump() + " vs " + got.dump();
  }
  const json& wd = want["data"];
  const json& gd = got["data"];
  if (wd["resultType"] != gd["resultType"]) return "result type " + wd.dump() + " vs " + gd.dump();
  const std::string type = wd["resultType"];
  if (type == "scalar") return SamePair(wd["result"], gd["result"]) ? "" : "scalar differs";
  if (type == "string") return wd["result"] == gd["result"] ? "" : "string differs";
  json wr = wd["result"], gr = gd["result"];
  if (wr.size() != gr.size()) {
    return "series count " + std::to_string(wr.size()) + " vs " + std::to_string(gr.size()) +
           "\n  want " + wr.dump().substr(0, 600) + "\n  got  " + gr.dump().substr(0, 600);
  }
  if (!ordered) {
    auto by_labels = [](const json& a, const json& b) { return a["metric"].dump() < b["metric"].dump(); };
    std::sort(wr.begin(), wr.end(), by_labels);
    std::sort(gr.begin(), gr.end(), by_labels);
  }
  for (size_t i = 0; i < wr.size(); ++i) {
    if (wr[i]["metric"] != gr[i]["metric"]) {
      return "labels " + wr[i]["metric"].dump() + " vs " + gr[i]["metric"].dump();
    }
    if (type == "vector") {
      if (!SamePair(wr[i]["value"], gr[i]["value"])) {
        return "value of " + wr[i]["metric"].dump() + ": " + wr[i]["value"].dump() + " vs " +
               gr[i]["value"].dump();
      }
      continue;
    }
    const json& wv = wr[i]["values"];
    const json& gv = gr[i]["values"];
    if (wv.size() != gv.size()) {
      return "points of " + wr[i]["metric"].dump() + ": " + std::to_string(wv.size()) + " vs " +
             std::to_string(gv.size());
    }
    for (size_t j = 0; j < wv.size(); ++j) {
      if (!SamePair(wv[j], gv[j])) {
        return "point of " + wr[i]["metric"].dump() + ": " + wv[j].dump() + " vs " + gv[j].dump();
      }
    }
  }
  return "";
}

// The query file: one query per line; "#" starts a comment line. {T+N}
// stands for the data's start plus N seconds, as Unix seconds.
std::vector<std::string> LoadQueries(int64_t start_seconds) {
  std::ifstream f(VIGIL_DIFFERENTIAL_QUERIES);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    for (size_t p; (p = line.find("{T+")) != std::string::npos;) {
      size_t end = line.find('}', p);
      int64_t n = std::stoll(line.substr(p + 3, end - p - 3));
      line.replace(p, end - p + 1, std::to_string(start_seconds + n));
    }
    out.push_back(line);
  }
  return out;
}

bool Ordered(const std::string& query) {
  return query.rfind("sort(", 0) == 0 || query.rfind("sort_desc(", 0) == 0;
}

class PromqlDifferentialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const int64_t now = std::chrono::duration_cast<milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    // Ends five minutes ago, on a minute boundary.
    start_ms_ = (now - 5 * 60'000 - kSteps * kStepMs) / 60'000 * 60'000;
    series_ = MakeSeries();
    body_ = Exposition(series_, start_ms_);

    http::Router router;
    router.HandleSync({"GET"}, "/metrics", [this](const http::Request&) {
      http::Response r = http::Response::Text(200, body_);
      r.content_type = "text/plain; version=0.0.4";
      return r;
    });
    http::ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.access_log = false;
    target_ = std::make_unique<http::Server>(loop_, options, std::move(router));
    ASSERT_TRUE(target_->Start().ok());
    loop_.Start(1);

    const std::string config = "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                               "scrape_configs:\n  - job_name: dt\n    static_configs:\n"
                               "      - targets: ['127.0.0.1:" +
                               std::to_string(target_->Port()) + "']\n";
    auto v = VigilProcess::Start(config);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    vigil_ = std::make_unique<VigilProcess>(std::move(*v));

    const std::string dir = MakeTempDir();
    WriteFile(dir + "/prometheus.yml", config);
    prometheus_port_ = FreePort();
    auto p = Process::Start({VIGIL_PROMETHEUS, "--config.file=" + dir + "/prometheus.yml",
                             "--storage.tsdb.path=" + dir + "/data",
                             "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port_)});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    prometheus_ = std::make_unique<Process>(std::move(*p));

    // Both have every sample once this count is right.
    int64_t samples = 0;
    for (const GeneratedSeries& s : series_) {
      for (int k = 0; k < kSteps; ++k) samples += s.value(k) ? 1 : 0;
    }
    const std::string probe =
        "/api/v1/query?query=" +
        // (_sum and _count of a path have the same labels once names are dropped)
        UrlEncode("sum(count_over_time({__name__=~\"dt_.+\",__name__!~\".*_(sum|count)\"}[1h]))"
                  " + sum(count_over_time(dt_latency_seconds_sum[1h]))"
                  " + sum(count_over_time(dt_latency_seconds_count[1h]))") +
        "&time=" + std::to_string((start_ms_ + kSteps * kStepMs) / 1000);
    const std::string want = std::to_string(samples);
    auto count = [](const json& j) {
      if (j["status"] != "success" || j["data"]["result"].empty()) return j.dump();
      return j["data"]["result"][0]["value"][1].get<std::string>();
    };
    json a, b;
    for (int i = 0; i < 600; ++i) {
      a = GetJson(prometheus_port_, probe);
      b = GetJson(vigil_->port(), probe);
      if (count(a) == want && count(b) == want) return;
      std::this_thread::sleep_for(milliseconds(50));
    }
    FAIL() << "want " << want << " samples; Prometheus has " << count(a) << ", vigil "
           << count(b) << "; Prometheus's log:\n" << prometheus_->Output().substr(0, 5000);
  }

  void TearDown() override {
    prometheus_.reset();
    vigil_.reset();
    if (target_) target_->CloseAll();
    loop_.Stop();
    loop_.Join();
  }

  int64_t start_ms_ = 0;
  std::vector<GeneratedSeries> series_;
  std::string body_;
  EventLoop loop_;
  std::unique_ptr<http::Server> target_;
  std::unique_ptr<VigilProcess> vigil_;
  std::unique_ptr<Process> prometheus_;
  uint16_t prometheus_port_ = 0;
};

TEST_F(PromqlDifferentialTest, SameAnswersAsPrometheus) {
  const int64_t start = start_ms_ / 1000;
  std::vector<std::string> queries = LoadQueries(start);
  ASSERT_GE(queries.size(), 200u);
  // Instant times: early (short history), mid, the last sample, past the end
  // within and beyond the lookback delta.
  const int64_t instants[] = {start + 95, start + 1234, start + 2385, start + 2500, start + 3000};
  const std::string range = "&start=" + std::to_string(start + 300) +
                            "&end=" + std::to_string(start + 2700) + "&step=";
  int compared = 0, failures = 0;
  for (const std::string& q : queries) {
    std::vector<std::string> targets;
    for (int64_t t : instants) {
      targets.push_back("/api/v1/query?query=" + UrlEncode(q) + "&time=" + std::to_string(t));
    }
    targets.push_back("/api/v1/query_range?query=" + UrlEncode(q) + range + "60");
    targets.push_back("/api/v1/query_range?query=" + UrlEncode(q) + range + "37");
    for (const std::string& target : targets) {
      json want = GetJson(prometheus_port_, target);
      json got = GetJson(vigil_->port(), target);
      ASSERT_NE(want["status"], "transport") << want.dump();
      std::string diff = Compare(want, got, Ordered(q) && target.find("query_range") == std::string::npos);
      ++compared;
      if (!diff.empty()) {
        ++failures;
        ADD_FAILURE() << q << "\n  " << target << "\n  " << diff;
      }
    }
  }
  std::cout << compared << " answers compared over " << queries.size() << " queries, " << failures
            << " differ\n";
}

}  // namespace
}  // namespace vigil::testing
