// Scrape loops against a real HTTP target on loopback: what reaches storage,
// failure modes (HTTP 500, timeout, body limit), target removal staleness,
// reload without gaps, and the target status /api/v1/targets shows.
#include "vigil/scrape/manager.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "memory_storage.h"
#include "process.h"
#include "vigil/http/server.h"
#include "vigil/model/value.h"

namespace vigil::scrape {
namespace {

using model::Labels;
using std::chrono::milliseconds;

// A target whose /metrics body and behaviour the test controls.
class FakeTarget {
 public:
  explicit FakeTarget(EventLoop& loop) {
    http::Router router;
    router.HandleSync({"GET"}, "/metrics", [this](const http::Request& r) {
      ++requests_;
      std::lock_guard<std::mutex> lock(mu_);
      last_accept_ = std::string(r.Header("accept"));
      last_authorization_ = std::string(r.Header("authorization"));
      if (status_ != 200) return http::Response::Text(status_, "oops\n");
      http::Response resp = http::Response::Text(200, body_);
      resp.content_type = "text/plain; version=0.0.4";
      return resp;
    });
    router.Handle({"GET"}, "/slow", [this](const http::Request&, http::Respond respond) {
      std::lock_guard<std::mutex> lock(mu_);
      slow_responders_.emplace_back([respond] {
        std::this_thread::sleep_for(milliseconds(800));
        respond(http::Response::Text(200, "x 1\n"));
      });
    });
    http::ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.access_log = false;
    server_ = std::make_unique<http::Server>(loop, options, std::move(router));
    EXPECT_TRUE(server_->Start().ok());
  }
  ~FakeTarget() {
    // The late answers hold their sessions: they must be done before the
    // server goes (a detached one freed its session after the loop did).
    std::vector<std::thread> responders;
    {
      std::lock_guard<std::mutex> lock(mu_);
      responders.swap(slow_responders_);
    }
    for (std::thread& t : responders) t.join();
    server_->StopAccepting();
    server_->CloseAll();
    server_->WaitIdle(std::chrono::seconds(5));
  }
  void Set(int status, std::string body) {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = status;
    body_ = std::move(body);
  }
  std::string address() const { return server_->LocalAddress(); }
  int requests() const { return requests_; }
  std::string last_accept() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_accept_;
  }
  std::string last_authorization() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_authorization_;
  }

 private:
  std::unique_ptr<http::Server> server_;
  std::mutex mu_;
  int status_ = 200;
  std::string body_ = "a 1\n";
  std::string last_accept_;
  std::string last_authorization_;
  std::atomic<int> requests_{0};
  std::vector<std::thread> slow_responders_;  // guarded by mu_
};

class ManagerTest : public ::testing::Test {
 protected:
  ManagerTest() : fake_(std::make_unique<FakeTarget>(loop_)), target_(*fake_) {
    loop_.Start(2);
    manager_ = std::make_unique<Manager>(loop_, workers_, storage_, registry_, clock_);
  }
  ~ManagerTest() override {
    manager_.reset();
    fake_.reset();  // its connections close on the running loop
    loop_.Stop();
    loop_.Join();
  }

