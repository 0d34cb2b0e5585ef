// The alert state machine over a memory storage, time driven explicitly:
// pending → firing → resolved, keep_firing_for, ALERTS series, sending and
// resending, templates, and restoring `for` state after a restart.
#include "vigil/rules/rule.h"

#include <gtest/gtest.h>

#include "rules_test_util.h"

namespace vigil::rules {
namespace {

const AlertingRule& AlertRule(const Group& g, size_t i = 0) {
  return static_cast<const AlertingRule&>(*g.rules()[i]);
}

constexpr std::string_view kDownRule = R"Y(groups:
  - name: g
    rules:
      - alert: Down
        expr: up == 0
        for: 2m
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.instance }} of {{ $externalLabels.cluster }} is down ({{ $value }})"
)Y";

TEST(AlertingRule, PendingThenFiringThenResolved) {
  RulesTestEnv t;
  auto g = BuildGroup(kDownRule);
  ASSERT_TRUE(g);
  GroupEnv env = t.Env();
  for (int m = 0; m <= 2; ++m) t.Add({"__name__", "up", "instance", "x"}, m * kMinute, 0);
  t.Add({"__name__", "up", "instance", "x"}, 3 * kMinute, 1);

  g->Eval(env, 0);
  ASSERT_EQ(AlertRule(*g).ActiveAlerts().size(), 1u);
  Alert a = AlertRule(*g).ActiveAlerts()[0];
  EXPECT_EQ(a.state, AlertState::kPending);
  EXPECT_EQ(a.labels, model::Labels::FromStrings(
                          {"alertname", "Down", "instance", "x", "severity", "page"}));
  EXPECT_EQ(a.annotations.Get("summary"), "x of eu1 is down (0)");
  EXPECT_EQ(a.active_at, 0);
  EXPECT_TRUE(t.sink.TakeBatches().empty());  // pending alerts are not sent

  g->Eval(env, kMinute);
  EXPECT_EQ(AlertRule(*g).state(), AlertState::kPending);
  g->Eval(env, 2 * kMinute);
  EXPECT_EQ(AlertRule(*g).state(), AlertState::kFiring);
  EXPECT_EQ(AlertRule(*g).ActiveAlerts()[0].fired_at, 2 * kMinute);
  auto batches = t.sink.TakeBatches();
  ASSERT_EQ(batches.size(), 1u);
  ASSERT_EQ(batches[0].size(), 1u);
  const notify::Alert& sent = batches[0][0];
  EXPECT_EQ(sent.starts_at_ms, 2 * kMinute);
  EXPECT_EQ(sent.ends_at_ms, 2 * kMinute + 4 * kMinute);  // 4 × max(resend delay, interval)
  EXPECT_EQ(sent.labels.Get("cluster"), "eu1");           // external labels added
  EXPECT_EQ(sent.generator_url, "http://vigil:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1");

  g->Eval(env, 3 * kMinute);
  EXPECT_EQ(AlertRule(*g).state(), AlertState::kInactive);
  EXPECT_TRUE(AlertRule(*g).ActiveAlerts().empty());
  ASSERT_EQ(AlertRule(*g).AllAlerts().size(), 1u);  // kept to be sent as resolved
  batches = t.sink.TakeBatches();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0][0].ends_at_ms, 3 * kMinute);
  EXPECT_TRUE(batches[0][0].ResolvedAt(3 * kMinute));

  // ALERTS: pending at 0 and 1m, stale when it fired; firing at 2m, stale at 3m.
  auto pending = t.Samples({"__name__", "ALERTS", "alertname", "Down", "alertstate", "pending",
                            "instance", "x", "severity", "page"});
  ASSERT_EQ(pending.size(), 3u);
  EXPECT_EQ(pending[0].v, 1);
  EXPECT_EQ(pending[1].t, kMinute);
  EXPECT_TRUE(model::IsStaleNaN(pending[2].v));
  EXPECT_EQ(pending[2].t, 2 * kMinute);
  auto firing = t.Samples({"__name__", "ALERTS", "alertname", "Down", "alertstate", "firing",
                           "instance", "x", "severity", "page"});
  ASSERT_EQ(firing.size(), 2u);
  EXPECT_EQ(firing[0].t, 2 * kMinute);
  EXPECT_TRUE(model::IsStaleNaN(firing[1].v));
  auto for_state = t.Samples({"__name__", "ALERTS_FOR_STATE", "alertname", "Down", "instance",
                              "x", "severity", "page"});
  ASSERT_EQ(for_state.size(), 4u);
  EXPECT_EQ(for_state[2].v, 0);  // ActiveAt in seconds
  EXPECT_TRUE(model::IsStaleNaN(for_state[3].v));
}

