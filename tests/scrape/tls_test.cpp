// Scraping over HTTPS: a Python HTTPS server with a certificate made by the
// openssl tool for the test; verification against the CA file, server_name,
// insecure_skip_verify, and a failed handshake reported as the target's error.
#include <gtest/gtest.h>

#include <thread>

#include "memory_storage.h"
#include "process.h"
#include "vigil/model/value.h"
#include "vigil/scrape/manager.h"

namespace vigil::scrape {
namespace {

using model::Labels;
using std::chrono::milliseconds;

constexpr const char* kServer = R"(
import http.server, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"tls_sample 42\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print("port=%d" % srv.server_address[1], flush=True)
srv.serve_forever()
)";

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir();
    auto gen = testing::RunCommand(
        {"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
         dir_ + "/key.pem", "-out", dir_ + "/cert.pem", "-days", "1", "-subj", "/CN=vigil-test",
         "-addext", "subjectAltName=DNS:vigil-test"});
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
    testing::WriteFile(dir_ + "/serve.py", kServer);
    auto server = testing::Process::Start(
        {"/usr/bin/python3", dir_ + "/serve.py", dir_ + "/cert.pem", dir_ + "/key.pem"});
    ASSERT_TRUE(server.ok());
    server_ = std::make_unique<testing::Process>(std::move(*server));
    auto line = server_->WaitForOutput("port=", std::chrono::seconds(20));
    ASSERT_TRUE(line) << server_->Output();
    port_ = line->substr(line->find('=') + 1);
    loop_.Start(2);
    manager_ = std::make_unique<Manager>(loop_, workers_, storage_, registry_, clock_);
  }
  void TearDown() override {
    manager_.reset();
    loop_.Stop();
    loop_.Join();
  }

  Status Apply(const std::string& tls_config) {
    std::string yaml = "scrape_configs:\n  - job_name: tls\n    scheme: https\n"
                       "    scrape_interval: 100ms\n    scrape_timeout: 100ms\n"
                       "    tls_config:\n" + tls_config +
                       "    static_configs:\n      - targets: ['127.0.0.1:" + port_ + "']\n";
    auto cfg = config::ParseConfig(yaml, "t.yml");
    EXPECT_TRUE(cfg.ok()) << cfg.status().message();
    return manager_->ApplyConfig(**cfg);
  }

  // The health and error of the one target once it has been scraped.
  std::pair<TargetHealth, std::string> WaitScraped() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      auto active = manager_->ActiveTargets();
      if (!active.empty() && active[0].health != TargetHealth::kUnknown) {
        return {active[0].health, active[0].last_error};
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
    return {TargetHealth::kUnknown, "never scraped"};
  }

  std::string dir_;
  std::string port_;
  std::unique_ptr<testing::Process> server_;
  EventLoop loop_;
  WorkerPool workers_{1};
  metrics::Registry registry_;
  SystemClock clock_;
  testing::MemoryStorage storage_;
  std::unique_ptr<Manager> manager_;
};

TEST_F(TlsTest, VerifiesAgainstTheCaFileAndServerName) {
  ASSERT_TRUE(Apply("      ca_file: " + dir_ + "/cert.pem\n      server_name: vigil-test\n").ok());
  auto [health, error] = WaitScraped();
  EXPECT_EQ(health, TargetHealth::kUp) << error;
  auto samples = storage_.Samples(Labels::FromStrings(
      {"__name__", "tls_sample", "instance", "127.0.0.1:" + port_, "job", "tls"}));
  ASSERT_FALSE(samples.empty());
  EXPECT_EQ(samples[0].v, 42);
}

TEST_F(TlsTest, WrongNameFailsTheHandshake) {
  // The certificate is for vigil-test, not 127.0.0.1.
  ASSERT_TRUE(Apply("      ca_file: " + dir_ + "/cert.pem\n").ok());
  auto [health, error] = WaitScraped();
  EXPECT_EQ(health, TargetHealth::kDown);
  EXPECT_EQ(error.rfind("tls: ", 0), 0u) << error;
}

TEST_F(TlsTest, UnknownCaFailsUnlessVerificationIsSkipped) {
  ASSERT_TRUE(Apply("      server_name: vigil-test\n").ok());
  auto [health, error] = WaitScraped();
  EXPECT_EQ(health, TargetHealth::kDown);
  EXPECT_EQ(error.rfind("tls: ", 0), 0u) << error;
  // A reload with verification off restarts the loop with a new TLS context.
  ASSERT_TRUE(Apply("      insecure_skip_verify: true\n").ok());
  auto [health2, error2] = WaitScraped();
  EXPECT_EQ(health2, TargetHealth::kUp) << error2;
}

}  // namespace
}  // namespace vigil::scrape
