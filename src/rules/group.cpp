#include "vigil/rules/group.h"

#include <xxhash.h>

#include <chrono>

#include "vigil/base/log.h"
#include "vigil/model/value.h"

namespace vigil::rules {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Prometheus's labels.Hash of {file=FILE, name=NAME}: xxHash64 of each name
// and value followed by 0xff, in label order.
uint64_t GroupHash(const std::string& file, const std::string& name) {
  std::string b;
  for (const std::string* part : {&file, &name}) {
    b += part == &file ? "file" : "name";
    b += '\xff';
    b += *part;
    b += '\xff';
  }
  return XXH64(b.data(), b.size(), 0);
}

std::string NameAndLabels(const Rule& r) {
  std::string s = r.name();
  for (const auto& [n, v] : r.labels()) s += "\xff" + n + "=" + v;
  return s;
}

bool SameRule(const Rule& a, const Rule& b) {
  if (a.is_alert() != b.is_alert() || a.name() != b.name() || a.query() != b.query() ||
      a.labels() != b.labels()) {
    return false;
  }
  if (!a.is_alert()) return true;
  const auto& x = static_cast<const AlertingRule&>(a);
  const auto& y = static_cast<const AlertingRule&>(b);
  return x.hold_duration() == y.hold_duration() &&
         x.keep_firing_for() == y.keep_firing_for() && x.annotations() == y.annotations();
}

}  // namespace

RuleMetrics::RuleMetrics(metrics::Registry& registry)
    : evaluations(registry.AddCounterFamily("vigil_rule_evaluations_total",
                                            "The total number of rule evaluations.",
                                            {"rule_group"})),
      evaluation_failures(registry.AddCounterFamily(
          "vigil_rule_evaluation_failures_total",
          "The total number of rule evaluation failures.", {"rule_group"})),
      iterations(registry.AddCounterFamily("vigil_rule_group_iterations_total",
                                           "The total number of scheduled rule group "
                                           "evaluations, whether executed or missed.",
                                           {"rule_group"})),
      iterations_missed(registry.AddCounterFamily(
          "vigil_rule_group_iterations_missed_total",
          "The total number of rule group evaluations missed due to slow rule group "
          "evaluation.",
          {"rule_group"})),
      last_duration(registry.AddGaugeFamily("vigil_rule_group_last_duration_seconds",
                                            "The duration of the last rule group evaluation.",
                                            {"rule_group"})),
      last_evaluation_timestamp(registry.AddGaugeFamily(
          "vigil_rule_group_last_evaluation_timestamp_seconds",
          "The timestamp of the last rule group evaluation in seconds.", {"rule_group"})),
      last_evaluation_samples(registry.AddGaugeFamily(
          "vigil_rule_group_last_evaluation_samples",
          "The number of samples returned during the last rule group evaluation.",
          {"rule_group"})),
      interval(registry.AddGaugeFamily("vigil_rule_group_interval_seconds",
                                       "The interval of a rule group.", {"rule_group"})),
      rules(registry.AddGaugeFamily("vigil_rule_group_rules", "The number of rules.",
                                    {"rule_group"})),
      evaluation_duration(registry.AddHistogram("vigil_rule_evaluation_duration_seconds",
                                                "The duration for a rule to execute.",
                                                metrics::DefaultBuckets())),
      group_duration(registry.AddHistogram("vigil_rule_group_duration_seconds",
                                           "The duration of rule group evaluations.",
                                           metrics::DefaultBuckets())) {}

Group::Group(std::string name, std::string file, Duration interval, int limit,
             std::vector<std::unique_ptr<Rule>> rules)
    : name_(std::move(name)),
      file_(std::move(file)),
      interval_(interval),
      limit_(limit),
      rules_(std::move(rules)),
      previous_series_(rules_.size()) {}

Result<std::unique_ptr<Group>> Group::Build(const GroupSpec& spec, const std::string& file,
                                            Duration default_interval, bool restore) {
  std::vector<std::unique_ptr<Rule>> rules;
  for (const RuleSpec& r : spec.rules) {
    Result<std::unique_ptr<Rule>> rule = BuildRule(r, !restore);
    if (!rule.ok()) return rule.status().WithPrefix(file + ": group \"" + spec.name + "\"");
    rules.push_back(std::move(*rule));
  }
  Duration interval = spec.interval.count() > 0 ? spec.interval : default_interval;
  return std::unique_ptr<Group>(
      new Group(spec.name, file, interval, spec.limit, std::move(rules)));
}