TEST(AlertingRule, ResolvedAlertsAreDroppedAfterFifteenMinutes) {
  RulesTestEnv t;
  auto g = BuildGroup("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n");
  GroupEnv env = t.Env();
  t.Add({"__name__", "up"}, 0, 0);
  t.Add({"__name__", "up"}, kMinute, 1);
  g->Eval(env, 0);
  EXPECT_EQ(AlertRule(*g).state(), AlertState::kFiring);  // for: 0 fires at once
  g->Eval(env, kMinute);
  EXPECT_EQ(AlertRule(*g).AllAlerts().size(), 1u);
  g->Eval(env, 16 * kMinute);
  EXPECT_EQ(AlertRule(*g).AllAlerts().size(), 1u);  // 15m exactly: still kept
  g->Eval(env, 16 * kMinute + 1);
  EXPECT_TRUE(AlertRule(*g).AllAlerts().empty());
}

TEST(AlertingRule, FiringAlertsAreResentAtTheResendDelay) {
  RulesTestEnv t;
  auto g = BuildGroup("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: vector(1)\n");
  GroupEnv env = t.Env();
  env.resend_delay = std::chrono::minutes(2);
  int sends = 0;
  const TimestampMs base = 100 * kMinute;
  for (int m = 0; m <= 6; ++m) {
    g->Eval(env, base + m * kMinute);
    sends += static_cast<int>(t.sink.TakeBatches().size());
  }
  // At 0, then once the last send is more than 2m old: 3m and 6m.
  EXPECT_EQ(sends, 3);
}

TEST(AlertingRule, KeepFiringForHoldsAResolvedAlert) {
  RulesTestEnv t;
  auto g = BuildGroup(R"Y(groups:
  - name: g
    rules:
      - alert: A
        expr: up == 0
        keep_firing_for: 2m
)Y");
  GroupEnv env = t.Env();
  t.Add({"__name__", "up"}, 0, 0);
  t.Add({"__name__", "up"}, kMinute, 1);
  g->Eval(env, 0);
  EXPECT_EQ(AlertRule(*g).state(), AlertState::kFiring);
  g->Eval(env, kMinute);
  EXPECT_EQ(AlertRule(*g).state(), AlertState::kFiring);
  EXPECT_EQ(AlertRule(*g).ActiveAlerts()[0].keep_firing_since, kMinute);
  g->Eval(env, 2 * kMinute);
  EXPECT_EQ(AlertRule(*g).state(), AlertState::kFiring);
  g->Eval(env, 3 * kMinute);
  EXPECT_EQ(AlertRule(*g).state(), AlertState::kInactive);
}

TEST(AlertingRule, LimitDropsEveryAlert) {
  RulesTestEnv t;
  auto g = BuildGroup(R"Y(groups:
  - name: g
    limit: 1
    rules:
      - alert: A
        expr: up == 0
)Y");
  t.Add({"__name__", "up", "i", "1"}, 0, 0);
  t.Add({"__name__", "up", "i", "2"}, 0, 0);
  g->Eval(t.Env(), 0);
  EXPECT_TRUE(AlertRule(*g).AllAlerts().empty());
  RuleStatus s = g->rules()[0]->status();
  EXPECT_EQ(s.health, RuleHealth::kErr);
  EXPECT_EQ(s.last_error, "exceeded limit of 1 with 2 alerts");
}

TEST(AlertingRule, TemplateErrorsGoIntoTheTextAndEvaluationGoesOn) {
  RulesTestEnv t;
  auto g = BuildGroup(R"Y(groups:
  - name: g
    rules:
      - alert: A
        expr: vector(3)
        annotations:
          bad: '{{ template "nosuch" }}'
          good: 'value {{ $value }}'
)Y");
  g->Eval(t.Env(), 0);
  ASSERT_EQ(AlertRule(*g).ActiveAlerts().size(), 1u);
  Alert a = AlertRule(*g).ActiveAlerts()[0];
  EXPECT_EQ(a.annotations.Get("bad").rfind("<error expanding template: ", 0), 0u)
      << a.annotations.Get("bad");
  EXPECT_EQ(a.annotations.Get("good"), "value 3");
  EXPECT_EQ(g->rules()[0]->status().health, RuleHealth::kOk);
}

TEST(AlertingRule, QueryTemplateFunctionRunsAtTheEvaluationTime) {
  RulesTestEnv t;
  auto g = BuildGroup(R"Y(groups:
  - name: g
    rules:
      - alert: A
        expr: vector(1)
        annotations:
          total: '{{ with query "sum(up)" }}{{ . | first | value }}{{ end }}'
)Y");
  t.Add({"__name__", "up", "i", "1"}, 0, 2);
  t.Add({"__name__", "up", "i", "2"}, 0, 5);
  t.Add({"__name__", "up", "i", "1"}, 10 * kMinute, 100);
  g->Eval(t.Env(), kMinute);
  EXPECT_EQ(AlertRule(*g).ActiveAlerts()[0].annotations.Get("total"), "7");
}

