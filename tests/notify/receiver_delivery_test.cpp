// Slack, webhook and email integrations delivering to real local peers: an
// HTTP capture server that can fail or hang, and an aiosmtpd SMTP server with
// STARTTLS and AUTH.
#include <gtest/gtest.h>

#include <filesystem>

#include "receiver_fixtures.h"
#include "receiver_servers.h"
#include "receivers.h"
#include "vigil/base/event_loop.h"
#include "vigil/base/worker_pool.h"
#include "vigil/config/notifications.h"

namespace vigil::notify {
namespace {

using testing::Captured;
using testing::Deliver;
using testing::StartCaptureServer;
using testing::StartPeer;
using testing::TwoAlerts;

class ReceiverDelivery : public ::testing::Test {
 protected:
  void SetUp() override {
    loop_.Start(1);
    context_.loop = &loop_;
    context_.workers = &workers_;
    context_.templates = &testing::DefaultTemplates();
    context_.timeout = std::chrono::seconds(10);
    dir_ = vigil::testing::MakeTempDir();
  }
  void TearDown() override {
    loop_.Stop();
    loop_.Join();
  }

  EventLoop loop_;
  WorkerPool workers_{1};
  IntegrationContext context_;
  std::string dir_;
};

std::string UrlOf(const testing::Peer& server, const std::string& path = "/hook") {
  return "http://127.0.0.1:" + std::to_string(server.port) + path;
}

TEST_F(ReceiverDelivery, SlackPostsThePayload) {
  Result<testing::Peer> server = StartCaptureServer();
  ASSERT_TRUE(server.ok()) << server.status().message();
  config::SlackConfig cfg;
  cfg.api_url = config::Secret(UrlOf(*server, "/services/T0/B0/XYZ"));
  cfg.channel = "#ops";
  auto slack = MakeSlackIntegration(cfg, context_);
  EXPECT_EQ(slack->kind(), "slack");
  DeliveryResult r = Deliver(*slack, TwoAlerts());
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  std::vector<testing::CapturedRequest> got = Captured(*server);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].path, "/services/T0/B0/XYZ");
  EXPECT_EQ(got[0].headers["content-type"], "application/json");
  EXPECT_EQ(got[0].body, *SlackPayload(cfg, testing::DefaultTemplates(), TwoAlerts()));
}

TEST_F(ReceiverDelivery, SlackFailuresAreClassified) {
  config::SlackConfig cfg;
  {
    Result<testing::Peer> server = StartCaptureServer({"--status", "500"});
    ASSERT_TRUE(server.ok()) << server.status().message();
    cfg.api_url = config::Secret(UrlOf(*server));
    DeliveryResult r = Deliver(*MakeSlackIntegration(cfg, context_), TwoAlerts());
    EXPECT_FALSE(r.status.ok());
    EXPECT_TRUE(r.retryable);
    EXPECT_NE(r.status.message().find("500"), std::string::npos) << r.status.message();
  }
  {
    Result<testing::Peer> server = StartCaptureServer({"--status", "429"});
    ASSERT_TRUE(server.ok()) << server.status().message();
    cfg.api_url = config::Secret(UrlOf(*server));
    DeliveryResult r = Deliver(*MakeSlackIntegration(cfg, context_), TwoAlerts());
    EXPECT_FALSE(r.status.ok());
    EXPECT_TRUE(r.retryable);
  }
  {
    Result<testing::Peer> server = StartCaptureServer({"--status", "404"});
    ASSERT_TRUE(server.ok()) << server.status().message();
    cfg.api_url = config::Secret(UrlOf(*server));
    DeliveryResult r = Deliver(*MakeSlackIntegration(cfg, context_), TwoAlerts());
    EXPECT_FALSE(r.status.ok());
    EXPECT_FALSE(r.retryable);
    EXPECT_NE(r.status.message().find("404"), std::string::npos) << r.status.message();
  }
}