bool Group::SameDefinition(const Group& other) const {
  if (name_ != other.name_ || file_ != other.file_ || interval_ != other.interval_ ||
      limit_ != other.limit_ || rules_.size() != other.rules_.size()) {
    return false;
  }
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (!SameRule(*rules_[i], *other.rules_[i])) return false;
  }
  return true;
}

TimestampMs Group::EvalTimestamp(TimestampMs now) const {
  // In nanoseconds, as Prometheus, so the offset is the same.
  const int64_t interval_ns = interval_.count() * 1'000'000;
  const int64_t offset = static_cast<int64_t>(GroupHash(file_, name_) %
                                              static_cast<uint64_t>(interval_ns));
  const int64_t start = now * 1'000'000 - offset;
  const int64_t base = start - start % interval_ns;
  const int64_t ts_ns = base + offset;
  return ts_ns >= 0 ? ts_ns / 1'000'000 : -((-ts_ns + 999'999) / 1'000'000);
}

void Group::Eval(const GroupEnv& env, TimestampMs ts) {
  const auto group_start = std::chrono::steady_clock::now();
  const std::string key = Key();
  if (!stale_series_.empty()) {
    std::unique_ptr<tsdb::Appender> app = env.appendable->NewAppender();
    for (const model::Labels& l : stale_series_) (void)app->Append(0, l, ts, model::StaleNaN());
    if (Status s = app->Commit(); !s.ok()) {
      log::Warn("Adding stale markers for removed rules failed",
                {{"group", name_}, {"err", s.message()}});
    }
    stale_series_.clear();
  }
  double samples = 0;
  for (size_t i = 0; i < rules_.size(); ++i) {
    Rule& rule = *rules_[i];
    const auto rule_start = std::chrono::steady_clock::now();
    RuleStatus status;
    status.last_evaluation = ts;
    if (env.metrics) env.metrics->evaluations.With({key}).Inc();
    Result<promql::Vector> result = rule.Eval(env.eval, ts, limit_);
    if (!result.ok()) {
      status.health = RuleHealth::kErr;
      status.last_error = result.status().message();
      if (env.metrics) env.metrics->evaluation_failures.With({key}).Inc();
      if (result.status().code() != StatusCode::kCancelled) {
        log::Warn("Evaluating rule failed", {{"group", name_},
                                             {"name", rule.name()},
                                             {"index", i},
                                             {"err", status.last_error}});
      }
    } else {
      status.health = RuleHealth::kOk;
      samples += static_cast<double>(result->size());
      if (rule.is_alert() && env.sink) {
        std::vector<notify::Alert> alerts = static_cast<AlertingRule&>(rule).AlertsToSend(
            ts, env.resend_delay, interval_, env.eval.external_url);
        if (!alerts.empty()) {
          for (notify::Alert& a : alerts) {
            model::LabelsBuilder b(a.labels);
            for (const model::Label& l : env.eval.external_labels) {
              if (b.Get(l.name).empty()) b.Set(l.name, l.value);
            }
            a.labels = b.Build();
          }
          env.sink->Send(std::move(alerts));
        }
      }
      if (Status s = AppendResult(env, i, *result, ts); !s.ok()) {
        status.health = RuleHealth::kErr;
        status.last_error = s.message();
      }
    }
    status.evaluation_seconds = SecondsSince(rule_start);
    if (env.metrics) env.metrics->evaluation_duration.Observe(status.evaluation_seconds);
    rule.SetStatus(std::move(status));
  }
  const double seconds = SecondsSince(group_start);
  {
    std::lock_guard<std::mutex> lock(status_mu_);
    status_.last_evaluation = ts;
    status_.evaluation_seconds = seconds;
  }
  if (env.metrics) {
    env.metrics->group_duration.Observe(seconds);
    env.metrics->last_duration.With({key}).Set(seconds);
    env.metrics->last_evaluation_timestamp.With({key}).Set(static_cast<double>(ts) / 1000);
    env.metrics->last_evaluation_samples.With({key}).Set(samples);
  }
}

Status Group::AppendResult(const GroupEnv& env, size_t rule_index, const promql::Vector& result,
                           TimestampMs ts) {
  std::unique_ptr<tsdb::Appender> app = env.appendable->NewAppender();
  std::map<std::string, model::Labels> returned;
  Status first_error;
  int out_of_order = 0;
  int duplicates = 0;
  for (const promql::Sample& s : result) {
    Result<tsdb::SeriesRef> r = app->Append(0, s.labels, s.t, s.v);
    if (r.ok()) {
      returned.emplace(s.labels.encoded(), s.labels);
      continue;
    }
    if (first_error.ok()) first_error = r.status();
    out_of_order += tsdb::IsOutOfOrder(r.status()) ? 1 : 0;
    duplicates += tsdb::IsDuplicate(r.status()) ? 1 : 0;
  }
  if (out_of_order > 0 || duplicates > 0) {
    log::Warn("Error on ingesting results from rule evaluation",
              {{"group", name_},
               {"name", rules_[rule_index]->name()},
               {"out_of_order", out_of_order},
               {"duplicates", duplicates}});
  }
  for (const auto& [encoded, labels] : previous_series_[rule_index]) {
    if (returned.contains(encoded)) continue;
    // Out of order or duplicate here means the series already has a sample
    // at ts: nothing to mark.
    (void)app->Append(0, labels, ts, model::StaleNaN());
  }
  if (Status s = app->Commit(); !s.ok()) {
    log::Warn("Rule sample appending failed", {{"group", name_}, {"err", s.message()}});
    return s;
  }
  previous_series_[rule_index] = std::move(returned);
  return first_error;
}

void Group::RestoreForState(const GroupEnv& env, TimestampMs now, Duration outage_tolerance,
                            Duration grace_period) {
  Result<std::unique_ptr<tsdb::Querier>> q =
      env.eval.queryable->NewQuerier(now - outage_tolerance.count(), now);
  if (!q.ok()) {
    log::Error("Failed to get querier for restoring 'for' state",
               {{"group", name_}, {"err", q.status().message()}});
    return;
  }
  for (const std::unique_ptr<Rule>& rule : rules_) {
    if (!rule->is_alert()) continue;
    static_cast<AlertingRule&>(*rule).RestoreForState(**q, now, grace_period);
  }
}

void Group::CopyStateFrom(Group& old) {
  {
    std::scoped_lock lock(status_mu_, old.status_mu_);
    status_ = old.status_;
  }
  std::map<std::string, std::vector<size_t>> old_rules;
  for (size_t i = 0; i < old.rules_.size(); ++i) {
    old_rules[NameAndLabels(*old.rules_[i])].push_back(i);
  }
  for (size_t i = 0; i < rules_.size(); ++i) {
    auto it = old_rules.find(NameAndLabels(*rules_[i]));
    if (it == old_rules.end() || it->second.empty()) continue;
    size_t from = it->second.front();
    it->second.erase(it->second.begin());
    previous_series_[i] = old.previous_series_[from];
    if (rules_[i]->is_alert() && old.rules_[from]->is_alert()) {
      static_cast<AlertingRule&>(*rules_[i])
          .CopyStateFrom(static_cast<const AlertingRule&>(*old.rules_[from]));
    }
  }
  // Series of old rules nothing took over go stale at the next evaluation.
  stale_series_ = old.stale_series_;
  for (const auto& [key, unmatched] : old_rules) {
    for (size_t from : unmatched) {
      for (const auto& [encoded, labels] : old.previous_series_[from]) {
        stale_series_.push_back(labels);
      }
    }
  }
}

void Group::MarkAllStale(const GroupEnv& env, TimestampMs ts) {
  std::unique_ptr<tsdb::Appender> app = env.appendable->NewAppender();
  for (auto& series : previous_series_) {
    for (const auto& [encoded, labels] : series) {
      (void)app->Append(0, labels, ts, model::StaleNaN());
    }
    series.clear();
  }
  for (const model::Labels& l : stale_series_) (void)app->Append(0, l, ts, model::StaleNaN());
  stale_series_.clear();
  if (Status s = app->Commit(); !s.ok()) {
    log::Warn("Adding stale markers for a removed group failed",
              {{"group", name_}, {"err", s.message()}});
  }
}

GroupStatus Group::status() const {
  std::lock_guard<std::mutex> lock(status_mu_);
  return status_;
}

}  // namespace vigil::rules
