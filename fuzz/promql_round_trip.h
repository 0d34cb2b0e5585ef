// The print/parse oracle of the PromQL parser fuzzer and of its bounded
// stand-in (tests/promql/fuzz_test.cpp): a parsed query prints to text that
// parses again to the same query.
//
// "The same" is decided on ComparableForm: the printed tree with unary plus
// removed. Unary plus has to be set aside because the printer matches
// Prometheus 2.42's format_query text, which is not a fixed point there:
// the literal +Inf prints as "+Inf" (Go's fmt.Sprint) and binary operators
// print without parentheses, so `22^Inf^222`, i.e. 22 ^ (Inf ^ 222), prints
// as `22 ^ +Inf ^ 222`, which parses as 22 ^ +(Inf ^ 222) (unary plus binds
// looser than ^) and prints as `22 ^ ++Inf ^ 222`; every further round adds
// a "+". Unary plus is the identity (it changes no value and keeps the
// metric name), so those trees mean the same query. Everything else must
// survive the round trip unchanged: operator nesting and parentheses,
// unary minus, numbers, strings, matchers, ranges, offsets and @, grouping,
// vector matching. A printer or parser that disagrees on any of them still
// fails the oracle.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "vigil/promql/ast.h"
#include "vigil/promql/parser.h"
#include "vigil/promql/printer.h"

namespace vigil::promql::fuzz {

// Replaces every unary plus in the tree under `e` by its operand.
inline void RemoveUnaryPlus(ExprPtr& e) {
  while (auto* u = AsIf<UnaryExpr>(e.get())) {
    if (u->op != UnaryOp::kPlus) break;
    ExprPtr operand = std::move(u->expr);
    e = std::move(operand);
  }
  switch (e->kind()) {
    case ExprKind::kSubquery: RemoveUnaryPlus(As<SubqueryExpr>(*e).expr); return;
    case ExprKind::kUnary: RemoveUnaryPlus(As<UnaryExpr>(*e).expr); return;
    case ExprKind::kParen: RemoveUnaryPlus(As<ParenExpr>(*e).expr); return;
    case ExprKind::kBinary:
      RemoveUnaryPlus(As<BinaryExpr>(*e).lhs);
      RemoveUnaryPlus(As<BinaryExpr>(*e).rhs);
      return;
    case ExprKind::kAggregate: {
      auto& a = As<AggregateExpr>(*e);
      RemoveUnaryPlus(a.expr);
      if (a.param != nullptr) RemoveUnaryPlus(a.param);
      return;
    }
    case ExprKind::kCall:
      for (ExprPtr& arg : As<Call>(*e).args) RemoveUnaryPlus(arg);
      return;
    case ExprKind::kNumberLiteral:
    case ExprKind::kStringLiteral:
    case ExprKind::kVectorSelector:
    case ExprKind::kMatrixSelector:
      return;
  }
}

// The text two trees share when they are the same query up to unary plus.
inline std::string ComparableForm(const Expr& e) {
  ExprPtr copy = Clone(e);
  RemoveUnaryPlus(copy);
  return Format(*copy);
}

// Empty when `parsed` survives print and re-parse, otherwise what went wrong.
inline std::string RoundTripProblem(const Expr& parsed) {
  std::string printed = Format(parsed);
  Result<ExprPtr> again = ParseExpr(printed);
  if (!again.ok()) return "the print `" + printed + "` does not parse: " + again.status().message();
  std::string want = ComparableForm(parsed);
  std::string got = ComparableForm(**again);
  if (got != want) {
    return "the print `" + printed + "` parses to another query: `" + got + "`, want `" + want +
           "` (unary plus removed)";
  }
  return "";
}

}  // namespace vigil::promql::fuzz
