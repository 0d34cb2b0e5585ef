// vigil as an Alertmanager: alerts POSTed to /api/v2/alerts reach a webhook
// receiver started by the test once, through receiver failures and a
// SIGKILL of vigil; amtool manages silences on vigil.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "http_client.h"
#include "process.h"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// The webhook receiver script; its status file decides the answers.
class WebhookReceiver {
 public:
  static std::unique_ptr<WebhookReceiver> Start() {
    auto r = std::unique_ptr<WebhookReceiver>(new WebhookReceiver());
    r->status_file_ = MakeTempDir() + "/status";
    auto p = Process::Start({"/usr/bin/python3",
                             VIGIL_SOURCE_DIR "/tests/integration/webhook_receiver.py",
                             "--status-file", r->status_file_});
    if (!p.ok()) return nullptr;
    r->process_.emplace(std::move(*p));
    auto line = r->process_->WaitForOutput("listening on", 10s);
    if (!line) return nullptr;
    r->port_ = static_cast<uint16_t>(std::stoi(line->substr(line->find("on ") + 3)));
    return r;
  }

  void AnswerWith(int status) { WriteFile(status_file_, std::to_string(status)); }
  uint16_t port() const { return port_; }

  // Bodies of the requests answered with `status`.
  std::vector<json> Requests(int status) const {
    std::vector<json> out;
    std::istringstream lines(process_->Output());
    std::string line;
    std::string prefix = "REQUEST " + std::to_string(status) + " ";
    while (std::getline(lines, line)) {
      if (line.rfind(prefix, 0) != 0) continue;
      out.push_back(json::parse(json::parse(line.substr(prefix.size())).get<std::string>()));
    }
    return out;
  }

  // Waits until at least `n` requests were answered with `status`.
  bool WaitFor(int status, size_t n, std::chrono::milliseconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Requests(status).size() >= n) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

 private:
  WebhookReceiver() = default;
  std::optional<Process> process_;
  std::string status_file_;
  uint16_t port_ = 0;
};

// vigil with a config and data dir the test keeps across restarts.
struct Vigil {
  Process process;
  uint16_t port;
};

Result<Vigil> StartVigil(const std::string& dir) {
  VIGIL_ASSIGN_OR_RETURN(
      Process p,
      Process::Start({VIGIL_BINARY, "serve", "--config.file=" + dir + "/vigil.yml",
                      "--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + dir + "/data"}));
  auto line = p.WaitForOutput("Server is ready to receive web requests", 30s);
  if (!line) return Unavailable("vigil did not become ready:\n" + p.Output());
  uint16_t port = PortFromLogLine(*line);
  return Vigil{std::move(p), port};
}

std::string Config(uint16_t webhook_port) {
  return R"(
global:
  evaluation_interval: 1s
notifications:
  route:
    receiver: hook
    group_by: [alertname]
    group_wait: 1s
    group_interval: 2s
    repeat_interval: 1h
  receivers:
    - name: hook
      webhook_configs:
        - url: http://127.0.0.1:)" +
         std::to_string(webhook_port) + "/hook\n";
}

constexpr char kAlert[] =
    R"([{"labels": {"alertname": "DiskFull", "instance": "db-1", "severity": "page"},
        "annotations": {"summary": "disk is full"},
        "generatorURL": "http://vigil/graph"}])";

// amtool's JSON output, after the warning it prints because vigil's version
// is not an Alertmanager version.
json AmtoolJson(const std::string& output) {
  size_t start = output.find_first_of("[{");
  return json::parse(start == std::string::npos ? output : output.substr(start));
}

Result<HttpResponse> PostAlert(uint16_t port) {
  return HttpPost(port, "/api/v2/alerts", kAlert, "application/json");
}

class NotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    receiver_ = WebhookReceiver::Start();
    ASSERT_NE(receiver_, nullptr);
    dir_ = MakeTempDir();
    WriteFile(dir_ + "/vigil.yml", Config(receiver_->port()));
  }
  std::unique_ptr<WebhookReceiver> receiver_;
  std::string dir_;
};

