#include "vigil/promql/ast.h"

#include "vigil/promql/functions.h"

namespace vigil::promql {

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kNone: return "none";
    case ValueType::kScalar: return "scalar";
    case ValueType::kVector: return "vector";
    case ValueType::kMatrix: return "matrix";
    case ValueType::kString: return "string";
  }
  return "none";
}

std::string_view DocumentedType(ValueType type) {
  switch (type) {
    case ValueType::kVector: return "instant vector";
    case ValueType::kMatrix: return "range vector";
    default: return ValueTypeName(type);
  }
}

std::string_view BinaryOpString(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kMod: return "%";
    case BinaryOp::kPow: return "^";
    case BinaryOp::kAtan2: return "atan2";
    case BinaryOp::kEqlc: return "==";
    case BinaryOp::kNeq: return "!=";
    case BinaryOp::kGtr: return ">";
    case BinaryOp::kLss: return "<";
    case BinaryOp::kGte: return ">=";
    case BinaryOp::kLte: return "<=";
    case BinaryOp::kAnd: return "and";
    case BinaryOp::kOr: return "or";
    case BinaryOp::kUnless: return "unless";
  }
  return "";
}

bool IsComparisonOperator(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEqlc:
    case BinaryOp::kNeq:
    case BinaryOp::kGtr:
    case BinaryOp::kLss:
    case BinaryOp::kGte:
    case BinaryOp::kLte: return true;
    default: return false;
  }
}

bool IsSetOperator(BinaryOp op) {
  return op == BinaryOp::kAnd || op == BinaryOp::kOr || op == BinaryOp::kUnless;
}

std::string_view AggregateOpString(AggregateOp op) {
  switch (op) {
    case AggregateOp::kSum: return "sum";
    case AggregateOp::kAvg: return "avg";
    case AggregateOp::kCount: return "count";
    case AggregateOp::kMin: return "min";
    case AggregateOp::kMax: return "max";
    case AggregateOp::kGroup: return "group";
    case AggregateOp::kStddev: return "stddev";
    case AggregateOp::kStdvar: return "stdvar";
    case AggregateOp::kTopk: return "topk";
    case AggregateOp::kBottomk: return "bottomk";
    case AggregateOp::kCountValues: return "count_values";
    case AggregateOp::kQuantile: return "quantile";
  }
  return "";
}

bool AggregateHasParam(AggregateOp op) {
  return op == AggregateOp::kTopk || op == AggregateOp::kBottomk ||
         op == AggregateOp::kCountValues || op == AggregateOp::kQuantile;
}

ValueType Call::type() const { return func != nullptr ? func->return_type : ValueType::kNone; }

namespace {

std::unique_ptr<VectorSelector> CloneSelector(const VectorSelector& n) {
  auto c = std::make_unique<VectorSelector>();
  c->name = n.name;
  c->matchers = n.matchers;
  c->offset = n.offset;
  c->at = n.at;
  c->pos_range = n.pos_range;
  return c;
}

}  // namespace

ExprPtr Clone(const Expr& e) {
  switch (e.kind()) {
    case ExprKind::kNumberLiteral: {
      const auto& n = As<NumberLiteral>(e);
      auto c = std::make_unique<NumberLiteral>();
      c->value = n.value;
      c->pos_range = n.pos_range;
      return c;
    }
    case ExprKind::kStringLiteral: {
      const auto& n = As<StringLiteral>(e);
      auto c = std::make_unique<StringLiteral>();
      c->value = n.value;
      c->pos_range = n.pos_range;
      return c;
    }
    case ExprKind::kVectorSelector: return CloneSelector(As<VectorSelector>(e));
    case ExprKind::kMatrixSelector: {
      const auto& n = As<MatrixSelector>(e);
      auto c = std::make_unique<MatrixSelector>();
      c->selector = CloneSelector(*n.selector);
      c->range = n.range;
      c->end_pos = n.end_pos;
      return c;
    }
    case ExprKind::kSubquery: {
      const auto& n = As<SubqueryExpr>(e);
      auto c = std::make_unique<SubqueryExpr>();
      c->expr = Clone(*n.expr);
      c->range = n.range;
      c->step = n.step;
      c->offset = n.offset;
      c->at = n.at;
      c->end_pos = n.end_pos;
      return c;
    }
    case ExprKind::kUnary: {
      const auto& n = As<UnaryExpr>(e);
      auto c = std::make_unique<UnaryExpr>();
      c->op = n.op;
      c->expr = Clone(*n.expr);
      c->start_pos = n.start_pos;
      return c;
    }
    case ExprKind::kBinary: {
      const auto& n = As<BinaryExpr>(e);
      auto c = std::make_unique<BinaryExpr>();
      c->op = n.op;
      c->lhs = Clone(*n.lhs);
      c->rhs = Clone(*n.rhs);
      c->return_bool = n.return_bool;
      c->matching = n.matching;
      return c;
    }
    case ExprKind::kAggregate: {
      const auto& n = As<AggregateExpr>(e);
      auto c = std::make_unique<AggregateExpr>();
      c->op = n.op;
      c->expr = Clone(*n.expr);
      if (n.param != nullptr) c->param = Clone(*n.param);
      c->grouping = n.grouping;
      c->without = n.without;
      c->pos_range = n.pos_range;
      return c;
    }
    case ExprKind::kCall: {
      const auto& n = As<Call>(e);
      auto c = std::make_unique<Call>();
      c->func = n.func;
      for (const ExprPtr& a : n.args) c->args.push_back(Clone(*a));
      c->pos_range = n.pos_range;
      return c;
    }
    case ExprKind::kParen: {
      const auto& n = As<ParenExpr>(e);
      auto c = std::make_unique<ParenExpr>();
      c->expr = Clone(*n.expr);
      c->pos_range = n.pos_range;
      return c;
    }
  }
  return nullptr;
}

}  // namespace vigil::promql