TEST_F(ReceiverDelivery, SlackTimesOutOnAHangingServer) {
  Result<testing::Peer> server = StartCaptureServer({"--hang"});
  ASSERT_TRUE(server.ok()) << server.status().message();
  config::SlackConfig cfg;
  cfg.api_url = config::Secret(UrlOf(*server));
  context_.timeout = std::chrono::milliseconds(500);
  const auto start = std::chrono::steady_clock::now();
  DeliveryResult r = Deliver(*MakeSlackIntegration(cfg, context_), TwoAlerts());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(r.status.code(), StatusCode::kDeadlineExceeded) << r.status.message();
  EXPECT_TRUE(r.retryable);
}

TEST_F(ReceiverDelivery, ConnectionRefusedIsRetryable) {
  uint16_t port = 0;
  {
    Result<testing::Peer> server = StartCaptureServer();
    ASSERT_TRUE(server.ok()) << server.status().message();
    port = server->port;
  }  // killed: nothing listens on the port now
  config::WebhookConfig cfg;
  cfg.url = config::Secret("http://127.0.0.1:" + std::to_string(port) + "/");
  DeliveryResult r = Deliver(*MakeWebhookIntegration(cfg, context_), TwoAlerts());
  EXPECT_FALSE(r.status.ok());
  EXPECT_TRUE(r.retryable) << r.status.message();
}

TEST_F(ReceiverDelivery, SecretFilesAreReadAtSendTime) {
  Result<testing::Peer> server = StartCaptureServer();
  ASSERT_TRUE(server.ok()) << server.status().message();
  config::SlackConfig cfg;
  cfg.api_url_file = dir_ + "/slack_url";
  auto slack = MakeSlackIntegration(cfg, context_);
  DeliveryResult missing = Deliver(*slack, TwoAlerts());
  EXPECT_FALSE(missing.status.ok());
  EXPECT_FALSE(missing.retryable);
  EXPECT_NE(missing.status.message().find(cfg.api_url_file), std::string::npos) << missing.status.message();
  vigil::testing::WriteFile(cfg.api_url_file, UrlOf(*server, "/from-file") + "\n");
  DeliveryResult ok = Deliver(*slack, TwoAlerts());
  ASSERT_TRUE(ok.status.ok()) << ok.status.message();
  ASSERT_EQ(Captured(*server).size(), 1u);
  EXPECT_EQ(Captured(*server)[0].path, "/from-file");
}

// A self-signed certificate for 127.0.0.1 in `dir` (cert.pem, key.pem).
void MakeCertificate(const std::string& dir) {
  vigil::testing::CommandResult gen = vigil::testing::RunCommand(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
       "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir + "/key.pem",
       "-out", dir + "/cert.pem"});
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
}

TEST_F(ReceiverDelivery, SlackOverHttpsWithTheServersCa) {
  ASSERT_NO_FATAL_FAILURE(MakeCertificate(dir_));
  Result<testing::Peer> server =
      StartCaptureServer({"--tls", dir_ + "/cert.pem", dir_ + "/key.pem"});
  ASSERT_TRUE(server.ok()) << server.status().message();
  config::SlackConfig cfg;
  cfg.api_url = config::Secret("https://127.0.0.1:" + std::to_string(server->port) + "/hook");
  // Unknown CA: a TLS error, retryable as any transport error.
  DeliveryResult untrusted = Deliver(*MakeSlackIntegration(cfg, context_), TwoAlerts());
  EXPECT_FALSE(untrusted.status.ok());
  EXPECT_NE(untrusted.status.message().find("tls"), std::string::npos) << untrusted.status.message();
  cfg.http_config.tls_config.ca_file = dir_ + "/cert.pem";
  DeliveryResult trusted = Deliver(*MakeSlackIntegration(cfg, context_), TwoAlerts());
  ASSERT_TRUE(trusted.status.ok()) << trusted.status.message();
  cfg.http_config.tls_config.ca_file.clear();
  cfg.http_config.tls_config.insecure_skip_verify = true;
  DeliveryResult skipped = Deliver(*MakeSlackIntegration(cfg, context_), TwoAlerts());
  ASSERT_TRUE(skipped.status.ok()) << skipped.status.message();
  EXPECT_EQ(Captured(*server).size(), 2u);
}

