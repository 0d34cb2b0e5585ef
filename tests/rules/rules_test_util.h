// Helpers for rule tests: a memory storage with an engine, series written at
// chosen times, groups parsed from rule-file text, and a Sink that records.
#pragma once

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "memory_storage.h"
#include "vigil/model/value.h"
#include "vigil/notify/sink.h"
#include "vigil/promql/engine.h"
#include "vigil/rules/group.h"
#include "vigil/rules/rule_file.h"

namespace vigil::rules {

constexpr int64_t kMinute = 60'000;

class RecordingSink : public notify::Sink {
 public:
  void Send(std::vector<notify::Alert> alerts) override {
    std::lock_guard<std::mutex> lock(mu_);
    batches_.push_back(std::move(alerts));
  }
  std::vector<std::vector<notify::Alert>> TakeBatches() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(batches_, {});
  }

 private:
  std::mutex mu_;
  std::vector<std::vector<notify::Alert>> batches_;
};

struct RulesTestEnv {
  testing::MemoryStorage storage;
  promql::Engine engine;
  RecordingSink sink;

  GroupEnv Env() {
    GroupEnv env;
    env.eval.engine = &engine;
    env.eval.queryable = &storage;
    env.eval.external_labels = model::Labels::FromStrings({"cluster", "eu1"});
    env.eval.external_url = "http://vigil:9090";
    env.appendable = &storage;
    env.sink = &sink;
    return env;
  }

  // One sample of `labels` (written as {"__name__","up","job","a"}) at t.
  void Add(std::initializer_list<std::string_view> labels, TimestampMs t, double v) {
    auto app = storage.NewAppender();
    ASSERT_TRUE(app->Append(0, model::Labels::FromStrings(labels), t, v).ok());
    ASSERT_TRUE(app->Commit().ok());
  }

  // The committed samples of a series.
  std::vector<testing::StoredSample> Samples(std::initializer_list<std::string_view> labels) {
    return storage.Samples(model::Labels::FromStrings(labels));
  }
};

// The first group of rule-file text, built.
inline std::unique_ptr<Group> BuildGroup(std::string_view yaml, bool restore = false,
                                         const std::string& file = "rules.yml") {
  Result<RuleFile> f = ParseRuleText(yaml, file);
  EXPECT_TRUE(f.ok()) << f.status().message();
  if (!f.ok() || f->groups.empty()) return nullptr;
  Result<std::unique_ptr<Group>> g =
      Group::Build(f->groups[0], file, std::chrono::minutes(1), restore);
  EXPECT_TRUE(g.ok()) << g.status().message();
  return g.ok() ? std::move(*g) : nullptr;
}

}  // namespace vigil::rules
