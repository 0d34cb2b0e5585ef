// The PromQL abstract syntax tree, as Prometheus 2.42's parser builds it.
//
// A parsed query is a tree of Expr nodes owned through ExprPtr. Every node
// knows its value type (scalar, instant vector, range vector, string) and the
// byte range of the input it was parsed from. Nodes are plain structs with
// public fields so the engine and tools (the conformance runner adds `@` to
// selectors) can read and, on their own copy, rewrite them; Clone() copies a
// tree.
// Thread-safety: a tree is a plain value; concurrent reads are safe, any
// mutation needs exclusive access.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/duration.h"
#include "vigil/model/matcher.h"

namespace vigil::promql {

struct Function;

enum class ValueType { kNone, kScalar, kVector, kMatrix, kString };

// Prometheus's ValueType names: "none", "scalar", "vector", "matrix", "string".
std::string_view ValueTypeName(ValueType type);
// The names used in error messages: "instant vector", "range vector", ...
std::string_view DocumentedType(ValueType type);

// Byte offsets into the parsed input, [start, end).
struct PosRange {
  int start = 0;
  int end = 0;
  friend bool operator==(const PosRange&, const PosRange&) = default;
};

enum class BinaryOp {
  kAdd, kSub, kMul, kDiv, kMod, kPow, kAtan2,
  kEqlc, kNeq, kGtr, kLss, kGte, kLte,
  kAnd, kOr, kUnless,
};
std::string_view BinaryOpString(BinaryOp op);  // "+", "==", "and", "atan2", ...
bool IsComparisonOperator(BinaryOp op);
bool IsSetOperator(BinaryOp op);

enum class AggregateOp {
  kSum, kAvg, kCount, kMin, kMax, kGroup, kStddev, kStdvar,
  kTopk, kBottomk, kCountValues, kQuantile,
};
std::string_view AggregateOpString(AggregateOp op);  // "sum", "count_values", ...
// topk, bottomk, count_values and quantile take a parameter first.
bool AggregateHasParam(AggregateOp op);

enum class UnaryOp { kPlus, kMinus };

// The `@` modifier of a selector or subquery.
enum class AtKind { kNone, kTimestamp, kStart, kEnd };
struct AtModifier {
  AtKind kind = AtKind::kNone;
  int64_t timestamp_ms = 0;  // for kTimestamp
  bool has_value() const { return kind != AtKind::kNone; }
};

enum class ExprKind {
  kNumberLiteral, kStringLiteral, kVectorSelector, kMatrixSelector, kSubquery,
  kUnary, kBinary, kAggregate, kCall, kParen,
};

class Expr {
 public:
  explicit Expr(ExprKind kind) : kind_(kind) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  ExprKind kind() const { return kind_; }
  virtual ValueType type() const = 0;
  virtual PosRange pos() const = 0;

 private:
  const ExprKind kind_;
};
using ExprPtr = std::unique_ptr<Expr>;

// Downcasts; precondition: e.kind() == T::kKind.
template <typename T>
const T& As(const Expr& e) {
  return static_cast<const T&>(e);
}
template <typename T>
T& As(Expr& e) {
  return static_cast<T&>(e);
}
// nullptr when `e` is not a T.
template <typename T>
const T* AsIf(const Expr* e) {
  return e != nullptr && e->kind() == T::kKind ? static_cast<const T*>(e) : nullptr;
}
template <typename T>
T* AsIf(Expr* e) {
  return e != nullptr && e->kind() == T::kKind ? static_cast<T*>(e) : nullptr;
}

struct NumberLiteral final : Expr {
  static constexpr ExprKind kKind = ExprKind::kNumberLiteral;
  NumberLiteral() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kScalar; }
  PosRange pos() const override { return pos_range; }

  double value = 0;
  PosRange pos_range;
};

struct StringLiteral final : Expr {
  static constexpr ExprKind kKind = ExprKind::kStringLiteral;
  StringLiteral() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kString; }
  PosRange pos() const override { return pos_range; }

  std::string value;  // unquoted
  PosRange pos_range;
};

struct VectorSelector final : Expr {
  static constexpr ExprKind kKind = ExprKind::kVectorSelector;
  VectorSelector() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kVector; }
  PosRange pos() const override { return pos_range; }

  // The metric name written before the braces, or "".
  std::string name;
  // The matchers in the braces in written order, then __name__="<name>" when
  // `name` is set (as Prometheus does).
  std::vector<model::Matcher> matchers;
  Duration offset{0};  // as written; negative looks ahead
  AtModifier at;
  PosRange pos_range;
};

// `selector[range]`; the offset and `@` live on the inner selector.
struct MatrixSelector final : Expr {
  static constexpr ExprKind kKind = ExprKind::kMatrixSelector;
  MatrixSelector() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kMatrix; }
  PosRange pos() const override { return {selector->pos_range.start, end_pos}; }

  std::unique_ptr<VectorSelector> selector;
  Duration range{0};
  int end_pos = 0;
};

// `expr[range:step]`; step 0 means the engine's default.
struct SubqueryExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kSubquery;
  SubqueryExpr() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kMatrix; }
  PosRange pos() const override { return {expr->pos().start, end_pos}; }

  ExprPtr expr;
  Duration range{0};
  Duration step{0};
  Duration offset{0};
  AtModifier at;
  int end_pos = 0;
};

struct UnaryExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kUnary;
  UnaryExpr() : Expr(kKind) {}
  ValueType type() const override { return expr->type(); }
  PosRange pos() const override { return {start_pos, expr->pos().end}; }

  UnaryOp op = UnaryOp::kMinus;
  ExprPtr expr;
  int start_pos = 0;
};

enum class Cardinality { kOneToOne, kManyToOne, kOneToMany, kManyToMany };

struct VectorMatching {
  Cardinality card = Cardinality::kOneToOne;
  std::vector<std::string> matching_labels;  // on(...) / ignoring(...)
  bool on = false;
  std::vector<std::string> include;  // group_left(...) / group_right(...)
};

struct BinaryExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kBinary;
  BinaryExpr() : Expr(kKind) {}
  ValueType type() const override {
    return lhs->type() == ValueType::kScalar && rhs->type() == ValueType::kScalar
               ? ValueType::kScalar
               : ValueType::kVector;
  }
  PosRange pos() const override { return {lhs->pos().start, rhs->pos().end}; }

  BinaryOp op = BinaryOp::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  bool return_bool = false;
  // Set only when both sides are instant vectors (after type checking);
  // set operators are many-to-many.
  std::optional<VectorMatching> matching;
};

struct AggregateExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kAggregate;
  AggregateExpr() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kVector; }
  PosRange pos() const override { return pos_range; }

  AggregateOp op = AggregateOp::kSum;
  ExprPtr expr;
  ExprPtr param;  // set when AggregateHasParam(op)
  std::vector<std::string> grouping;
  bool without = false;
  PosRange pos_range;
};

struct Call final : Expr {
  static constexpr ExprKind kKind = ExprKind::kCall;
  Call() : Expr(kKind) {}
  ValueType type() const override;
  PosRange pos() const override { return pos_range; }

  const Function* func = nullptr;  // never null in a parsed tree
  std::vector<ExprPtr> args;
  PosRange pos_range;
};

struct ParenExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kParen;
  ParenExpr() : Expr(kKind) {}
  ValueType type() const override { return expr->type(); }
  PosRange pos() const override { return pos_range; }

  ExprPtr expr;
  PosRange pos_range;
};

// A deep copy.
ExprPtr Clone(const Expr& e);

}  // namespace vigil::promql
