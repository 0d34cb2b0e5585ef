// The alert state machine of Prometheus 2.42's AlertingRule: Eval, sending,
// and restoring `for` state after a restart.
#include <algorithm>
#include <set>

#include "alert_template.h"
#include "instant_query.h"
#include "vigil/base/log.h"
#include "vigil/base/url_escape.h"
#include "vigil/model/matcher.h"
#include "vigil/model/value.h"
#include "vigil/rules/rule.h"

namespace vigil::rules {
namespace {

constexpr std::string_view kAlertsMetric = "ALERTS";
constexpr std::string_view kForStateMetric = "ALERTS_FOR_STATE";

bool HasTemplate(const std::map<std::string, std::string>& texts) {
  return std::any_of(texts.begin(), texts.end(), [](const auto& kv) {
    return kv.second.find("{{") != std::string::npos;
  });
}

// Whole seconds, as Go's time.Unix() of a time held in ms.
int64_t UnixSeconds(TimestampMs t) { return t >= 0 ? t / 1000 : -((-t + 999) / 1000); }

}  // namespace

AlertingRule::AlertingRule(std::string name, promql::ExprPtr expr, Duration hold,
                           Duration keep_firing_for, std::map<std::string, std::string> labels,
                           std::map<std::string, std::string> annotations, bool restored)
    : Rule(std::move(name), std::move(expr), std::move(labels)),
      hold_(hold),
      keep_firing_for_(keep_firing_for),
      annotations_(std::move(annotations)),
      restored_(restored) {}

Result<promql::Vector> AlertingRule::Eval(const EvalContext& ctx, TimestampMs ts, int limit) {
  VIGIL_ASSIGN_OR_RETURN(promql::Vector result, EvalInstant(ctx, expr(), ts));

  // One new pending alert per result series, labels and annotations expanded.
  tmpl::FuncMap functions;
  if (HasTemplate(labels()) || HasTemplate(annotations_)) functions = AlertFunctions(ctx, ts);
  std::map<model::Labels, Alert> current;
  model::LabelsBuilder b;
  for (const promql::Sample& s : result) {
    b.Reset(s.labels);
    b.Del(model::kMetricName);
    for (const auto& [n, text] : labels()) {
      b.Set(n, ExpandAlertTemplate(name(), text, s.labels, s.v, ctx, functions));
    }
    b.Set("alertname", name());
    std::vector<std::pair<std::string, std::string>> annotations;
    for (const auto& [n, text] : annotations_) {
      annotations.emplace_back(n, ExpandAlertTemplate(name(), text, s.labels, s.v, ctx, functions));
    }
    Alert a;
    a.state = AlertState::kPending;
    a.labels = b.Build();
    a.annotations = model::Labels::FromPairs(std::move(annotations));
    a.value = s.v;
    a.active_at = ts;
    model::Labels key = a.labels;
    if (!current.emplace(std::move(key), std::move(a)).second) {
      return InvalidArgument(
          "vector contains metrics with the same labelset after applying alert labels");
    }
  }

  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [labels, fresh] : current) {
    auto it = alerts_.find(labels);
    if (it != alerts_.end() && it->second.state != AlertState::kInactive) {
      it->second.value = fresh.value;
      it->second.annotations = std::move(fresh.annotations);
      continue;
    }
    alerts_.insert_or_assign(labels, std::move(fresh));
  }

  promql::Vector out;
  int active = 0;
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    Alert& a = it->second;
    if (!current.contains(it->first)) {
      bool keep_firing = false;
      if (a.state == AlertState::kFiring && keep_firing_for_.count() > 0) {
        if (a.keep_firing_since == 0) a.keep_firing_since = ts;
        keep_firing = ts - a.keep_firing_since < keep_firing_for_.count();
      }
      if (!keep_firing) {
        // A firing alert that resolved is kept (and resent) for a while.
        if (a.state == AlertState::kPending ||
            (a.resolved_at != 0 && ts - a.resolved_at > kResolvedRetention.count())) {
          it = alerts_.erase(it);
          continue;
        }
        if (a.state != AlertState::kInactive) {
          a.state = AlertState::kInactive;
          a.resolved_at = ts;
        }
        ++it;
        continue;
      }
    } else {
      a.keep_firing_since = 0;
    }
    ++active;
    if (a.state == AlertState::kPending && ts - a.active_at >= hold_.count()) {
      a.state = AlertState::kFiring;
      a.fired_at = ts;
    }
    if (restored_) {
      model::LabelsBuilder series(a.labels);
      series.Set(model::kMetricName, kAlertsMetric);
      series.Set("alertstate", AlertStateName(a.state));
      out.push_back({series.Build(), ts, 1});
      series.Reset(a.labels);
      series.Set(model::kMetricName, kForStateMetric);
      out.push_back({series.Build(), ts, static_cast<double>(UnixSeconds(a.active_at))});
    }
    ++it;
  }
  if (limit > 0 && active > limit) {
    alerts_.clear();
    return InvalidArgument("exceeded limit of " + std::to_string(limit) + " with " +
                           std::to_string(active) + " alerts");
  }
  return out;
}