TEST_F(NotifyTest, PostedAlertNotifiedOnceAfterGroupWait) {
  auto vigil = StartVigil(dir_);
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
  auto posted = PostAlert(vigil->port);
  ASSERT_TRUE(posted.ok());
  ASSERT_EQ(posted->status, 200) << posted->body;

  auto alerts = HttpGet(vigil->port, "/api/v2/alerts?filter=alertname%3D%22DiskFull%22");
  ASSERT_TRUE(alerts.ok());
  json listed = json::parse(alerts->body);
  ASSERT_EQ(listed.size(), 1u) << alerts->body;
  EXPECT_EQ(listed[0]["status"]["state"], "active");
  EXPECT_EQ(listed[0]["receivers"][0]["name"], "hook");

  ASSERT_TRUE(receiver_->WaitFor(200, 1, 15s)) << vigil->process.Output();
  json body = receiver_->Requests(200)[0];
  EXPECT_EQ(body["version"], "4");
  EXPECT_EQ(body["status"], "firing");
  EXPECT_EQ(body["receiver"], "hook");
  EXPECT_EQ(body["groupKey"], R"({}:{alertname="DiskFull"})");
  ASSERT_EQ(body["alerts"].size(), 1u);
  EXPECT_EQ(body["alerts"][0]["annotations"]["summary"], "disk is full");

  // Resent as Prometheus would: group_interval passes twice, nothing new.
  ASSERT_TRUE(PostAlert(vigil->port).ok());
  std::this_thread::sleep_for(5s);
  EXPECT_EQ(receiver_->Requests(200).size(), 1u);

  auto groups = HttpGet(vigil->port, "/api/v2/alerts/groups");
  ASSERT_TRUE(groups.ok());
  json g = json::parse(groups->body);
  ASSERT_EQ(g.size(), 1u) << groups->body;
  EXPECT_EQ(g[0]["labels"]["alertname"], "DiskFull");
  EXPECT_EQ(g[0]["receiver"]["name"], "hook");
}

TEST_F(NotifyTest, ReceiverFailingThenRecoveringGetsTheMessageOnce) {
  receiver_->AnswerWith(500);
  auto vigil = StartVigil(dir_);
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
  ASSERT_TRUE(PostAlert(vigil->port).ok());
  ASSERT_TRUE(receiver_->WaitFor(500, 3, 20s)) << vigil->process.Output();
  receiver_->AnswerWith(200);
  ASSERT_TRUE(receiver_->WaitFor(200, 1, 30s)) << vigil->process.Output();
  std::this_thread::sleep_for(5s);
  EXPECT_EQ(receiver_->Requests(200).size(), 1u);
  auto metrics = HttpGet(vigil->port, "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find(
                R"(vigil_notification_queue_length{integration="webhook",receiver="hook"} 0)"),
            std::string::npos)
      << metrics->body;
}

