// Tests of the demo app's routes and metrics, against its real HTTP server on
// 127.0.0.1 port 0.
#include "app.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "test_client.h"
#include "vigil/base/event_loop.h"
#include "vigil/base/metrics.h"

namespace vigil::demo {
namespace {

using std::chrono::milliseconds;
using testing::HttpGet;
using testing::HttpResult;
using testing::SampleValue;
using testing::TestClient;

constexpr char kRoot200[] = R"(http_requests_total{method="GET",route="/",status_code="200"})";
constexpr char kRoot500[] = R"(http_requests_total{method="GET",route="/",status_code="500"})";
constexpr char kBoom500[] = R"(http_requests_total{method="GET",route="/boom",status_code="500"})";

class DemoAppTest : public ::testing::Test {
 protected:
  void StartApp(AppOptions options, int loop_threads = 2) {
    options.listen_address = "127.0.0.1:0";
    options.access_log = false;
    ASSERT_TRUE(ValidateAppOptions(options).ok());
    app_ = std::make_unique<App>(loop_, std::move(options), registry_);
    Status status = app_->Start();
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_NE(app_->Port(), 0);
    loop_.Start(loop_threads);
  }

  void TearDown() override {
    if (app_) app_->Shutdown(std::chrono::seconds(2));
    app_.reset();
    loop_.Stop();
    loop_.Join();
  }

  uint16_t port() const { return app_->Port(); }

  EventLoop loop_;
  metrics::Registry registry_;
  std::unique_ptr<App> app_;
};

TEST_F(DemoAppTest, RootSaysHelloAndIsCounted) {
  StartApp(AppOptions{});
  TestClient client(port());
  // The server counts a request before reading the next one on the same
  // connection, so /metrics on this connection sees every earlier request.
  const double before = SampleValue(client.Get("/metrics").body, kRoot200);
  for (int i = 0; i < 3; ++i) {
    HttpResult r = client.Get("/");
    ASSERT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(r.body, "hello from vigil-demo\n");
  }
  const std::string metrics = client.Get("/metrics").body;
  EXPECT_EQ(SampleValue(metrics, kRoot200), before + 3);
  EXPECT_EQ(SampleValue(metrics, kRoot500), 0);
  EXPECT_EQ(SampleValue(metrics, R"(http_request_duration_seconds_count{method="GET",route="/"})"),
            3);
}

TEST_F(DemoAppTest, BoomIsAlways500) {
  StartApp(AppOptions{});
  TestClient client(port());
  for (int i = 0; i < 2; ++i) EXPECT_EQ(client.Get("/boom").status, 500);
  EXPECT_EQ(SampleValue(client.Get("/metrics").body, kBoom500), 2);
}

TEST_F(DemoAppTest, ErrorRateOneFailsEveryRootRequest) {
  AppOptions options;
  options.error_rate = 1;
  StartApp(options);
  TestClient client(port());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.Get("/").status, 500);
  const std::string metrics = client.Get("/metrics").body;
  EXPECT_EQ(SampleValue(metrics, kRoot500), 5);
  EXPECT_EQ(SampleValue(metrics, kRoot200), 0);
}

TEST_F(DemoAppTest, LatencyDelaysRoot) {
  AppOptions options;
  options.latency = milliseconds(100);
  StartApp(options);
  HttpResult r = HttpGet(port(), "/");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_GE(r.elapsed, milliseconds(100));
}

TEST_F(DemoAppTest, HealthzIsOk) {
  StartApp(AppOptions{});
  HttpResult r = HttpGet(port(), "/healthz");
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "ok");
}

TEST_F(DemoAppTest, SlowWaitsAtLeastTheAskedTime) {
  StartApp(AppOptions{});
  HttpResult r = HttpGet(port(), "/slow?ms=50");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_GE(r.elapsed, milliseconds(50));
  EXPECT_EQ(r.body, "waited 50ms\n");
}

