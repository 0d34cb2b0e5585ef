// Groups: recording rules in order, staleness markers, limits, evaluation
// timestamps, state carried over a reload, self-metrics.
#include "vigil/rules/group.h"

#include <gtest/gtest.h>

#include <set>

#include "rules_test_util.h"

namespace vigil::rules {
namespace {

TEST(Group, RecordingRulesRenameAndLaterRulesSeeEarlierResults) {
  RulesTestEnv t;
  auto g = BuildGroup(R"Y(groups:
  - name: g
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
        labels:
          source: rule
      - record: job:up:double
        expr: job:up:sum * 2
)Y");
  ASSERT_TRUE(g);
  t.Add({"__name__", "up", "job", "a", "i", "1"}, 0, 1);
  t.Add({"__name__", "up", "job", "a", "i", "2"}, 0, 1);
  g->Eval(t.Env(), 30'000);
  auto sum = t.Samples({"__name__", "job:up:sum", "job", "a", "source", "rule"});
  ASSERT_EQ(sum.size(), 1u);
  EXPECT_EQ(sum[0].t, 30'000);
  EXPECT_EQ(sum[0].v, 2);
  auto doubled = t.Samples({"job", "a", "__name__", "job:up:double", "source", "rule"});
  ASSERT_EQ(doubled.size(), 1u);
  EXPECT_EQ(doubled[0].v, 4);
  for (const auto& r : g->rules()) {
    EXPECT_EQ(r->status().health, RuleHealth::kOk);
    EXPECT_EQ(r->status().last_evaluation, 30'000);
  }
  EXPECT_EQ(g->status().last_evaluation, 30'000);
}

TEST(Group, ScalarResultsAreRecordedWithoutLabels) {
  RulesTestEnv t;
  auto g = BuildGroup("groups:\n  - name: g\n    rules:\n      - record: one\n        expr: 1\n");
  g->Eval(t.Env(), 0);
  ASSERT_EQ(t.Samples({"__name__", "one"}).size(), 1u);
}

TEST(Group, SeriesThatDisappearGetStalenessMarkers) {
  RulesTestEnv t;
  auto g = BuildGroup(
      "groups:\n  - name: g\n    rules:\n      - record: up_ok\n        expr: up == 1\n");
  t.Add({"__name__", "up", "i", "1"}, 0, 1);
  t.Add({"__name__", "up", "i", "2"}, 0, 1);
  t.Add({"__name__", "up", "i", "1"}, kMinute, 1);
  t.Add({"__name__", "up", "i", "2"}, kMinute, 0);
  GroupEnv env = t.Env();
  g->Eval(env, 0);
  g->Eval(env, kMinute);
  auto gone = t.Samples({"__name__", "up_ok", "i", "2"});
  ASSERT_EQ(gone.size(), 2u);
  EXPECT_TRUE(model::IsStaleNaN(gone[1].v));
  EXPECT_EQ(gone[1].t, kMinute);
  EXPECT_EQ(t.Samples({"__name__", "up_ok", "i", "1"}).size(), 2u);
}

TEST(Group, AFailingRuleIsRecordedAndTheOthersStillRun) {
  RulesTestEnv t;
  auto g = BuildGroup(R"Y(groups:
  - name: g
    limit: 1
    rules:
      - record: too_many
        expr: up
      - record: one
        expr: sum(up)
)Y");
  t.Add({"__name__", "up", "i", "1"}, 0, 1);
  t.Add({"__name__", "up", "i", "2"}, 0, 1);
  metrics::Registry registry;
  RuleMetrics m(registry);
  GroupEnv env = t.Env();
  env.metrics = &m;
  g->Eval(env, 0);
  EXPECT_EQ(g->rules()[0]->status().health, RuleHealth::kErr);
  EXPECT_EQ(g->rules()[0]->status().last_error, "exceeded limit of 1 with 2 series");
  EXPECT_EQ(g->rules()[1]->status().health, RuleHealth::kOk);
  EXPECT_EQ(t.Samples({"__name__", "one"}).size(), 1u);
  EXPECT_EQ(m.evaluations.With({"rules.yml;g"}).Value(), 2);
  EXPECT_EQ(m.evaluation_failures.With({"rules.yml;g"}).Value(), 1);
  EXPECT_EQ(m.last_evaluation_samples.With({"rules.yml;g"}).Value(), 1);
}

TEST(Group, SameLabelsetAfterRuleLabelsIsAnError) {
  RulesTestEnv t;
  auto g = BuildGroup(R"Y(groups:
  - name: g
    rules:
      - record: r
        expr: up
        labels: {i: same}
)Y");
  t.Add({"__name__", "up", "i", "1"}, 0, 1);
  t.Add({"__name__", "up", "i", "2"}, 0, 1);
  g->Eval(t.Env(), 0);
  EXPECT_EQ(g->rules()[0]->status().last_error,
            "vector contains metrics with the same labelset after applying rule labels");
}

TEST(Group, AppendErrorsMakeTheRuleUnhealthy) {
  RulesTestEnv t;
  auto g = BuildGroup("groups:\n  - name: g\n    rules:\n      - record: r\n        expr: vector(1)\n");
  t.Add({"__name__", "r"}, 10 * kMinute, 5);
  g->Eval(t.Env(), kMinute);  // older than the newest sample of r
  EXPECT_EQ(g->rules()[0]->status().health, RuleHealth::kErr);
  EXPECT_NE(g->rules()[0]->status().last_error.find("out of order"), std::string::npos);
}

TEST(Group, EvalTimestampsAreOnTheGroupsOwnSchedule) {
  auto a = BuildGroup("groups:\n  - name: a\n    interval: 10s\n", false, "x.yml");
  auto b = BuildGroup("groups:\n  - name: b\n    interval: 10s\n", false, "x.yml");
  ASSERT_TRUE(a && b);
  const TimestampMs now = 1'700'000'123'456;
  TimestampMs ta = a->EvalTimestamp(now);
  EXPECT_LE(ta, now);
  EXPECT_GT(ta, now - 10'000);
  // The schedule is in nanoseconds, as Prometheus's; timestamps are its
  // points truncated to milliseconds.
  EXPECT_EQ(a->EvalTimestamp(ta + 1), ta);
  EXPECT_EQ(a->EvalTimestamp(ta + 9'999), ta);  // until the next point
  EXPECT_EQ(a->EvalTimestamp(ta + 10'001), ta + 10'000);
  // The offset comes from the group's name and file, so groups spread out.
  std::set<int64_t> offsets;
  for (const char* name : {"a", "b", "c", "d", "e"}) {
    auto g = BuildGroup(std::string("groups:\n  - name: ") + name + "\n    interval: 10s\n",
                        false, "x.yml");
    offsets.insert(g->EvalTimestamp(now) % 10'000);
  }
  EXPECT_GT(offsets.size(), 2u);
  EXPECT_NE(b->EvalTimestamp(now), ta);
}

TEST(Group, EvalOffsetIsPrometheus242s) {
  // Prometheus 2.42 evaluated group "demo" of "rules.yml" every 1s at
  // xx.568674523s (its ALERTS activeAt, recorded from the Debian binary).
  auto g = BuildGroup("groups:\n  - name: demo\n    interval: 1s\n", false, "rules.yml");
  EXPECT_EQ(g->EvalTimestamp(1'700'000'000'999) % 1000, 568);
  EXPECT_EQ(g->EvalTimestamp(1'700'000'000'567), 1'699'999'999'568);
}

TEST(Group, DefaultIntervalAppliesWhenTheGroupHasNone) {
  auto g = BuildGroup("groups:\n  - name: a\n");
  EXPECT_EQ(g->interval(), std::chrono::minutes(1));
  auto h = BuildGroup("groups:\n  - name: a\n    interval: 15s\n");
  EXPECT_EQ(h->interval(), std::chrono::seconds(15));
}

TEST(Group, SameDefinitionComparesEveryRule) {
  constexpr std::string_view kText =
      "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n";
  auto a = BuildGroup(kText);
  auto b = BuildGroup(kText);
  EXPECT_TRUE(a->SameDefinition(*b));
  auto c = BuildGroup(std::string(kText) + "        for: 1m\n");
  EXPECT_FALSE(a->SameDefinition(*c));
  auto d = BuildGroup(kText, false, "other.yml");
  EXPECT_FALSE(a->SameDefinition(*d));
}

TEST(Group, ReloadedGroupKeepsAlertsAndMarksRemovedRulesStale) {
  RulesTestEnv t;
  auto old = BuildGroup(R"Y(groups:
  - name: g
    rules:
      - alert: A
        expr: up == 0
        for: 5m
      - record: gone
        expr: up
)Y");
  for (int m = 0; m <= 3; ++m) t.Add({"__name__", "up"}, m * kMinute, 0);
  GroupEnv env = t.Env();
  old->Eval(env, 0);
  old->Eval(env, kMinute);
  auto reloaded = BuildGroup(R"Y(groups:
  - name: g
    rules:
      - alert: A
        expr: up == 0
        for: 4m
)Y");
  reloaded->CopyStateFrom(*old);
  EXPECT_EQ(reloaded->status().last_evaluation, kMinute);
  const auto& a = static_cast<const AlertingRule&>(*reloaded->rules()[0]);
  ASSERT_EQ(a.ActiveAlerts().size(), 1u);
  EXPECT_EQ(a.ActiveAlerts()[0].active_at, 0);
  reloaded->Eval(env, 2 * kMinute);
  auto gone = t.Samples({"__name__", "gone"});
  ASSERT_EQ(gone.size(), 3u);
  EXPECT_TRUE(model::IsStaleNaN(gone[2].v));
  EXPECT_EQ(gone[2].t, 2 * kMinute);
}

TEST(Group, MarkAllStaleEndsEverySeries) {
  RulesTestEnv t;
  auto g = BuildGroup("groups:\n  - name: g\n    rules:\n      - record: r\n        expr: vector(1)\n");
  GroupEnv env = t.Env();
  g->Eval(env, 0);
  g->MarkAllStale(env, kMinute);
  auto r = t.Samples({"__name__", "r"});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(model::IsStaleNaN(r[1].v));
}

}  // namespace
}  // namespace vigil::rules
