// Tests of `vigil-demo load`: target parsing, option bounds, and a real run
// against the demo app served in-process on 127.0.0.1 port 0.
#include "load.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "app.h"
#include "test_client.h"
#include "vigil/base/event_loop.h"
#include "vigil/base/metrics.h"

namespace vigil::demo {
namespace {

using testing::SampleValue;

TEST(ParseLoadTargetTest, Accepts) {
  struct Case {
    const char* url;
    const char* host;
    const char* port;
  };
  for (const Case& c : std::vector<Case>{{"http://127.0.0.1:8080", "127.0.0.1", "8080"},
                                         {"http://demo:80/", "demo", "80"},
                                         {"http://demo", "demo", "80"},
                                         {"http://[::1]:9000", "::1", "9000"},
                                         {"http://[::1]", "::1", "80"}}) {
    Result<LoadTarget> t = ParseLoadTarget(c.url);
    ASSERT_TRUE(t.ok()) << c.url << ": " << t.status().ToString();
    EXPECT_EQ(t->host, c.host) << c.url;
    EXPECT_EQ(t->port, c.port) << c.url;
  }
}

TEST(ParseLoadTargetTest, Rejects) {
  for (const char* url : {"", "127.0.0.1:8080", "https://demo:443", "http://", "http://:80",
                          "http://demo:0", "http://demo:65536", "http://demo:x",
                          "http://demo:80/path", "http://user@demo:80", "http://[::1:80"}) {
    EXPECT_FALSE(ParseLoadTarget(url).ok()) << url;
  }
  EXPECT_EQ(ParseLoadTarget("https://demo").status().code(), StatusCode::kUnimplemented);
}

TEST(LoadSummaryTest, ToString) {
  LoadSummary s;
  s.planned = 10;
  s.sent = 9;
  s.status_2xx = 8;
  s.status_5xx = 1;
  s.errors = 1;
  s.elapsed_seconds = 1;
  s.last_error = "connect: Connection refused";
  EXPECT_EQ(s.ToString(),
            "planned=10 sent=9 2xx=8 5xx=1 other_status=0 errors=1 skipped=0 elapsed=1.00s "
            "rate=9.0/s last_error=\"connect: Connection refused\"");
}

// A loopback port with nothing listening on it.
uint16_t ClosedPort() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

TEST(LoadGeneratorTest, CountsConnectFailuresAndSendsNothing) {
  LoadOptions options;
  options.target = "http://127.0.0.1:" + std::to_string(ClosedPort());
  options.rate = 50;
  options.duration = std::chrono::milliseconds(100);
  LoadGenerator generator(options);
  Result<LoadSummary> summary = generator.Run();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->planned, 5u);
  EXPECT_EQ(summary->sent, 0u);
  EXPECT_EQ(summary->errors + summary->skipped, 5u);
  EXPECT_NE(summary->last_error.find("connect"), std::string::npos) << summary->last_error;
}

TEST(LoadGeneratorTest, RejectsInvalidOptions) {
  LoadOptions options;
  options.target = "http://127.0.0.1:1";
  options.rate = 0;
  options.duration = std::chrono::seconds(1);
  LoadGenerator generator(options);
  EXPECT_EQ(generator.Run().status().code(), StatusCode::kInvalidArgument);
}

TEST(LoadGeneratorTest, StopEndsARunEarly) {
  LoadOptions options;
  options.target = "http://127.0.0.1:" + std::to_string(ClosedPort());
  options.rate = 10;
  options.duration = std::chrono::hours(1);
  LoadGenerator generator(options);
  auto run = std::async(std::launch::async, [&] { return generator.Run(); });
  generator.Stop();
  ASSERT_EQ(run.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  Result<LoadSummary> summary = run.get();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_TRUE(summary->stopped_early);
  EXPECT_LT(summary->elapsed_seconds, 10);
}

class LoadAgainstAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AppOptions options;
    options.listen_address = "127.0.0.1:0";
    options.access_log = false;
    app_ = std::make_unique<App>(loop_, options, registry_);
    Status status = app_->Start();
    ASSERT_TRUE(status.ok()) << status.ToString();
    loop_.Start(2);
  }

  void TearDown() override {
    app_.reset();
    loop_.Stop();
    loop_.Join();
  }

  EventLoop loop_;
  metrics::Registry registry_;
  std::unique_ptr<App> app_;
};

TEST_F(LoadAgainstAppTest, ProducesSuccessesAndErrorsTheServerAgreesWith) {
  LoadOptions options;
  options.target = "http://127.0.0.1:" + std::to_string(app_->Port());
  options.rate = 200;
  options.duration = std::chrono::seconds(1);
  options.boom_ratio = 0.1;
  options.concurrency = 4;
  LoadGenerator generator(options);
  Result<LoadSummary> summary = generator.Run();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  SCOPED_TRACE(summary->ToString());

  EXPECT_EQ(summary->planned, 200u);
  EXPECT_GT(summary->status_2xx, 0u);
  EXPECT_GT(summary->status_5xx, 0u);
  EXPECT_EQ(summary->errors, 0u);
  EXPECT_EQ(summary->status_other, 0u);
  EXPECT_EQ(summary->sent, summary->status_2xx + summary->status_5xx);
  EXPECT_EQ(summary->sent + summary->skipped, summary->planned);
  EXPECT_GE(summary->elapsed_seconds, 0.9);
  // Every tenth request went to /boom.
  EXPECT_NEAR(static_cast<double>(summary->status_5xx), summary->sent * 0.1, 1);

  // The generator closed its connections; once the server has seen them go,
  // every request it served has been counted.
  ASSERT_TRUE(app_->Shutdown(std::chrono::seconds(10)));
  const std::string metrics = registry_.Render();
  EXPECT_EQ(
      SampleValue(metrics, R"(http_requests_total{method="GET",route="/",status_code="200"})"),
      static_cast<double>(summary->status_2xx));
  EXPECT_EQ(
      SampleValue(metrics, R"(http_requests_total{method="GET",route="/boom",status_code="500"})"),
      static_cast<double>(summary->status_5xx));
}

}  // namespace
}  // namespace vigil::demo
