// Prometheus 2.42's checkAST: the type checks of a syntactically valid tree.
#include <string>

#include "go_strings.h"
#include "parser_internal.h"
#include "vigil/model/labels.h"
#include "vigil/promql/functions.h"

namespace vigil::promql {
namespace {

bool IsSpaceChar(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Checker {
 public:
  explicit Checker(std::string_view input) : input_(input) {}

  ValueType Check(Expr& node);
  const std::optional<ParseErrorDetail>& error() const { return error_; }

 private:
  void Fail(PosRange pos, std::string message) {
    if (!error_) error_ = ParseErrorDetail{pos, std::move(message)};
  }
  void ExpectType(Expr& node, ValueType want, std::string_view context) {
    ValueType got = Check(node);
    if (got != want) {
      Fail(node.pos(), "expected type " + std::string(DocumentedType(want)) + " in " +
                           std::string(context) + ", got " + std::string(DocumentedType(got)));
    }
  }
  // The operator's range in a binary expression, whitespace trimmed.
  PosRange OperatorRange(const BinaryExpr& n) const {
    int start = n.lhs->pos().end;
    while (start < static_cast<int>(input_.size()) && IsSpaceChar(input_[start])) ++start;
    int end = n.rhs->pos().start - 1;
    while (end > 0 && IsSpaceChar(input_[end])) --end;
    return {start, end};
  }
  void CheckBinary(BinaryExpr& n);
  void CheckCall(Call& n);
  void CheckSelector(const VectorSelector& n);

  std::string_view input_;
  std::optional<ParseErrorDetail> error_;
};

ValueType Checker::Check(Expr& node) {
  ValueType type = node.type();
  if (error_) return type;
  switch (node.kind()) {
    case ExprKind::kAggregate: {
      auto& n = As<AggregateExpr>(node);
      ExpectType(*n.expr, ValueType::kVector, "aggregation expression");
      if (n.op == AggregateOp::kTopk || n.op == AggregateOp::kBottomk ||
          n.op == AggregateOp::kQuantile) {
        ExpectType(*n.param, ValueType::kScalar, "aggregation parameter");
      }
      if (n.op == AggregateOp::kCountValues) {
        ExpectType(*n.param, ValueType::kString, "aggregation parameter");
      }
      break;
    }
    case ExprKind::kBinary: CheckBinary(As<BinaryExpr>(node)); break;
    case ExprKind::kCall: CheckCall(As<Call>(node)); break;
    case ExprKind::kParen: Check(*As<ParenExpr>(node).expr); break;
    case ExprKind::kUnary: {
      auto& n = As<UnaryExpr>(node);
      ValueType t = Check(*n.expr);
      if (t != ValueType::kScalar && t != ValueType::kVector) {
        Fail(n.pos(), "unary expression only allowed on expressions of type scalar or instant "
                      "vector, got " + GoQuote(DocumentedType(t)));
      }
      break;
    }
    case ExprKind::kSubquery: {
      auto& n = As<SubqueryExpr>(node);
      ValueType t = Check(*n.expr);
      if (t != ValueType::kVector) {
        Fail(n.pos(), "subquery is only allowed on instant vector, got " +
                          std::string(ValueTypeName(t)) + " instead");
      }
      break;
    }
    case ExprKind::kMatrixSelector: Check(*As<MatrixSelector>(node).selector); break;
    case ExprKind::kVectorSelector: CheckSelector(As<VectorSelector>(node)); break;
    case ExprKind::kNumberLiteral:
    case ExprKind::kStringLiteral: break;
  }
  return type;
}

void Checker::CheckBinary(BinaryExpr& n) {
  ValueType lt = Check(*n.lhs);
  ValueType rt = Check(*n.rhs);
  if (error_) return;
  if (n.return_bool && !IsComparisonOperator(n.op)) {
    Fail(OperatorRange(n), "bool modifier can only be used on comparison operators");
  }
  if (IsComparisonOperator(n.op) && !n.return_bool && n.rhs->type() == ValueType::kScalar &&
      n.lhs->type() == ValueType::kScalar) {
    Fail(OperatorRange(n), "comparisons between scalars must use BOOL modifier");
  }
  VectorMatching& vm = *n.matching;
  if (IsSetOperator(n.op) && vm.card == Cardinality::kOneToOne) {
    vm.card = Cardinality::kManyToMany;
  }
  for (const std::string& l1 : vm.matching_labels) {
    for (const std::string& l2 : vm.include) {
      if (l1 == l2 && vm.on) {
        Fail(OperatorRange(n), "label " + GoQuote(l1) + " must not occur in ON and GROUP clause at once");
      }
    }
  }
  if (lt != ValueType::kScalar && lt != ValueType::kVector) {
    Fail(n.lhs->pos(), "binary expression must contain only scalar and instant vector types");
  }
  if (rt != ValueType::kScalar && rt != ValueType::kVector) {
    Fail(n.rhs->pos(), "binary expression must contain only scalar and instant vector types");
  }
  std::string op = GoQuote(BinaryOpString(n.op));
  if (lt != ValueType::kVector || rt != ValueType::kVector) {
    if (!vm.matching_labels.empty()) {
      Fail(n.pos(), "vector matching only allowed between instant vectors");
    }
    n.matching.reset();
  } else if (IsSetOperator(n.op)) {
    if (vm.card == Cardinality::kOneToMany || vm.card == Cardinality::kManyToOne) {
      Fail(n.pos(), "no grouping allowed for " + op + " operation");
    }
    if (vm.card != Cardinality::kManyToMany) {
      Fail(n.pos(), "set operations must always be many-to-many");
    }
  }
  if ((lt == ValueType::kScalar || rt == ValueType::kScalar) && IsSetOperator(n.op)) {
    Fail(n.pos(), "set operator " + op + " not allowed in binary scalar expression");
  }
}

void Checker::CheckCall(Call& n) {
  const Function& f = *n.func;
  size_t nargs = f.arg_types.size();
  size_t given = n.args.size();
  std::string name = GoQuote(f.name);
  if (f.variadic == 0) {
    if (nargs != given) {
      Fail(n.pos(), "expected " + std::to_string(nargs) + " argument(s) in call to " + name +
                        ", got " + std::to_string(given));
    }
  } else {
    size_t at_least = nargs - 1;
    if (at_least > given) {
      Fail(n.pos(), "expected at least " + std::to_string(at_least) + " argument(s) in call to " +
                        name + ", got " + std::to_string(given));
    } else if (f.variadic > 0 && at_least + f.variadic < given) {
      Fail(n.pos(), "expected at most " + std::to_string(at_least + f.variadic) +
                        " argument(s) in call to " + name + ", got " + std::to_string(given));
    }
  }
  for (size_t i = 0; i < given && !error_; ++i) {
    size_t type_index = i;
    if (i >= nargs) {
      if (f.variadic == 0) break;  // surplus arguments are not type-checked
      type_index = nargs - 1;
    }
    ValueType t = Check(*n.args[i]);
    if (t != f.arg_types[type_index]) {
      Fail(n.args[i]->pos(), "expected type " + std::string(DocumentedType(f.arg_types[type_index])) +
                                 " in call to function " + name + ", got " +
                                 std::string(DocumentedType(t)));
    }
  }
}

void Checker::CheckSelector(const VectorSelector& n) {
  if (!n.name.empty()) {
    // The last matcher is the name's own; an earlier __name__ sets it twice.
    for (size_t i = 0; i + 1 < n.matchers.size(); ++i) {
      if (n.matchers[i].name() == model::kMetricName) {
        Fail(n.pos(), "metric name must not be set twice: " + GoQuote(n.name) + " or " +
                          GoQuote(n.matchers[i].value()));
      }
    }
    return;
  }
  for (const model::Matcher& m : n.matchers) {
    if (!m.Matches("")) return;
  }
  Fail(n.pos(), "vector selector must contain at least one non-empty matcher");
}

}  // namespace

std::optional<ParseErrorDetail> CheckAst(Expr& root, std::string_view input) {
  Checker checker(input);
  checker.Check(root);
  return checker.error();
}

}  // namespace vigil::promql