TEST(AlertingRule, SameLabelsetAfterAlertLabelsIsAnError) {
  RulesTestEnv t;
  auto g = BuildGroup(R"Y(groups:
  - name: g
    rules:
      - alert: A
        expr: up
        labels:
          i: same
)Y");
  t.Add({"__name__", "up", "i", "1"}, 0, 1);
  t.Add({"__name__", "up", "i", "2"}, 0, 1);
  g->Eval(t.Env(), 0);
  EXPECT_EQ(g->rules()[0]->status().last_error,
            "vector contains metrics with the same labelset after applying alert labels");
}

TEST(AlertingRule, RestoreForStateCountsTimePendingBeforeARestart) {
  RulesTestEnv t;
  constexpr std::string_view kRule = R"Y(groups:
  - name: g
    rules:
      - alert: Slow
        expr: up == 0
        for: 10m
)Y";
  for (int m = 0; m <= 12; ++m) t.Add({"__name__", "up"}, m * kMinute, 0);
  GroupEnv env = t.Env();
  {
    auto before = BuildGroup(kRule);
    for (int m = 0; m <= 4; ++m) before->Eval(env, m * kMinute);  // pending since 0
  }
  // vigil was down from 4m to 10m; the new group restores after two evaluations.
  auto after = BuildGroup(kRule, /*restore=*/true);
  after->Eval(env, 10 * kMinute);
  after->Eval(env, 11 * kMinute);
  EXPECT_FALSE(AlertRule(*after).restored());
  EXPECT_EQ(t.Samples({"__name__", "ALERTS", "alertname", "Slow", "alertstate", "pending"}).size(),
            5u);  // nothing written before the restore
  after->RestoreForState(env, 11 * kMinute, std::chrono::hours(1), std::chrono::minutes(1));
  EXPECT_TRUE(AlertRule(*after).restored());
  // 4m were spent pending; the 6m left count from now (the outage is not pending time).
  EXPECT_EQ(AlertRule(*after).ActiveAlerts()[0].active_at, 7 * kMinute);
  after->Eval(env, 12 * kMinute);
  EXPECT_EQ(AlertRule(*after).state(), AlertState::kPending);
  t.Add({"__name__", "up"}, 17 * kMinute, 0);
  after->Eval(env, 17 * kMinute);
  EXPECT_EQ(AlertRule(*after).state(), AlertState::kFiring);
}

TEST(AlertingRule, RestoreLeavesAtLeastTheGracePeriod) {
  RulesTestEnv t;
  constexpr std::string_view kRule = R"Y(groups:
  - name: g
    rules:
      - alert: Slow
        expr: up == 0
        for: 10m
)Y";
  for (int m = 0; m <= 30; ++m) t.Add({"__name__", "up"}, m * kMinute, 0);
  GroupEnv env = t.Env();
  {
    auto before = BuildGroup(kRule);
    for (int m = 0; m <= 9; ++m) before->Eval(env, m * kMinute);  // 1m before firing
  }
  auto after = BuildGroup(kRule, /*restore=*/true);
  after->Eval(env, 20 * kMinute);
  after->Eval(env, 21 * kMinute);
  after->RestoreForState(env, 21 * kMinute, std::chrono::hours(1), std::chrono::minutes(5));
  // Fires 5m (the grace period) from now: ActiveAt = now + 5m - 10m.
  EXPECT_EQ(AlertRule(*after).ActiveAlerts()[0].active_at, 16 * kMinute);
}

TEST(AlertingRule, RestoreSkipsRulesWithAForShorterThanTheGracePeriod) {
  RulesTestEnv t;
  constexpr std::string_view kRule = R"Y(groups:
  - name: g
    rules:
      - alert: Quick
        expr: up == 0
        for: 2m
)Y";
  for (int m = 0; m <= 12; ++m) t.Add({"__name__", "up"}, m * kMinute, 0);
  GroupEnv env = t.Env();
  {
    auto before = BuildGroup(kRule);
    before->Eval(env, 0);
  }
  auto after = BuildGroup(kRule, /*restore=*/true);
  after->Eval(env, 10 * kMinute);
  after->RestoreForState(env, 10 * kMinute, std::chrono::hours(1), std::chrono::minutes(10));
  EXPECT_TRUE(AlertRule(*after).restored());
  EXPECT_EQ(AlertRule(*after).ActiveAlerts()[0].active_at, 10 * kMinute);
}

}  // namespace
}  // namespace vigil::rules
