// The Manager with real timers on an event loop: groups run on their own,
// a bad file fails a reload and changes nothing, a changed group keeps its
// alerts, a removed group's series go stale.
#include "vigil/rules/manager.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "process.h"
#include "rules_test_util.h"

namespace vigil::rules {
namespace {

// Polls `done` every 10ms for up to 20s.
template <typename Fn>
bool WaitFor(Fn done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

class ManagerTest : public ::testing::Test {
 protected:
  ManagerTest()
      : dir_(vigil::testing::MakeTempDir()),
        workers_(1),
        manager_(loop_, workers_, t_.engine, t_.storage, t_.storage, &t_.sink, registry_, clock_,
                 ManagerOptions{}) {
    loop_.Start(1);
    config_.base_dir = dir_;
    config_.rule_files = {dir_ + "/*.yml"};  // resolved, as the config loader leaves them
    config_.global.evaluation_interval = std::chrono::milliseconds(50);
  }
  ~ManagerTest() override {
    manager_.Stop();
    loop_.Stop();
    loop_.Join();
    std::filesystem::remove_all(dir_);
  }

  void Write(const std::string& name, const std::string& text) {
    vigil::testing::WriteFile(dir_ + "/" + name, text);
  }
  size_t SamplesOf(std::initializer_list<std::string_view> labels) {
    return t_.Samples(labels).size();
  }

  std::string dir_;
  RulesTestEnv t_;
  metrics::Registry registry_;
  SystemClock clock_;
  EventLoop loop_;
  WorkerPool workers_;
  Manager manager_;
  config::Config config_;
};

TEST_F(ManagerTest, GroupsRunOnTheirTimersAndReloadsSwapThem) {
  Write("a.yml", R"Y(groups:
  - name: a
    rules:
      - record: one
        expr: vector(1)
      - alert: Always
        expr: vector(1)
        for: 1h
)Y");
  ASSERT_TRUE(manager_.ApplyConfig(config_).ok());
  ASSERT_EQ(manager_.Groups().size(), 1u);
  EXPECT_EQ(manager_.Groups()[0]->interval(), std::chrono::milliseconds(50));
  ASSERT_TRUE(WaitFor([&] { return SamplesOf({"__name__", "one"}) >= 3; }));
  auto old_group = manager_.Groups()[0];
  const auto& old_alert = static_cast<const AlertingRule&>(*old_group->rules()[1]);
  ASSERT_EQ(old_alert.ActiveAlerts().size(), 1u);
  const TimestampMs active_at = old_alert.ActiveAlerts()[0].active_at;

  // A broken file fails the whole reload; the running group stays.
  Write("b.yml", "groups:\n  - name: b\n    rules:\n      - record: two\n        expr: sum(\n");
  Status bad = manager_.ApplyConfig(config_);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find(dir_ + "/b.yml: 5:15: group \"b\", rule 1, \"two\""),
            std::string::npos)
      << bad.message();
  ASSERT_EQ(manager_.Groups().size(), 1u);
  EXPECT_EQ(manager_.Groups()[0], old_group);
  std::filesystem::remove(dir_ + "/b.yml");

  // The same definition keeps the running group.
  ASSERT_TRUE(manager_.ApplyConfig(config_).ok());
  EXPECT_EQ(manager_.Groups()[0], old_group);

  // A changed group replaces it and keeps the alert's ActiveAt.
  Write("a.yml", R"Y(groups:
  - name: a
    rules:
      - alert: Always
        expr: vector(1)
        for: 2h
)Y");
  ASSERT_TRUE(manager_.ApplyConfig(config_).ok());
  auto new_group = manager_.Groups()[0];
  EXPECT_NE(new_group, old_group);
  const auto& new_alert = static_cast<const AlertingRule&>(*new_group->rules()[0]);
  ASSERT_EQ(new_alert.ActiveAlerts().size(), 1u);
  EXPECT_EQ(new_alert.ActiveAlerts()[0].active_at, active_at);
  // `one` lost its rule: marked stale at the new group's next evaluation.
  ASSERT_TRUE(WaitFor([&] {
    auto s = t_.Samples({"__name__", "one"});
    return !s.empty() && model::IsStaleNaN(s.back().v);
  }));

  // A removed file stops its groups and marks their series stale.
  std::filesystem::remove(dir_ + "/a.yml");
  ASSERT_TRUE(manager_.ApplyConfig(config_).ok());
  EXPECT_TRUE(manager_.Groups().empty());
  auto alerts = t_.Samples({"__name__", "ALERTS", "alertname", "Always", "alertstate", "pending"});
  ASSERT_FALSE(alerts.empty());
  EXPECT_TRUE(model::IsStaleNaN(alerts.back().v));
}

TEST_F(ManagerTest, FirstGroupsRestoreForStateAfterTheirSecondEvaluation) {
  Write("a.yml", R"Y(groups:
  - name: a
    rules:
      - alert: Always
        expr: vector(1)
        for: 1h
)Y");
  ASSERT_TRUE(manager_.ApplyConfig(config_).ok());
  const auto& rule = static_cast<const AlertingRule&>(*manager_.Groups()[0]->rules()[0]);
  EXPECT_FALSE(rule.restored());
  ASSERT_TRUE(WaitFor([&] { return rule.restored(); }));
  EXPECT_GE(manager_.Groups()[0]->status().last_evaluation, 1);
  // Once restored, ALERTS series are written.
  ASSERT_TRUE(WaitFor([&] {
    return SamplesOf({"__name__", "ALERTS", "alertname", "Always", "alertstate", "pending"}) > 0;
  }));
}

}  // namespace
}  // namespace vigil::rules
