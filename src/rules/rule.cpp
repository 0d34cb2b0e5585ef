// The Rule base and recording rules; alerting rules are in alerting_rule.cpp.
#include "vigil/rules/rule.h"

#include <set>

#include "instant_query.h"
#include "vigil/promql/parser.h"
#include "vigil/promql/printer.h"

namespace vigil::rules {

std::string_view RuleHealthName(RuleHealth health) {
  switch (health) {
    case RuleHealth::kOk: return "ok";
    case RuleHealth::kErr: return "err";
    case RuleHealth::kUnknown: break;
  }
  return "unknown";
}

std::string_view AlertStateName(AlertState state) {
  switch (state) {
    case AlertState::kPending: return "pending";
    case AlertState::kFiring: return "firing";
    case AlertState::kInactive: break;
  }
  return "inactive";
}

Rule::Rule(std::string name, promql::ExprPtr expr, std::map<std::string, std::string> labels)
    : name_(std::move(name)),
      expr_(std::move(expr)),
      query_(promql::Format(*expr_)),
      labels_(std::move(labels)) {}

RuleStatus Rule::status() const {
  std::lock_guard<std::mutex> lock(status_mu_);
  return status_;
}

void Rule::SetStatus(RuleStatus status) {
  std::lock_guard<std::mutex> lock(status_mu_);
  status_ = std::move(status);
}

Result<promql::Vector> EvalInstant(const EvalContext& ctx, const promql::Expr& expr,
                                   TimestampMs ts) {
  Result<promql::QueryResult> r = ctx.engine->InstantExpr(*ctx.queryable, expr, ts);
  if (!r.ok()) return r.status();
  if (auto* v = std::get_if<promql::Vector>(&r->value)) {
    for (promql::Sample& s : *v) s.t = ts;
    return std::move(*v);
  }
  if (const auto* s = std::get_if<promql::Scalar>(&r->value)) {
    return promql::Vector{promql::Sample{model::Labels(), ts, s->v}};
  }
  return InvalidArgument("rule result is not a vector or scalar");
}

RecordingRule::RecordingRule(std::string name, promql::ExprPtr expr,
                             std::map<std::string, std::string> labels)
    : Rule(std::move(name), std::move(expr), std::move(labels)) {}

Result<promql::Vector> RecordingRule::Eval(const EvalContext& ctx, TimestampMs ts, int limit) {
  VIGIL_ASSIGN_OR_RETURN(promql::Vector vector, EvalInstant(ctx, expr(), ts));
  std::set<std::string> seen;
  model::LabelsBuilder b;
  for (promql::Sample& s : vector) {
    b.Reset(s.labels);
    b.Set(model::kMetricName, name());
    for (const auto& [n, v] : labels()) b.Set(n, v);
    s.labels = b.Build();
    if (!seen.insert(s.labels.encoded()).second) {
      return InvalidArgument(
          "vector contains metrics with the same labelset after applying rule labels");
    }
  }
  if (limit > 0 && static_cast<int>(vector.size()) > limit) {
    return InvalidArgument("exceeded limit of " + std::to_string(limit) + " with " +
                           std::to_string(vector.size()) + " series");
  }
  return vector;
}

Result<std::unique_ptr<Rule>> BuildRule(const RuleSpec& spec, bool restored) {
  Result<promql::ExprPtr> expr = promql::ParseExpr(spec.expr);
  if (!expr.ok()) return expr.status();
  if (spec.is_alert()) {
    return std::unique_ptr<Rule>(std::make_unique<AlertingRule>(
        spec.alert, std::move(*expr), spec.for_duration, spec.keep_firing_for, spec.labels,
        spec.annotations, restored));
  }
  return std::unique_ptr<Rule>(
      std::make_unique<RecordingRule>(spec.record, std::move(*expr), spec.labels));
}

}  // namespace vigil::rules