TEST_F(DemoAppTest, SlowDoesNotBlockTheEventLoop) {
  // One loop thread: a handler that slept would serialize everything below.
  StartApp(AppOptions{}, /*loop_threads=*/1);
  constexpr int kSlow = 3;
  constexpr milliseconds kWait(500);
  const auto start = std::chrono::steady_clock::now();
  const std::string target = "/slow?ms=" + std::to_string(kWait.count());
  std::vector<std::future<HttpResult>> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.push_back(
        std::async(std::launch::async, [this, &target] { return HttpGet(port(), target); }));
  }
  HttpResult health = HttpGet(port(), "/healthz");
  EXPECT_EQ(health.status, 200) << health.error;
  EXPECT_LT(health.elapsed, kWait);
  for (auto& f : slow) {
    HttpResult r = f.get();
    EXPECT_EQ(r.status, 200) << r.error;
    EXPECT_GE(r.elapsed, kWait);
  }
  // Served one after another, they would take kSlow * kWait.
  EXPECT_LT(std::chrono::steady_clock::now() - start, (kSlow - 1) * kWait + milliseconds(400));
}

TEST_F(DemoAppTest, SlowRejectsBadMs) {
  StartApp(AppOptions{});
  TestClient client(port());
  for (const char* target : {"/slow", "/slow?ms=", "/slow?ms=abc", "/slow?ms=-5", "/slow?ms=1.5"}) {
    EXPECT_EQ(client.Get(target).status, 400) << target;
  }
  EXPECT_EQ(SampleValue(client.Get("/metrics").body,
                        R"(http_requests_total{method="GET",route="/slow",status_code="400"})"),
            5);
}

TEST_F(DemoAppTest, UnknownPathsShareOneRouteLabel) {
  StartApp(AppOptions{});
  TestClient client(port());
  EXPECT_EQ(client.Get("/nope").status, 404);
  EXPECT_EQ(client.Get("/also/not/here").status, 404);
  const std::string metrics = client.Get("/metrics").body;
  EXPECT_EQ(
      SampleValue(metrics, R"(http_requests_total{method="GET",route="other",status_code="404"})"),
      2);
  EXPECT_EQ(metrics.find("/nope"), std::string::npos);
}

TEST_F(DemoAppTest, MetricsExposeBuildInfoAndProcessMetrics) {
  AppOptions options;
  options.version_label = "canary";
  StartApp(options);
  HttpResult r = HttpGet(port(), "/metrics");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(SampleValue(r.body, R"(demo_build_info{version="canary"})"), 1);
  EXPECT_NE(r.body.find("# TYPE http_requests_total counter"), std::string::npos);
  EXPECT_NE(r.body.find("# TYPE http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(r.body.find("process_cpu_seconds_total"), std::string::npos);
  EXPECT_NE(r.body.find("process_resident_memory_bytes"), std::string::npos);
}

TEST_F(DemoAppTest, ShutdownRefusesNewConnections) {
  StartApp(AppOptions{});
  EXPECT_EQ(HttpGet(port(), "/healthz").status, 200);
  EXPECT_TRUE(app_->Shutdown(std::chrono::seconds(5)));
  // New connections are refused once accepting stopped.
  EXPECT_EQ(HttpGet(port(), "/healthz").status, 0);
}

TEST(ValidateAppOptionsTest, ChecksRanges) {
  EXPECT_TRUE(ValidateAppOptions(AppOptions{}).ok());
  AppOptions bad;
  bad.error_rate = 1.5;
  EXPECT_FALSE(ValidateAppOptions(bad).ok());
  bad = AppOptions{};
  bad.error_rate = -0.1;
  EXPECT_FALSE(ValidateAppOptions(bad).ok());
  bad = AppOptions{};
  bad.latency = std::chrono::hours(2);
  EXPECT_FALSE(ValidateAppOptions(bad).ok());
  bad = AppOptions{};
  bad.version_label = "";
  EXPECT_FALSE(ValidateAppOptions(bad).ok());
}

TEST(ParseSlowMsTest, Table) {
  struct Case {
    const char* text;
    bool ok;
    int64_t ms;
  };
  for (const Case& c : std::vector<Case>{{"0", true, 0},
                                         {"50", true, 50},
                                         {"60000", true, 60000},
                                         {"60001", true, 60000},
                                         {"99999999999999999999", true, 60000},
                                         {"", false, 0},
                                         {"-1", false, 0},
                                         {"1e3", false, 0},
                                         {" 5", false, 0}}) {
    Result<int64_t> r = ParseSlowMs(c.text);
    ASSERT_EQ(r.ok(), c.ok) << c.text;
    if (c.ok) {
      EXPECT_EQ(*r, c.ms) << c.text;
    }
  }
}

}  // namespace
}  // namespace vigil::demo
