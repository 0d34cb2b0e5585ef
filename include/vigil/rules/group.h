// Group: the rules of one rule-file group, evaluated in order at one
// timestamp, as Prometheus 2.42's rules.Group.
//
// Eval(ts) evaluates each rule at `ts`; each rule's result is appended and
// committed through its own Appender before the next rule runs, so later rules
// see earlier results (as Prometheus 2.42, which commits per rule). A series a
// rule produced in the previous evaluation and not in this one gets a
// staleness marker. Alerting rules hand the alerts due for sending to the
// Sink, with the external labels added where the alert lacks them (as
// Prometheus's notifier does). A failing rule is recorded in its status and
// counted; the other rules still run.
//
// Time is explicit: the caller (the Manager's timer, or a unit-test runner)
// chooses each evaluation timestamp, so tests drive time themselves.
// Thread-safety: Eval, RestoreForState, CopyStateFrom and MarkAllStale are
// called by one thread at a time; the accessors may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vigil/base/clock.h"
#include "vigil/base/duration.h"
#include "vigil/base/metrics.h"
#include "vigil/notify/sink.h"
#include "vigil/rules/rule.h"
#include "vigil/rules/rule_file.h"
#include "vigil/tsdb/appender.h"

namespace vigil::rules {

// The rule_group_* and rule_evaluation_* self-metrics, labelled
// rule_group="FILE;GROUP" as Prometheus's.
struct RuleMetrics {
  explicit RuleMetrics(metrics::Registry& registry);
  metrics::Family<metrics::Counter>& evaluations;
  metrics::Family<metrics::Counter>& evaluation_failures;
  metrics::Family<metrics::Counter>& iterations;
  metrics::Family<metrics::Counter>& iterations_missed;
  metrics::Family<metrics::Gauge>& last_duration;
  metrics::Family<metrics::Gauge>& last_evaluation_timestamp;
  metrics::Family<metrics::Gauge>& last_evaluation_samples;
  metrics::Family<metrics::Gauge>& interval;
  metrics::Family<metrics::Gauge>& rules;
  metrics::Histogram& evaluation_duration;  // one rule
  metrics::Histogram& group_duration;       // one group
};

// Where a group's results go and what its alerts need.
struct GroupEnv {
  EvalContext eval;                           // engine, queryable, external labels and URL
  tsdb::Appendable* appendable = nullptr;     // recording results, ALERTS series
  notify::Sink* sink = nullptr;               // may be null: alerts are not sent
  Duration resend_delay = std::chrono::minutes(1);
  RuleMetrics* metrics = nullptr;             // may be null
};

struct GroupStatus {
  TimestampMs last_evaluation = 0;  // 0 before the first evaluation
  double evaluation_seconds = 0;
};

class Group {
 public:
  // Builds the group's rules. `default_interval` applies when the spec has
  // none. `restore`: alerting rules wait for RestoreForState before they
  // produce ALERTS series (the first groups after start-up).
  static Result<std::unique_ptr<Group>> Build(const GroupSpec& spec, const std::string& file,
                                              Duration default_interval, bool restore);

  const std::string& name() const { return name_; }
  const std::string& file() const { return file_; }
  Duration interval() const { return interval_; }
  int limit() const { return limit_; }
  const std::vector<std::unique_ptr<Rule>>& rules() const { return rules_; }
  // "FILE;NAME", the metrics' rule_group label and the manager's key.
  std::string Key() const { return file_ + ";" + name_; }

  // Same file, name, interval, limit and rules (Prometheus's Group.Equals):
  // a reload keeps the running group instead.
  bool SameDefinition(const Group& other) const;

  // The latest timestamp at or before `now` that is on this group's schedule:
  // multiples of the interval shifted by an offset hashed from the group's
  // name and file (Prometheus's EvalTimestamp), so groups spread out.
  TimestampMs EvalTimestamp(TimestampMs now) const;

  // Evaluates every rule at `ts`, appends, and sends alerts.
  void Eval(const GroupEnv& env, TimestampMs ts);

  // Restores the alerting rules' `for` state at `now` from ALERTS_FOR_STATE
  // within `outage_tolerance`; see AlertingRule::RestoreForState.
  void RestoreForState(const GroupEnv& env, TimestampMs now, Duration outage_tolerance,
                       Duration grace_period);

  // Takes over the state of the group this one replaces on reload: the last
  // evaluation, the series each rule wrote (for staleness) and the alerts of
  // rules with the same name and labels.
  void CopyStateFrom(Group& old);

  // Writes staleness markers at `ts` for every series the last evaluation
  // produced (the group was removed).
  void MarkAllStale(const GroupEnv& env, TimestampMs ts);

  GroupStatus status() const;

 private:
  Group(std::string name, std::string file, Duration interval, int limit,
        std::vector<std::unique_ptr<Rule>> rules);
  // Appends one rule's result and staleness markers for the series it no
  // longer has; returns the first append error.
  Status AppendResult(const GroupEnv& env, size_t rule_index, const promql::Vector& result,
                      TimestampMs ts);

  const std::string name_;
  const std::string file_;
  const Duration interval_;
  const int limit_;
  const std::vector<std::unique_ptr<Rule>> rules_;
  // Per rule: the series its last evaluation appended (encoded labels → labels).
  std::vector<std::map<std::string, model::Labels>> previous_series_;  // evaluating thread only
  // Series of rules a reload removed, marked stale at the next evaluation.
  std::vector<model::Labels> stale_series_;  // evaluating thread only
  mutable std::mutex status_mu_;
  GroupStatus status_;  // guarded by status_mu_
};

}  // namespace vigil::rules