TEST_F(NotifyTest, SigkillBetweenFiringAndDeliveryStillDeliversOnce) {
  receiver_->AnswerWith(500);
  {
    auto vigil = StartVigil(dir_);
    ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
    ASSERT_TRUE(PostAlert(vigil->port).ok());
    // The notification is in the outbox before its first attempt.
    ASSERT_TRUE(receiver_->WaitFor(500, 1, 15s)) << vigil->process.Output();
    vigil->process.Signal(SIGKILL);
    ASSERT_TRUE(vigil->process.Wait(10s).has_value());
  }
  receiver_->AnswerWith(200);
  auto vigil = StartVigil(dir_);
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
  ASSERT_TRUE(receiver_->WaitFor(200, 1, 15s)) << vigil->process.Output();
  // The rules manager (here: the test) resends the alert after the restart;
  // the notification log knows it was delivered.
  ASSERT_TRUE(PostAlert(vigil->port).ok());
  std::this_thread::sleep_for(5s);
  EXPECT_EQ(receiver_->Requests(200).size(), 1u);

  // And once more after a clean restart.
  vigil->process.Signal(SIGTERM);
  ASSERT_TRUE(vigil->process.Wait(20s).has_value());
  auto again = StartVigil(dir_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE(PostAlert(again->port).ok());
  std::this_thread::sleep_for(4s);
  EXPECT_EQ(receiver_->Requests(200).size(), 1u);
}

TEST_F(NotifyTest, AmtoolCreatesListsAndExpiresASilence) {
  const std::string amtool = VIGIL_SOURCE_DIR "/build/peers/usr/bin/amtool";
  if (!std::filesystem::exists(amtool)) GTEST_SKIP() << "run scripts/setup.sh --test-peers";
  auto vigil = StartVigil(dir_);
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
  ASSERT_TRUE(PostAlert(vigil->port).ok());
  const std::string url = "--alertmanager.url=http://127.0.0.1:" + std::to_string(vigil->port);

  CommandResult add =
      RunCommand({amtool, url, "silence", "add", "alertname=DiskFull", "instance=~db-.*",
                  "--comment=disk swap", "--author=test", "--duration=2h"});
  ASSERT_EQ(add.exit_code, 0) << add.output;
  std::string id = add.output.substr(add.output.rfind("\n", add.output.size() - 2) + 1);
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
  ASSERT_EQ(id.size(), 36u) << add.output;

  CommandResult query = RunCommand({amtool, url, "silence", "query", "-o", "json"});
  ASSERT_EQ(query.exit_code, 0) << query.output;
  json silences = AmtoolJson(query.output);
  ASSERT_EQ(silences.size(), 1u) << query.output;
  EXPECT_EQ(silences[0]["id"], id);
  EXPECT_EQ(silences[0]["comment"], "disk swap");
  EXPECT_EQ(silences[0]["status"]["state"], "active");

  // The silence mutes the alert, as amtool sees it.
  CommandResult alerts = RunCommand({amtool, url, "alert", "query", "-o", "json", "--silenced"});
  ASSERT_EQ(alerts.exit_code, 0) << alerts.output;
  json muted = AmtoolJson(alerts.output);
  ASSERT_EQ(muted.size(), 1u) << alerts.output;
  EXPECT_EQ(muted[0]["status"]["silencedBy"][0], id);

  CommandResult expire = RunCommand({amtool, url, "silence", "expire", id});
  ASSERT_EQ(expire.exit_code, 0) << expire.output;
  CommandResult after = RunCommand({amtool, url, "silence", "query", "-o", "json"});
  ASSERT_EQ(after.exit_code, 0) << after.output;
  EXPECT_EQ(AmtoolJson(after.output).size(), 0u) << "amtool lists active silences only";
  auto one = HttpGet(vigil->port, "/api/v2/silence/" + id);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(json::parse(one->body)["status"]["state"], "expired");

  // Silences survive a restart.
  vigil->process.Signal(SIGTERM);
  ASSERT_TRUE(vigil->process.Wait(20s).has_value());
  auto again = StartVigil(dir_);
  ASSERT_TRUE(again.ok());
  auto listed = HttpGet(again->port, "/api/v2/silences");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(json::parse(listed->body).size(), 1u) << listed->body;
}

TEST_F(NotifyTest, ReloadKeepsAlertsAndDoesNotResend) {
  auto vigil = StartVigil(dir_);
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
  ASSERT_TRUE(PostAlert(vigil->port).ok());
  ASSERT_TRUE(receiver_->WaitFor(200, 1, 15s)) << vigil->process.Output();
  std::string changed = Config(receiver_->port());
  changed.replace(changed.find("group_interval: 2s"), 18, "group_interval: 1s");
  WriteFile(dir_ + "/vigil.yml", changed);
  vigil->process.Signal(SIGHUP);
  auto deadline = std::chrono::steady_clock::now() + 15s;
  auto reloads = [&] {
    std::string out = vigil->process.Output();
    size_t n = 0;
    for (size_t p = out.find("Completed loading"); p != std::string::npos;
         p = out.find("Completed loading", p + 1)) {
      ++n;
    }
    return n;
  };
  while (reloads() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(reloads(), 2u) << vigil->process.Output();
  auto alerts = HttpGet(vigil->port, "/api/v2/alerts");
  ASSERT_TRUE(alerts.ok());
  EXPECT_EQ(json::parse(alerts->body).size(), 1u) << alerts->body;
  ASSERT_TRUE(PostAlert(vigil->port).ok());
  std::this_thread::sleep_for(4s);
  EXPECT_EQ(receiver_->Requests(200).size(), 1u);
}

TEST_F(NotifyTest, InvalidAlertsAndSilencesAreRefusedWithTheReason) {
  auto vigil = StartVigil(dir_);
  ASSERT_TRUE(vigil.ok()) << vigil.status().ToString();
  auto bad = HttpPost(vigil->port, "/api/v2/alerts", R"([{"labels": {}}])", "application/json");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("at least one label pair required"), std::string::npos) << bad->body;
  auto silence = HttpPost(vigil->port, "/api/v2/silences",
                          R"({"matchers": [{"name": "a", "value": ".*", "isRegex": true}],
                              "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-01-02T00:00:00Z",
                              "createdBy": "x", "comment": "y"})",
                          "application/json");
  ASSERT_TRUE(silence.ok());
  EXPECT_EQ(silence->status, 400);
  EXPECT_NE(silence->body.find("must not match the empty string"), std::string::npos)
      << silence->body;
  auto missing = HttpGet(vigil->port, "/api/v2/silence/nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
}

}  // namespace
}  // namespace vigil::testing