TEST_F(ReceiverDelivery, WebhookPostsVersion4WithBasicAuth) {
  Result<testing::Peer> server = StartCaptureServer();
  ASSERT_TRUE(server.ok()) << server.status().message();
  config::WebhookConfig cfg;
  cfg.url = config::Secret(UrlOf(*server, "/alerts"));
  cfg.max_alerts = 1;
  cfg.http_config.basic_auth = config::BasicAuth{"vigil", config::Secret(), dir_ + "/pw"};
  vigil::testing::WriteFile(dir_ + "/pw", "s3cret\n");
  auto webhook = MakeWebhookIntegration(cfg, context_);
  EXPECT_TRUE(webhook->send_resolved());
  DeliveryResult r = Deliver(*webhook, TwoAlerts());
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  std::vector<testing::CapturedRequest> got = Captured(*server);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].headers["authorization"], "Basic dmlnaWw6czNjcmV0");  // vigil:s3cret
  nlohmann::json body = nlohmann::json::parse(got[0].body);
  EXPECT_EQ(body["version"], "4");
  EXPECT_EQ(body["truncatedAlerts"], 1);
  EXPECT_EQ(body["groupKey"], TwoAlerts().group_key);
}

TEST_F(ReceiverDelivery, BuildIntegrationsInConfigOrder) {
  config::Receiver receiver;
  receiver.name = "all";
  receiver.webhook_configs.resize(1);
  receiver.email_configs.resize(1);
  receiver.slack_configs.resize(2);
  auto built = BuildIntegrations(receiver, context_);
  ASSERT_TRUE(built.ok()) << built.status().message();
  std::vector<std::string> kinds;
  for (const auto& i : *built) kinds.emplace_back(i->kind());
  EXPECT_EQ(kinds, (std::vector<std::string>{"slack", "slack", "email", "webhook"}));
  IntegrationContext no_templates = context_;
  no_templates.templates = nullptr;
  EXPECT_FALSE(BuildIntegrations(receiver, no_templates).ok());
}

class EmailDelivery : public ReceiverDelivery {
 protected:
  config::EmailConfig Config(uint16_t port) {
    config::EmailConfig cfg;
    cfg.to = "Ops <ops@example.org>, dev@example.org";
    cfg.from = "vigil <vigil@example.org>";
    cfg.hello = "vigil.test";
    cfg.smarthost = config::HostPort{"127.0.0.1", std::to_string(port)};
    cfg.require_tls = false;
    cfg.text = R"({{ template "__text_alert_list" .Alerts }})";
    return cfg;
  }
  static std::optional<nlohmann::json> Mail(const testing::Peer& server) {
    std::optional<std::string> line = server.process.WaitForOutput("MAIL {", std::chrono::seconds(10));
    if (!line) return std::nullopt;
    return nlohmann::json::parse(line->substr(line->find("MAIL ") + 5));
  }
};

TEST_F(EmailDelivery, PlainSmtpWithAuthPasswordFile) {
  Result<testing::Peer> server = StartPeer({"/usr/bin/python3", VIGIL_NOTIFY_TEST_DIR "/smtp_server.py",
                                            "--auth", "alice", "pa55word"});
  ASSERT_TRUE(server.ok()) << server.status().message();
  config::EmailConfig cfg = Config(server->port);
  cfg.auth_username = "alice";
  cfg.auth_password_file = dir_ + "/smtp_password";
  auto email = MakeEmailIntegration(cfg, context_);
  DeliveryResult missing = Deliver(*email, TwoAlerts());
  EXPECT_FALSE(missing.status.ok());
  EXPECT_NE(missing.status.message().find(cfg.auth_password_file), std::string::npos)
      << missing.status.message();

  vigil::testing::WriteFile(cfg.auth_password_file, "pa55word\n");
  DeliveryResult r = Deliver(*email, TwoAlerts());
  ASSERT_TRUE(r.status.ok()) << r.status.message() << server->process.Output();
  std::optional<nlohmann::json> mail = Mail(*server);
  ASSERT_TRUE(mail) << server->process.Output();
  EXPECT_EQ((*mail)["from"], "vigil@example.org");
  EXPECT_EQ((*mail)["to"], nlohmann::json::array({"ops@example.org", "dev@example.org"}));
  EXPECT_EQ((*mail)["login"], "alice");
  EXPECT_EQ((*mail)["hello"], "vigil.test");
  std::string data = (*mail)["data"];
  EXPECT_NE(data.find("Subject: [FIRING:1] HighErrorRate (demo page)"), std::string::npos) << data;
  EXPECT_NE(data.find("From: vigil <vigil@example.org>"), std::string::npos) << data;
  EXPECT_NE(data.find("To: Ops <ops@example.org>, dev@example.org"), std::string::npos) << data;
  std::string decoded = testing::DecodeQuotedPrintable(data);
  EXPECT_NE(decoded.find(" - instance = b:2"), std::string::npos) << decoded;
  EXPECT_NE(decoded.find("<title>[FIRING:1] HighErrorRate (demo page)</title>"), std::string::npos) << decoded;
}

