// The TSDB admin API on the real vigil: answers as Prometheus 2.42's when it
// is disabled or given bad input, and, enabled, deletes a series scraped from
// the real vigil-demo so that queries, series, label values, federation and a
// snapshot no longer show it, across a SIGKILL, a clean and a restart.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <thread>

#include "vigil_process.h"

namespace vigil::testing {
namespace {

using Json = nlohmann::json;
using std::chrono::seconds;

constexpr const char* kDisabledBody =
    R"({"status":"error","errorType":"unavailable","error":"admin APIs disabled"})";

Result<HttpResponse> Send(uint16_t port, const std::string& method, const std::string& target) {
  VIGIL_ASSIGN_OR_RETURN(HttpConnection c, HttpConnection::Open(port));
  return c.Request(method, target);
}

Json GetJson(uint16_t port, const std::string& target) {
  auto r = HttpGet(port, target);
  if (!r.ok() || r->status != 200) return Json();
  return Json::parse(r->body, nullptr, false);
}

// `vigil tsdb dump` of a data directory.
std::string Dump(const std::string& data_dir, const std::string& match) {
  CommandResult r = RunCommand(
      {VIGIL_BINARY, "tsdb", "dump", "--storage.tsdb.path=" + data_dir, "--match=" + match});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output;
}

template <typename Pred>
bool WaitUntil(Pred done) {
  auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

TEST(AdminApi, DisabledAnswersAsPrometheus) {
  auto vigil = VigilProcess::Start("global:\n  scrape_interval: 1s\n");
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
  for (const char* method : {"POST", "PUT"}) {
    for (const char* path :
         {"/api/v1/admin/tsdb/delete_series?match[]=up", "/api/v1/admin/tsdb/clean_tombstones"}) {
      auto r = Send(vigil->port(), method, path);
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(r->status, 500) << method << " " << path;
      EXPECT_EQ(r->body, kDisabledBody);
    }
  }
  auto get = Send(vigil->port(), "GET", "/api/v1/admin/tsdb/clean_tombstones");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->status, 405);
  EXPECT_EQ(GetJson(vigil->port(), "/api/v1/status/flags")["data"]["web.enable-admin-api"],
            "false");
}

TEST(AdminApi, BadInputIsBadData) {
  auto vigil = VigilProcess::Start("global:\n  scrape_interval: 1s\n", {"--web.enable-admin-api"});
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
  // Messages as Prometheus 2.42 gives them.
  struct Case {
    std::string target;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {"/api/v1/admin/tsdb/delete_series", "no match[] parameter provided"},
           {"/api/v1/admin/tsdb/delete_series?match[]=up&start=abc",
            "invalid parameter \"start\": Invalid time value for 'start': cannot parse \"abc\" "
            "to a valid timestamp"},
           {"/api/v1/admin/tsdb/delete_series?match[]=up&end=abc",
            "invalid parameter \"end\": Invalid time value for 'end': cannot parse \"abc\" to a "
            "valid timestamp"},
           {"/api/v1/admin/tsdb/delete_series?match[]=up%7B",
            "invalid parameter \"match[]\": 1:4: parse error: unexpected end of input inside "
            "braces"},
           {"/api/v1/admin/tsdb/snapshot?skip_head=x",
            "invalid parameter \"skip_head\": unable to parse boolean: strconv.ParseBool: "
            "parsing \"x\": invalid syntax"},
       }) {
    auto r = vigil->Post(c.target);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 400) << c.target;
    Json body = Json::parse(r->body, nullptr, false);
    EXPECT_EQ(body["errorType"], "bad_data") << r->body;
    EXPECT_EQ(body["error"], c.error);
  }
  // Start after end deletes nothing, and succeeds.
  auto r = vigil->Post("/api/v1/admin/tsdb/delete_series?match[]=up&start=10&end=5");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->body, "");
}

class AdminDeleteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto demo = Process::Start({VIGIL_DEMO_BINARY, "--web.listen-address=127.0.0.1:0"});
    ASSERT_TRUE(demo.ok());
    demo_ = std::make_unique<Process>(std::move(*demo));
    auto line = demo_->WaitForOutput("vigil-demo listening", seconds(30));
    ASSERT_TRUE(line) << demo_->Output();
    demo_port_ = PortFromLogLine(*line);
    dir_ = MakeTempDir();
  }
  void WriteConfig(bool scrape_demo) {
    std::string config = "global:\n  scrape_interval: 200ms\n  scrape_timeout: 200ms\n";
    if (scrape_demo) {
      std::string target = "127.0.0.1:" + std::to_string(demo_port_);
      config += "scrape_configs:\n  - job_name: demo\n    static_configs:\n";
      config += "      - targets: [\"" + target + "\"]\n";
    }
    WriteFile(dir_ + "/vigil.yml", config);
  }
  // Starts vigil on the test's data directory.
  void StartVigil() {
    auto p =
        Process::Start({VIGIL_BINARY, "serve", "--config.file=" + dir_ + "/vigil.yml",
                        "--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + dir_ + "/data",
                        "--web.enable-admin-api", "--web.enable-lifecycle"});
    ASSERT_TRUE(p.ok());
    vigil_ = std::make_unique<Process>(std::move(*p));
    auto ready = vigil_->WaitForOutput("Server is ready to receive web requests", seconds(30));
    ASSERT_TRUE(ready) << vigil_->Output();
    port_ = PortFromLogLine(*ready);
  }
  size_t SeriesCount(const std::string& match) {
    Json j = GetJson(port_, "/api/v1/series?match[]=" + match);
    return j.is_object() ? j["data"].size() : 0;
  }
  bool HasName(const std::string& name) {
    Json j = GetJson(port_, "/api/v1/label/__name__/values");
    if (!j.is_object()) return false;
    for (const auto& v : j["data"]) {
      if (v == name) return true;
    }
    return false;
  }
  void ExpectUpGone() {
    EXPECT_EQ(SeriesCount("up"), 0u);
    EXPECT_FALSE(HasName("up"));
    Json q = GetJson(port_, "/api/v1/query?query=count_over_time(up%5B1h%5D)");
    EXPECT_EQ(q["data"]["result"].size(), 0u) << q.dump();
    auto federate = HttpGet(port_, "/federate?match[]=up");
    ASSERT_TRUE(federate.ok());
    EXPECT_EQ(federate->body.find("up{"), std::string::npos) << federate->body;
    // The demo's other series are untouched.
    EXPECT_GT(SeriesCount("demo_build_info"), 0u);
  }

  std::unique_ptr<Process> demo_;
  uint16_t demo_port_ = 0;
  std::string dir_;
  std::unique_ptr<Process> vigil_;
  uint16_t port_ = 0;
};

TEST_F(AdminDeleteTest, DeletedSeriesStaysGoneAcrossKillCleanAndRestart) {
  WriteConfig(true);
  StartVigil();
  ASSERT_TRUE(WaitUntil([&] { return SeriesCount("up") == 1 && HasName("demo_build_info"); }));
  // The scrape stops (its stale markers are written), so `up` gets no newer sample.
  WriteConfig(false);
  auto reload = HttpPost(port_, "/-/reload", "");
  ASSERT_TRUE(reload.ok());
  ASSERT_EQ(reload->status, 200);
  // Until no scrape still in flight adds a sample.
  std::string last;
  ASSERT_TRUE(WaitUntil([&] {
    // The count only: the answer also holds the evaluation time.
    Json count = GetJson(port_, "/api/v1/query?query=count_over_time(up%5B1h%5D)");
    std::string now = count["data"]["result"][0]["value"][1].dump();
    bool same = now == last;
    last = now;
    if (!same) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return same;
  }));

  auto del =
      Send(port_, "PUT", "/api/v1/admin/tsdb/delete_series?match[]=up%7Bjob%3D%22demo%22%7D");
  ASSERT_TRUE(del.ok());
  EXPECT_EQ(del->status, 204) << del->body;
  EXPECT_EQ(del->body, "");
  ExpectUpGone();

  // A snapshot is a data directory of its own, deletion included.
  auto snap = HttpPost(port_, "/api/v1/admin/tsdb/snapshot", "");
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ(snap->status, 200) << snap->body;
  std::string name = Json::parse(snap->body)["data"]["name"];
  EXPECT_EQ(name.size(), 16u + 1 + 16) << name;  // 20261129T094100Z-<16 hex digits>
  const std::string snap_dir = dir_ + "/data/snapshots/" + name;
  EXPECT_EQ(Dump(snap_dir, "up"), "");
  EXPECT_NE(Dump(snap_dir, "demo_build_info"), "");

  // The tombstone was durable before the 204.
  vigil_->Signal(SIGKILL);
  ASSERT_TRUE(vigil_->Wait(seconds(10)).has_value());
  StartVigil();
  ExpectUpGone();

  auto clean = HttpPost(port_, "/api/v1/admin/tsdb/clean_tombstones", "");
  ASSERT_TRUE(clean.ok());
  EXPECT_EQ(clean->status, 204) << clean->body;
  ExpectUpGone();

  // After a clean stop, the data itself is gone: `vigil tsdb dump` reads the
  // directory without any tombstone left.
  vigil_->Signal(SIGTERM);
  ASSERT_EQ(vigil_->Wait(seconds(20)), std::optional<int>(0)) << vigil_->Output();
  EXPECT_EQ(Dump(dir_ + "/data", "up"), "");

  // Scraping again: new samples show.
  WriteConfig(true);
  StartVigil();
  EXPECT_TRUE(WaitUntil([&] { return SeriesCount("up") == 1 && HasName("up"); }));
}

}  // namespace
}  // namespace vigil::testing
