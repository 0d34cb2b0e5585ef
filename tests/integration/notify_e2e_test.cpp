// End to end: vigil-demo serves 5xx → vigil's 5xx-ratio alert fires → exactly
// one Slack message (to a local capture server) and one email (to a local
// aiosmtpd) arrive; the errors stop → one resolved message each.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "receiver_servers.h"
#include "vigil_process.h"

namespace vigil::testing {
namespace {

using notify::testing::Captured;
using notify::testing::Peer;
using notify::testing::StartPeer;

int CountMails(const Process& smtp, const std::string& subject_prefix) {
  std::string out = smtp.Output();
  int n = 0;
  for (size_t pos = 0; (pos = out.find("MAIL {", pos)) != std::string::npos; pos += 6) {
    size_t end = out.find('\n', pos);
    nlohmann::json mail = nlohmann::json::parse(out.substr(pos + 5, end - pos - 5));
    if (mail["data"].get<std::string>().find("Subject: " + subject_prefix) != std::string::npos) ++n;
  }
  return n;
}

int CountSlack(const Peer& slack, const std::string& title_prefix) {
  int n = 0;
  for (const auto& r : Captured(slack)) {
    nlohmann::json body = nlohmann::json::parse(r.body);
    if (body["attachments"][0]["title"].get<std::string>().rfind(title_prefix, 0) == 0) ++n;
  }
  return n;
}

bool WaitFor(const std::function<bool()>& done, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

TEST(NotifyEndToEnd, DemoErrorsGiveOneSlackMessageAndOneEmailThenResolved) {
  Result<Peer> slack = notify::testing::StartCaptureServer();
  ASSERT_TRUE(slack.ok()) << slack.status().message();
  Result<Peer> smtp = StartPeer({"/usr/bin/python3", VIGIL_SOURCE_DIR "/tests/notify/smtp_server.py"});
  ASSERT_TRUE(smtp.ok()) << smtp.status().message();
  Result<Process> demo = Process::Start({VIGIL_DEMO_BINARY, "--web.listen-address=127.0.0.1:0"});
  ASSERT_TRUE(demo.ok());
  std::optional<std::string> line = demo->WaitForOutput("vigil-demo listening", std::chrono::seconds(30));
  ASSERT_TRUE(line) << demo->Output();
  const uint16_t demo_port = PortFromLogLine(*line);

  const std::string dir = MakeTempDir();
  WriteFile(dir + "/demo.yml", R"(groups:
  - name: demo
    interval: 1s
    rules:
      - alert: DemoHighErrorRatio
        expr: sum(rate(http_requests_total{status_code=~"5.."}[4s])) / sum(rate(http_requests_total[4s])) > 0.1
        labels: {severity: page}
        annotations: {summary: "5xx ratio above 10%"}
)");
  Result<VigilProcess> vigil = VigilProcess::Start(R"(global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [")" + dir + R"(/demo.yml"]
scrape_configs:
  - job_name: demo
    static_configs: [{targets: ["127.0.0.1:)" + std::to_string(demo_port) + R"("]}]
notifications:
  route:
    receiver: team
    group_by: [alertname]
    group_wait: 1s
    group_interval: 2s
    repeat_interval: 1h
  receivers:
    - name: team
      slack_configs:
        - api_url: http://127.0.0.1:)" + std::to_string(slack->port) + R"(/services/T/B/X
          channel: "#ops"
          send_resolved: true
      email_configs:
        - to: ops@example.org
          from: vigil@example.org
          smarthost: 127.0.0.1:)" + std::to_string(smtp->port) + R"(
          require_tls: false
          send_resolved: true
)");
  ASSERT_TRUE(vigil.ok()) << vigil.status().message();

  // Traffic with half of it failing until the alert's notifications arrive.
  std::atomic<bool> failing{true};
  std::atomic<bool> stop{false};
  std::thread traffic([&] {
    while (!stop) {
      (void)HttpGet(demo_port, "/");
      if (failing) (void)HttpGet(demo_port, "/boom");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  const bool fired = WaitFor([&] {
    return CountSlack(*slack, "[FIRING:1] DemoHighErrorRatio") >= 1 &&
           CountMails(smtp->process, "[FIRING:1] DemoHighErrorRatio") >= 1;
  }, std::chrono::seconds(20));
  failing = false;
  const bool resolved = fired && WaitFor([&] {
    return CountSlack(*slack, "[RESOLVED] DemoHighErrorRatio") >= 1 &&
           CountMails(smtp->process, "[RESOLVED] DemoHighErrorRatio") >= 1;
  }, std::chrono::seconds(20));
  stop = true;
  traffic.join();
  ASSERT_TRUE(fired) << vigil->process().Output();
  ASSERT_TRUE(resolved) << vigil->process().Output();
  // Exactly one of each: nothing repeated within repeat_interval.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(CountSlack(*slack, "[FIRING"), 1);
  EXPECT_EQ(CountSlack(*slack, "[RESOLVED"), 1);
  EXPECT_EQ(CountMails(smtp->process, "[FIRING"), 1);
  EXPECT_EQ(CountMails(smtp->process, "[RESOLVED"), 1);
  nlohmann::json firing = nlohmann::json::parse(Captured(*slack)[0].body);
  EXPECT_EQ(firing["channel"], "#ops");
  EXPECT_EQ(firing["attachments"][0]["color"], "danger");
}

}  // namespace
}  // namespace vigil::testing