  Status Apply(const std::string& jobs) {
    auto cfg = config::ParseConfig("scrape_configs:\n" + jobs, "t.yml");
    EXPECT_TRUE(cfg.ok()) << cfg.status().message();
    return manager_->ApplyConfig(**cfg);
  }
  std::string Job(const std::string& name, const std::string& extra = "",
                  const std::string& path = "/metrics") {
    return "  - job_name: " + name + "\n    scrape_interval: 100ms\n    scrape_timeout: 100ms\n" +
           "    metrics_path: " + path + "\n    static_configs:\n      - targets: ['" +
           target_.address() + "']\n" + extra;
  }
  Labels Series(std::string_view name, std::string_view job) {
    return Labels::FromStrings({"__name__", name, "instance", target_.address(), "job", job});
  }
  // Waits (bounded) until `pred` holds.
  template <typename Pred>
  bool Eventually(Pred pred, milliseconds timeout = milliseconds(10000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return pred();
  }
  double LastValue(const Labels& l) {
    auto s = storage_.Samples(l);
    return s.empty() ? -1 : s.back().v;
  }

  EventLoop loop_;
  WorkerPool workers_{2};
  metrics::Registry registry_;
  SystemClock clock_;
  testing::MemoryStorage storage_;
  std::unique_ptr<FakeTarget> fake_;
  FakeTarget& target_;
  std::unique_ptr<Manager> manager_;
};

TEST_F(ManagerTest, ScrapesAndReportsTheTarget) {
  ASSERT_TRUE(Apply(Job("j")).ok());
  ASSERT_TRUE(Eventually([&] { return storage_.Samples(Series("a", "j")).size() >= 2; }));
  EXPECT_EQ(LastValue(Series("up", "j")), 1);
  EXPECT_NE(target_.last_accept().find("application/openmetrics-text"), std::string::npos);
  auto active = manager_->ActiveTargets();
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].health, TargetHealth::kUp);
  EXPECT_EQ(active[0].scrape_url, "http://" + target_.address() + "/metrics");
  EXPECT_EQ(active[0].labels, Labels::FromStrings({"instance", target_.address(), "job", "j"}));
  EXPECT_EQ(active[0].discovered_labels.Get("__scrape_interval__"), "100ms");
  EXPECT_EQ(active[0].discovered_labels.Get("__address__"), target_.address());
  // Samples are 100ms apart, at the loop's own pace.
  auto a = storage_.Samples(Series("a", "j"));
  EXPECT_GE(a[1].t - a[0].t, 90);
  EXPECT_LE(a[1].t - a[0].t, 200);
}

TEST_F(ManagerTest, ServerErrorMarksDownAndStale) {
  ASSERT_TRUE(Apply(Job("j")).ok());
  ASSERT_TRUE(Eventually([&] { return LastValue(Series("up", "j")) == 1; }));
  target_.Set(500, "");
  ASSERT_TRUE(Eventually([&] { return LastValue(Series("up", "j")) == 0; }));
  EXPECT_TRUE(model::IsStaleNaN(LastValue(Series("a", "j"))));
  auto active = manager_->ActiveTargets();
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].health, TargetHealth::kDown);
  EXPECT_EQ(active[0].last_error, "server returned HTTP status 500 Internal Server Error");
}

TEST_F(ManagerTest, SlowTargetTimesOutWithoutStallingOthers) {
  ASSERT_TRUE(Apply(Job("slow", "", "/slow") + Job("fast")).ok());
  ASSERT_TRUE(Eventually([&] { return LastValue(Series("up", "slow")) == 0; }));
  // The fast job keeps its pace while the slow one hangs.
  ASSERT_TRUE(Eventually([&] { return storage_.Samples(Series("up", "fast")).size() >= 5; },
                         milliseconds(3000)));
  for (const TargetStatus& t : manager_->ActiveTargets()) {
    if (t.scrape_pool == "slow") {
      EXPECT_EQ(t.last_error, "context deadline exceeded");
    }
  }
}

TEST_F(ManagerTest, BodySizeLimit) {
  target_.Set(200, std::string(2000, '#') + "\na 1\n");
  ASSERT_TRUE(Apply(Job("j", "    body_size_limit: 1KB\n")).ok());
  ASSERT_TRUE(Eventually([&] { return LastValue(Series("up", "j")) == 0; }))
      << "requests=" << target_.requests() << " up=" << LastValue(Series("up", "j"))
      << " err=" << (manager_->ActiveTargets().empty() ? "no target"
                                                      : manager_->ActiveTargets()[0].last_error);
  EXPECT_EQ(manager_->ActiveTargets()[0].last_error, "body size limit exceeded");
}

TEST_F(ManagerTest, RemovedTargetIsStaleMarked) {
  ASSERT_TRUE(Apply(Job("j")).ok());
  ASSERT_TRUE(Eventually([&] { return LastValue(Series("up", "j")) == 1; }));
  ASSERT_TRUE(Apply("  - job_name: other\n    static_configs: []\n").ok());
  ASSERT_TRUE(Eventually([&] { return model::IsStaleNaN(LastValue(Series("up", "j"))); }));
  EXPECT_TRUE(model::IsStaleNaN(LastValue(Series("a", "j"))));
  EXPECT_TRUE(manager_->ActiveTargets().empty());
}