AlertState AlertingRule::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  AlertState max = AlertState::kInactive;
  for (const auto& [labels, a] : alerts_) max = std::max(max, a.state);
  return max;
}

std::vector<Alert> AlertingRule::ActiveAlerts() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Alert> out;
  for (const auto& [labels, a] : alerts_) {
    if (a.state != AlertState::kInactive) out.push_back(a);
  }
  return out;
}

std::vector<Alert> AlertingRule::AllAlerts() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Alert> out;
  for (const auto& [labels, a] : alerts_) out.push_back(a);
  return out;
}

std::vector<notify::Alert> AlertingRule::AlertsToSend(TimestampMs ts, Duration resend_delay,
                                                      Duration group_interval,
                                                      const std::string& external_url) {
  // Valid for two missed evaluations or sends.
  const int64_t validity = 4 * std::max(resend_delay, group_interval).count();
  const std::string generator_url =
      external_url + "/graph?g0.expr=" + QueryEscape(query()) + "&g0.tab=1";
  std::vector<notify::Alert> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [labels, a] : alerts_) {
    if (a.state == AlertState::kPending) continue;
    const bool sent_before = a.last_sent_at != 0;
    const bool resolved_since_sent = a.resolved_at > a.last_sent_at;
    if (sent_before && !resolved_since_sent && a.last_sent_at + resend_delay.count() >= ts) {
      continue;
    }
    a.last_sent_at = ts;
    a.valid_until = ts + validity;
    out.push_back({.labels = a.labels,
                   .annotations = a.annotations,
                   .starts_at_ms = a.fired_at,
                   .ends_at_ms = a.resolved_at != 0 ? a.resolved_at : a.valid_until,
                   .generator_url = generator_url});
  }
  return out;
}

void AlertingRule::RestoreForState(tsdb::Querier& querier, TimestampMs ts,
                                   Duration grace_period) {
  std::lock_guard<std::mutex> lock(mu_);
  restored_ = true;
  // A `for` shorter than the grace period would only be made longer.
  if (hold_ < grace_period) return;
  for (auto& [labels, a] : alerts_) {
    std::vector<model::Matcher> matchers;
    matchers.push_back(*model::Matcher::Make(model::MatchType::kEqual,
                                             std::string(model::kMetricName),
                                             std::string(kForStateMetric)));
    for (const model::Label& l : a.labels) {
      matchers.push_back(*model::Matcher::Make(model::MatchType::kEqual, std::string(l.name),
                                               std::string(l.value)));
    }
    std::unique_ptr<tsdb::SeriesSet> set = querier.Select(false, nullptr, matchers);
    const size_t want_labels = a.labels.size() + 1;
    bool found = false;
    TimestampMs t = 0;
    double v = 0;
    while (set->Next()) {
      // The matchers guarantee a superset; equal size means equal labels.
      if (set->At().labels().size() != want_labels) continue;
      std::unique_ptr<tsdb::SampleIterator> it = set->At().Iterator();
      while (it->Next()) {
        t = it->AtT();
        v = it->AtV();
        found = true;
      }
      if (Status s = it->status(); !s.ok()) {
        log::Error("Failed to restore 'for' state",
                   {{"alertname", name()}, {"labels", a.labels.ToString()}, {"err", s.message()}});
        found = false;
      }
      break;
    }
    if (Status s = set->status(); !s.ok()) {
      log::Error("Failed to restore 'for' state",
                 {{"alertname", name()}, {"labels", a.labels.ToString()}, {"err", s.message()}});
      continue;
    }
    if (!found || model::IsStaleNaN(v)) continue;  // not active before the restart
    const TimestampMs down_at = UnixSeconds(t) * 1000;
    TimestampMs restored_active_at = static_cast<int64_t>(v) * 1000;
    const int64_t remaining = hold_.count() - (down_at - restored_active_at);
    if (remaining <= 0) {
      // It was firing; the next evaluation fires it again if it still holds.
    } else if (remaining < grace_period.count()) {
      // Fire no sooner than the grace period from now.
      restored_active_at = ts + grace_period.count() - hold_.count();
    } else {
      // The time vigil was down does not count as pending.
      restored_active_at += ts - down_at;
    }
    a.active_at = restored_active_at;
  }
}

bool AlertingRule::restored() const {
  std::lock_guard<std::mutex> lock(mu_);
  return restored_;
}

void AlertingRule::CopyStateFrom(const AlertingRule& old) {
  std::scoped_lock lock(mu_, old.mu_);
  alerts_ = old.alerts_;
}

}  // namespace vigil::rules
