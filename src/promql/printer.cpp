#include "vigil/promql/printer.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "go_strings.h"
#include "literals.h"
#include "vigil/base/format_float.h"
#include "vigil/model/labels.h"
#include "vigil/promql/functions.h"

namespace vigil::promql {
namespace {

void AppendJoined(const std::vector<std::string>& items, std::string_view sep, std::string* out) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) *out += sep;
    *out += items[i];
  }
}

void AppendAt(const AtModifier& at, std::string* out) {
  switch (at.kind) {
    case AtKind::kNone: return;
    case AtKind::kStart: *out += " @ start()"; return;
    case AtKind::kEnd: *out += " @ end()"; return;
    case AtKind::kTimestamp: {
      char buf[64];
      std::snprintf(buf, sizeof buf, " @ %.3f", static_cast<double>(at.timestamp_ms) / 1000.0);
      *out += buf;
      return;
    }
  }
}

void AppendOffset(Duration offset, std::string* out) {
  if (offset.count() > 0) {
    *out += " offset ";
    *out += FormatDuration(offset);
  } else if (offset.count() < 0) {
    *out += " offset -";
    *out += FormatDuration(-offset);
  }
}

// The selector's name and matchers, without modifiers.
void AppendSelectorBody(const VectorSelector& vs, std::string* out) {
  std::vector<std::string> matchers;
  for (const model::Matcher& m : vs.matchers) {
    if (m.name() == model::kMetricName && m.type() == model::MatchType::kEqual &&
        m.value() == vs.name) {
      continue;
    }
    matchers.push_back(m.name() + std::string(model::MatchTypeString(m.type())) +
                       GoQuote(m.value()));
  }
  *out += vs.name;
  if (matchers.empty()) return;
  std::sort(matchers.begin(), matchers.end());
  *out += '{';
  AppendJoined(matchers, ",", out);
  *out += '}';
}

void AppendExpr(const Expr& e, std::string* out);

void AppendMatching(const VectorMatching& vm, std::string* out) {
  if (vm.matching_labels.empty() && !vm.on) return;
  *out += vm.on ? " on (" : " ignoring (";
  AppendJoined(vm.matching_labels, ", ", out);
  *out += ')';
  if (vm.card == Cardinality::kManyToOne || vm.card == Cardinality::kOneToMany) {
    *out += vm.card == Cardinality::kManyToOne ? " group_left (" : " group_right (";
    AppendJoined(vm.include, ", ", out);
    *out += ')';
  }
}

void AppendExpr(const Expr& e, std::string* out) {
  switch (e.kind()) {
    case ExprKind::kNumberLiteral: AppendFloat(As<NumberLiteral>(e).value, out); return;
    case ExprKind::kStringLiteral: *out += GoQuote(As<StringLiteral>(e).value); return;
    case ExprKind::kVectorSelector: {
      const auto& n = As<VectorSelector>(e);
      AppendSelectorBody(n, out);
      AppendAt(n.at, out);
      AppendOffset(n.offset, out);
      return;
    }
    case ExprKind::kMatrixSelector: {
      const auto& n = As<MatrixSelector>(e);
      AppendSelectorBody(*n.selector, out);
      *out += '[';
      *out += FormatDuration(n.range);
      *out += ']';
      AppendAt(n.selector->at, out);
      AppendOffset(n.selector->offset, out);
      return;
    }
    case ExprKind::kSubquery: {
      const auto& n = As<SubqueryExpr>(e);
      AppendExpr(*n.expr, out);
      *out += '[';
      *out += FormatDuration(n.range);
      *out += ':';
      if (n.step.count() != 0) *out += FormatDuration(n.step);
      *out += ']';
      AppendAt(n.at, out);
      AppendOffset(n.offset, out);
      return;
    }
    case ExprKind::kUnary: {
      const auto& n = As<UnaryExpr>(e);
      *out += n.op == UnaryOp::kMinus ? '-' : '+';
      AppendExpr(*n.expr, out);
      return;
    }
    case ExprKind::kBinary: {
      const auto& n = As<BinaryExpr>(e);
      AppendExpr(*n.lhs, out);
      *out += ' ';
      *out += BinaryOpString(n.op);
      if (n.return_bool) *out += " bool";
      if (n.matching) AppendMatching(*n.matching, out);
      *out += ' ';
      AppendExpr(*n.rhs, out);
      return;
    }
    case ExprKind::kAggregate: {
      const auto& n = As<AggregateExpr>(e);
      *out += AggregateOpString(n.op);
      if (n.without || !n.grouping.empty()) {
        *out += n.without ? " without (" : " by (";
        AppendJoined(n.grouping, ", ", out);
        *out += ") ";
      }
      *out += '(';
      if (n.param != nullptr) {
        AppendExpr(*n.param, out);
        *out += ", ";
      }
      AppendExpr(*n.expr, out);
      *out += ')';
      return;
    }
    case ExprKind::kCall: {
      const auto& n = As<Call>(e);
      *out += n.func->name;
      *out += '(';
      for (size_t i = 0; i < n.args.size(); ++i) {
        if (i > 0) *out += ", ";
        AppendExpr(*n.args[i], out);
      }
      *out += ')';
      return;
    }
    case ExprKind::kParen:
      *out += '(';
      AppendExpr(*As<ParenExpr>(e).expr, out);
      *out += ')';
      return;
  }
}

}  // namespace

std::string Format(const Expr& e) {
  std::string out;
  AppendExpr(e, &out);
  return out;
}

}  // namespace vigil::promql
