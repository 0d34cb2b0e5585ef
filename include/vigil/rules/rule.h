// Rules: recording rules (evaluate an expression, store the result under a new
// name) and alerting rules (evaluate a condition, run each result series
// through Prometheus 2.42's alert state machine).
//
// Alert states: a new result series makes a pending alert (ActiveAt = the
// evaluation time); it turns firing once it has been active for `for`; when
// the series disappears a pending alert is dropped and a firing one becomes
// inactive (resolved) — after `keep_firing_for` when that is set — and is kept
// (and resent as resolved) for 15 minutes. Labels are the series' labels
// (without __name__) plus the rule's templated labels plus `alertname`;
// annotations are templated with $labels, $value, $externalLabels and
// $externalURL, and `query` runs at the evaluation time. A template that fails
// puts "<error expanding template: ...>" into the text and is logged;
// evaluation goes on.
//
// Thread-safety: Eval, SendAlerts, RestoreForState and CopyStateFrom are
// called by the rule's group, one at a time; the accessors (status, alerts)
// may be called from any thread at any time (the HTTP API).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/clock.h"
#include "vigil/base/duration.h"
#include "vigil/base/result.h"
#include "vigil/model/labels.h"
#include "vigil/notify/sink.h"
#include "vigil/promql/ast.h"
#include "vigil/promql/engine.h"
#include "vigil/promql/value.h"
#include "vigil/rules/rule_file.h"
#include "vigil/tsdb/querier.h"

namespace vigil::rules {

// How long a resolved alert is kept and resent (Prometheus's resolvedRetention).
inline constexpr Duration kResolvedRetention = std::chrono::minutes(15);

// What evaluating a rule needs: the engine and the storage it reads, and the
// values templates see.
struct EvalContext {
  promql::Engine* engine = nullptr;
  tsdb::Queryable* queryable = nullptr;
  model::Labels external_labels;  // $externalLabels
  std::string external_url;       // $externalURL, and the alerts' generator URL
};

enum class RuleHealth { kUnknown, kOk, kErr };
std::string_view RuleHealthName(RuleHealth health);  // "unknown", "ok", "err"

enum class AlertState { kInactive, kPending, kFiring };
std::string_view AlertStateName(AlertState state);  // "inactive", "pending", "firing"

// One alert of an alerting rule (one result series of its expression).
// Times are ms since the epoch; 0 means unset.
struct Alert {
  AlertState state = AlertState::kInactive;
  model::Labels labels;       // with alertname
  model::Labels annotations;  // names are annotation names
  double value = 0;
  TimestampMs active_at = 0;
  TimestampMs fired_at = 0;
  TimestampMs resolved_at = 0;
  TimestampMs last_sent_at = 0;
  TimestampMs valid_until = 0;
  TimestampMs keep_firing_since = 0;
};

// The outcome of the rule's last evaluation.
struct RuleStatus {
  RuleHealth health = RuleHealth::kUnknown;
  std::string last_error;
  TimestampMs last_evaluation = 0;  // the evaluation timestamp; 0 before the first
  double evaluation_seconds = 0;    // how long it took
};

class Rule {
 public:
  virtual ~Rule() = default;
  Rule(const Rule&) = delete;
  Rule& operator=(const Rule&) = delete;

  virtual bool is_alert() const = 0;
  const std::string& name() const { return name_; }
  const promql::Expr& expr() const { return *expr_; }
  // The expression as Prometheus prints it (the API's `query`).
  const std::string& query() const { return query_; }
  // The rule's labels as written (templates, for alerting rules).
  const std::map<std::string, std::string>& labels() const { return labels_; }

  // Evaluates the rule at `ts`. Returns the samples to append: the recorded
  // series, or for an alerting rule its ALERTS and ALERTS_FOR_STATE series.
  // `limit` > 0 fails the evaluation when more series (alerts) than that
  // result, as Prometheus's group limit. The group records the outcome with
  // SetStatus.
  virtual Result<promql::Vector> Eval(const EvalContext& ctx, TimestampMs ts, int limit) = 0;

  RuleStatus status() const;
  void SetStatus(RuleStatus status);

 protected:
  Rule(std::string name, promql::ExprPtr expr, std::map<std::string, std::string> labels);

 private:
  const std::string name_;
  const promql::ExprPtr expr_;
  const std::string query_;
  const std::map<std::string, std::string> labels_;
  mutable std::mutex status_mu_;
  RuleStatus status_;  // guarded by status_mu_
};

class RecordingRule final : public Rule {
 public:
  RecordingRule(std::string name, promql::ExprPtr expr, std::map<std::string, std::string> labels);

  bool is_alert() const override { return false; }
  // The result vector renamed to the rule's name with its labels set.
  // Errors: evaluation errors, a result that is not a vector or scalar, two
  // series with the same labels after renaming, more series than `limit`.
  Result<promql::Vector> Eval(const EvalContext& ctx, TimestampMs ts, int limit) override;
};

class AlertingRule final : public Rule {
 public:
  // `restored`: false when the `for` state should be restored from
  // ALERTS_FOR_STATE first (start-up); until RestoreForState runs, no ALERTS
  // series are produced, as Prometheus.
  AlertingRule(std::string name, promql::ExprPtr expr, Duration hold, Duration keep_firing_for,
               std::map<std::string, std::string> labels,
               std::map<std::string, std::string> annotations, bool restored);

  bool is_alert() const override { return true; }
  Duration hold_duration() const { return hold_; }
  Duration keep_firing_for() const { return keep_firing_for_; }
  const std::map<std::string, std::string>& annotations() const { return annotations_; }

  Result<promql::Vector> Eval(const EvalContext& ctx, TimestampMs ts, int limit) override;

  // The highest state of the rule's alerts (inactive when there are none).
  AlertState state() const;
  // Pending and firing alerts, sorted by labels (the API's view).
  std::vector<Alert> ActiveAlerts() const;
  // Every alert the rule tracks, resolved ones included, sorted by labels.
  std::vector<Alert> AllAlerts() const;

  // The alerts due to be sent at `ts`: firing ones not sent for
  // `resend_delay`, and ones resolved since they were last sent. Marks them
  // sent. EndsAt is the resolve time, or ts + 4 × max(resend_delay,
  // group interval) for a firing alert. Labels are the alert's; the generator
  // URL links to the expression on `external_url`.
  std::vector<notify::Alert> AlertsToSend(TimestampMs ts, Duration resend_delay,
                                          Duration group_interval,
                                          const std::string& external_url);

  // Prometheus's RestoreForState for this rule's alerts: reads each alert's
  // ALERTS_FOR_STATE series from `querier` (covering [ts - outage tolerance,
  // ts]) and moves ActiveAt so the time spent pending before the outage
  // counts, with at least `grace_period` left before firing. Rules with a
  // `for` shorter than the grace period are not restored. Marks the rule
  // restored. Read errors are logged and skip that alert.
  void RestoreForState(tsdb::Querier& querier, TimestampMs ts, Duration grace_period);
  bool restored() const;

  // Takes over the alerts of the same rule in the group being replaced by a
  // reload.
  void CopyStateFrom(const AlertingRule& old);

 private:
  const Duration hold_;
  const Duration keep_firing_for_;
  const std::map<std::string, std::string> annotations_;
  mutable std::mutex mu_;
  bool restored_;                                // guarded by mu_
  std::map<model::Labels, Alert> alerts_;        // by labels; guarded by mu_
};

// Builds the rule a RuleSpec describes (its expression already validated by
// parsing the file).
Result<std::unique_ptr<Rule>> BuildRule(const RuleSpec& spec, bool restored);

}  // namespace vigil::rules