TEST_F(ManagerTest, ReloadKeepsUnchangedLoopsAndRestartsChangedOnesWithoutStaleness) {
  ASSERT_TRUE(Apply(Job("j")).ok());
  ASSERT_TRUE(Eventually([&] { return storage_.Samples(Series("a", "j")).size() >= 2; }));
  ASSERT_TRUE(Apply(Job("j")).ok());  // unchanged
  ASSERT_TRUE(Apply(Job("j", "    sample_limit: 100\n")).ok());  // changed, same labels
  size_t before = storage_.Samples(Series("a", "j")).size();
  ASSERT_TRUE(Eventually([&] { return storage_.Samples(Series("a", "j")).size() >= before + 3; }));
  for (const auto& s : storage_.Samples(Series("a", "j"))) EXPECT_FALSE(model::IsStaleNaN(s.v));
}

TEST_F(ManagerTest, SendsBasicAuthAndBearerCredentials) {
  ASSERT_TRUE(Apply(Job("j", "    basic_auth:\n      username: alice\n      password: s3cret\n")).ok());
  // base64("alice:s3cret")
  ASSERT_TRUE(Eventually([&] { return target_.last_authorization() == "Basic YWxpY2U6czNjcmV0"; }))
      << target_.last_authorization();
  std::string dir = testing::MakeTempDir();
  testing::WriteFile(dir + "/token", "tok-123\n");
  ASSERT_TRUE(Apply(Job("j", "    authorization:\n      credentials_file: " + dir + "/token\n")).ok());
  ASSERT_TRUE(Eventually([&] { return target_.last_authorization() == "Bearer tok-123"; }))
      << target_.last_authorization();
}

TEST_F(ManagerTest, FileDiscoveryAddsAndRemovesTargets) {
  std::string dir = testing::MakeTempDir();
  testing::WriteFile(dir + "/targets.json", "[]");
  ASSERT_TRUE(Apply("  - job_name: files\n    scrape_interval: 100ms\n    scrape_timeout: 100ms\n"
                    "    file_sd_configs:\n      - files: ['" + dir + "/*.json']\n").ok());
  EXPECT_TRUE(manager_->ActiveTargets().empty());
  testing::WriteFile(dir + "/targets.json",
                     "[{\"targets\": [\"" + target_.address() + "\"], \"labels\": {\"rack\": \"r1\"}}]");
  Labels up = Labels::FromStrings({"__name__", "up", "instance", target_.address(), "job", "files",
                                   "rack", "r1"});
  ASSERT_TRUE(Eventually([&] { return LastValue(up) == 1; }));
  testing::WriteFile(dir + "/targets.json", "[]");
  ASSERT_TRUE(Eventually([&] { return model::IsStaleNaN(LastValue(up)); }));
  EXPECT_TRUE(manager_->ActiveTargets().empty());
}

TEST_F(ManagerTest, DroppedTargetsAreListed) {
  ASSERT_TRUE(Apply(Job("j", "    relabel_configs:\n      - regex: .*\n        source_labels: "
                             "[__address__]\n        action: drop\n"))
                  .ok());
  EXPECT_TRUE(manager_->ActiveTargets().empty());
  ASSERT_EQ(manager_->DroppedTargets().size(), 1u);
  EXPECT_EQ(manager_->DroppedTargets()[0].discovered_labels.Get("__address__"), target_.address());
}

TEST_F(ManagerTest, BadTlsFilesFailTheWholeApply) {
  ASSERT_TRUE(Apply(Job("j")).ok());
  Status s = Apply(Job("j") + "  - job_name: tls\n    scheme: https\n    tls_config:\n"
                              "      ca_file: /nonexistent/ca.pem\n    static_configs:\n"
                              "      - targets: ['127.0.0.1:1']\n");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("ca.pem"), std::string::npos);
  EXPECT_EQ(manager_->ActiveTargets().size(), 1u);  // the old config keeps running
}

}  // namespace
}  // namespace vigil::scrape