TEST_F(EmailDelivery, WrongPasswordFails) {
  Result<testing::Peer> server = StartPeer({"/usr/bin/python3", VIGIL_NOTIFY_TEST_DIR "/smtp_server.py",
                                            "--auth", "alice", "pa55word"});
  ASSERT_TRUE(server.ok()) << server.status().message();
  config::EmailConfig cfg = Config(server->port);
  cfg.auth_username = "alice";
  cfg.auth_password = config::Secret("wrong");
  DeliveryResult r = Deliver(*MakeEmailIntegration(cfg, context_), TwoAlerts());
  EXPECT_FALSE(r.status.ok());
  EXPECT_TRUE(r.retryable);
  EXPECT_NE(r.status.message().find("SMTP 535"), std::string::npos) << r.status.message();
  EXPECT_EQ(r.status.message().find("wrong"), std::string::npos) << "secret in error: " << r.status.message();
}

TEST_F(EmailDelivery, StartTlsWithTheServersCa) {
  ASSERT_NO_FATAL_FAILURE(MakeCertificate(dir_));
  const std::string cert = dir_ + "/cert.pem";
  const std::string key = dir_ + "/key.pem";
  Result<testing::Peer> server = StartPeer({"/usr/bin/python3", VIGIL_NOTIFY_TEST_DIR "/smtp_server.py",
                                            "--starttls", cert, key, "--require-tls"});
  ASSERT_TRUE(server.ok()) << server.status().message();
  config::EmailConfig cfg = Config(server->port);
  cfg.require_tls = true;
  // Unknown CA: the handshake fails, retryably.
  DeliveryResult untrusted = Deliver(*MakeEmailIntegration(cfg, context_), TwoAlerts());
  EXPECT_FALSE(untrusted.status.ok());
  EXPECT_TRUE(untrusted.retryable);
  cfg.tls_config.ca_file = cert;
  DeliveryResult r = Deliver(*MakeEmailIntegration(cfg, context_), TwoAlerts());
  ASSERT_TRUE(r.status.ok()) << r.status.message() << server->process.Output();
  std::optional<nlohmann::json> mail = Mail(*server);
  ASSERT_TRUE(mail) << server->process.Output();
  EXPECT_EQ((*mail)["tls"], true);
}

TEST_F(EmailDelivery, RequireTlsFailsWithoutStartTls) {
  Result<testing::Peer> server = StartPeer({"/usr/bin/python3", VIGIL_NOTIFY_TEST_DIR "/smtp_server.py"});
  ASSERT_TRUE(server.ok()) << server.status().message();
  config::EmailConfig cfg = Config(server->port);
  cfg.require_tls = true;
  DeliveryResult r = Deliver(*MakeEmailIntegration(cfg, context_), TwoAlerts());
  EXPECT_FALSE(r.status.ok());
  EXPECT_TRUE(r.retryable);
  EXPECT_EQ(server->process.Output().find("MAIL {"), std::string::npos);
}

}  // namespace
}  // namespace vigil::notify
