// The real vigil-demo binary: serving, its metrics, JSON access logs, the
// load mode against it, and a clean exit on SIGTERM.
#include <gtest/gtest.h>

#include <csignal>

#include "http_client.h"
#include "process.h"

namespace vigil::testing {
namespace {

using std::chrono::seconds;

// The value of the sample whose line starts with `series` in /metrics, or -1.
double Sample(uint16_t port, const std::string& series) {
  auto r = HttpGet(port, "/metrics");
  if (!r.ok()) return -1;
  size_t pos = r->body.find("\n" + series + " ");
  if (pos == std::string::npos) return -1;
  return std::stod(r->body.substr(pos + series.size() + 2));
}

TEST(Demo, ServesCountsAndTakesLoad) {
  auto demo = Process::Start({VIGIL_DEMO_BINARY, "--web.listen-address=127.0.0.1:0"});
  ASSERT_TRUE(demo.ok());
  auto line = demo->WaitForOutput("vigil-demo listening", seconds(30));
  ASSERT_TRUE(line) << demo->Output();
  uint16_t port = PortFromLogLine(*line);
  ASSERT_NE(port, 0) << *line;

  auto ok = HttpGet(port, "/");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 200);
  auto boom = HttpGet(port, "/boom");
  ASSERT_TRUE(boom.ok());
  EXPECT_EQ(boom->status, 500);

  const std::string ok_series = R"(http_requests_total{method="GET",route="/",status_code="200"})";
  const std::string boom_series =
      R"(http_requests_total{method="GET",route="/boom",status_code="500"})";
  EXPECT_EQ(Sample(port, ok_series), 1);
  EXPECT_EQ(Sample(port, boom_series), 1);
  // JSON access log with the request id.
  EXPECT_TRUE(demo->WaitForOutput("\"request_id\":", seconds(5)));

  CommandResult load = RunCommand({VIGIL_DEMO_BINARY, "load", "--rate", "50", "--duration", "1s",
                                   "--target", "http://127.0.0.1:" + std::to_string(port)},
                                  seconds(30));
  EXPECT_EQ(load.exit_code, 0) << load.output;
  EXPECT_GT(Sample(port, ok_series), 1);
  EXPECT_GT(Sample(port, boom_series), 1);

  demo->Signal(SIGTERM);
  std::optional<int> code = demo->Wait(seconds(10));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
}

}  // namespace
}  // namespace vigil::testing
