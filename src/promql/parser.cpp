#include "vigil/promql/parser.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <utility>

#include "go_strings.h"
#include "literals.h"
#include "parser_impl.h"
#include "parser_internal.h"
#include "vigil/model/labels.h"
#include "vigil/promql/functions.h"

namespace vigil::promql {
namespace {

// Binding power of binary operators, lowest first; ^ is right-associative.
int BinaryPrecedence(TokenType t) {
  switch (t) {
    case TokenType::kLor: return 1;
    case TokenType::kLand:
    case TokenType::kLunless: return 2;
    case TokenType::kEqlc:
    case TokenType::kNeq:
    case TokenType::kLte:
    case TokenType::kLss:
    case TokenType::kGte:
    case TokenType::kGtr: return 3;
    case TokenType::kAdd:
    case TokenType::kSub: return 4;
    case TokenType::kMul:
    case TokenType::kDiv:
    case TokenType::kMod:
    case TokenType::kAtan2: return 5;
    case TokenType::kPow: return 6;
    default: return -1;
  }
}
constexpr int kPowPrecedence = 6;

BinaryOp ToBinaryOp(TokenType t) {
  switch (t) {
    case TokenType::kAdd: return BinaryOp::kAdd;
    case TokenType::kSub: return BinaryOp::kSub;
    case TokenType::kMul: return BinaryOp::kMul;
    case TokenType::kDiv: return BinaryOp::kDiv;
    case TokenType::kMod: return BinaryOp::kMod;
    case TokenType::kPow: return BinaryOp::kPow;
    case TokenType::kAtan2: return BinaryOp::kAtan2;
    case TokenType::kEqlc: return BinaryOp::kEqlc;
    case TokenType::kNeq: return BinaryOp::kNeq;
    case TokenType::kGtr: return BinaryOp::kGtr;
    case TokenType::kLss: return BinaryOp::kLss;
    case TokenType::kGte: return BinaryOp::kGte;
    case TokenType::kLte: return BinaryOp::kLte;
    case TokenType::kLand: return BinaryOp::kAnd;
    case TokenType::kLor: return BinaryOp::kOr;
    default: return BinaryOp::kUnless;
  }
}

std::optional<AggregateOp> ToAggregateOp(TokenType t) {
  switch (t) {
    case TokenType::kSum: return AggregateOp::kSum;
    case TokenType::kAvg: return AggregateOp::kAvg;
    case TokenType::kCount: return AggregateOp::kCount;
    case TokenType::kMin: return AggregateOp::kMin;
    case TokenType::kMax: return AggregateOp::kMax;
    case TokenType::kGroup: return AggregateOp::kGroup;
    case TokenType::kStddev: return AggregateOp::kStddev;
    case TokenType::kStdvar: return AggregateOp::kStdvar;
    case TokenType::kTopk: return AggregateOp::kTopk;
    case TokenType::kBottomk: return AggregateOp::kBottomk;
    case TokenType::kCountValues: return AggregateOp::kCountValues;
    case TokenType::kQuantile: return AggregateOp::kQuantile;
    default: return std::nullopt;
  }
}

}  // namespace

bool IsMetricIdentifier(TokenType t) {
  switch (t) {
    case TokenType::kIdentifier:
    case TokenType::kMetricIdentifier:
    case TokenType::kBy:
    case TokenType::kWithout:
    case TokenType::kLand:
    case TokenType::kLor:
    case TokenType::kLunless:
    case TokenType::kOffset:
    case TokenType::kStart:
    case TokenType::kEnd: return true;
    default: return IsAggregator(t);
  }
}

namespace {

// Tokens accepted where a label name is expected in grouping (maybe_label).
bool IsMaybeLabel(TokenType t) {
  switch (t) {
    case TokenType::kBool:
    case TokenType::kGroupLeft:
    case TokenType::kGroupRight:
    case TokenType::kIgnoring:
    case TokenType::kOn:
    case TokenType::kAtan2: return true;
    case TokenType::kWithout: return false;  // not in Prometheus 2.42's list
    default: return IsMetricIdentifier(t);
  }
}

}  // namespace

bool StartsExpr(TokenType t) {
  switch (t) {
    case TokenType::kNumber:
    case TokenType::kString:
    case TokenType::kLeftParen:
    case TokenType::kLeftBrace:
    case TokenType::kAdd:
    case TokenType::kSub: return true;
    default: return IsMetricIdentifier(t);
  }
}

std::optional<Duration> Parser::ParseDurationToken(const Token& t) {
  Result<Duration> d = ParseDurationLiteral(t.val);
  if (!d.ok()) {
    Fail(t.pos, d.status().message());
    return std::nullopt;
  }
  return *d;
}

std::optional<double> Parser::ParseNumberToken(const Token& t) {
  Result<double> v = ParseNumberLiteral(t.val);
  if (!v.ok()) {
    Fail(t.pos, "error parsing number: " + v.status().message());
    return std::nullopt;
  }
  return *v;
}

ExprPtr Parser::ParseExpr(int min_precedence) {
  ExprPtr lhs = ParseUnary();
  if (lhs == nullptr) return nullptr;
  for (;;) {
    int precedence = BinaryPrecedence(Peek().type);
    if (precedence < 0 || precedence < min_precedence) return lhs;
    Token op = Consume();
    lhs = ParseBinaryRhs(std::move(lhs), op, precedence);
    if (lhs == nullptr) return nullptr;
  }
}

ExprPtr Parser::ParseBinaryRhs(ExprPtr lhs, const Token& op, int precedence) {
  auto bin = std::make_unique<BinaryExpr>();
  bin->op = ToBinaryOp(op.type);
  VectorMatching vm;
  if (Peek().type == TokenType::kBool) {
    Consume();
    bin->return_bool = true;
  }
  TokenType t = Peek().type;
  if (t == TokenType::kOn || t == TokenType::kIgnoring) {
    Consume();
    vm.on = t == TokenType::kOn;
    std::optional<std::vector<std::string>> labels = ParseGroupingLabels();
    if (!labels) return nullptr;
    vm.matching_labels = std::move(*labels);
    t = Peek().type;
    if (t == TokenType::kGroupLeft || t == TokenType::kGroupRight) {
      Consume();
      vm.card = t == TokenType::kGroupLeft ? Cardinality::kManyToOne : Cardinality::kOneToMany;
      if (Peek().type == TokenType::kLeftParen) {
        std::optional<std::vector<std::string>> include = ParseGroupingLabels();
        if (!include) return nullptr;
        vm.include = std::move(*include);
      } else if (!StartsExpr(Peek().type)) {
        return Unexpected(Peek(), "grouping opts", "\"(\"");
      }
    }
  }
  bin->matching = std::move(vm);
  // ^ is right-associative; the others are left-associative.
  ExprPtr rhs = ParseExpr(precedence == kPowPrecedence ? precedence : precedence + 1);
  if (rhs == nullptr) return nullptr;
  bin->lhs = std::move(lhs);
  bin->rhs = std::move(rhs);
  return bin;
}

ExprPtr Parser::ParseUnary() {
  TokenType t = Peek().type;
  if (t != TokenType::kAdd && t != TokenType::kSub) return ParsePostfix(ParsePrimary());
  Token op = Consume();
  // Unary operators bind like '*': tighter than every binary operator but '^'.
  ExprPtr operand = ParseExpr(kPowPrecedence);
  if (operand == nullptr) return nullptr;
  if (auto* num = AsIf<NumberLiteral>(operand.get())) {
    if (op.type == TokenType::kSub) num->value = -num->value;
    num->pos_range.start = op.pos;
    return operand;
  }
  auto unary = std::make_unique<UnaryExpr>();
  unary->op = op.type == TokenType::kSub ? UnaryOp::kMinus : UnaryOp::kPlus;
  unary->expr = std::move(operand);
  unary->start_pos = op.pos;
  return unary;
}

ExprPtr Parser::ParsePrimary() {
  const Token& t = Peek();
  switch (t.type) {
    case TokenType::kNumber: {
      Token tok = Consume();
      std::optional<double> v = ParseNumberToken(tok);
      if (!v) return nullptr;
      auto num = std::make_unique<NumberLiteral>();
      num->value = *v;
      num->pos_range = {tok.pos, tok.end()};
      return num;
    }
    case TokenType::kString: {
      Token tok = Consume();
      Result<std::string> v = GoUnquote(tok.val);
      if (!v.ok()) {
        return Fail(tok.pos, "error unquoting string " + GoQuote(tok.val) + ": " +
                                 v.status().message());
      }
      auto str = std::make_unique<StringLiteral>();
      str->value = std::move(*v);
      str->pos_range = {tok.pos, tok.end()};
      return str;
    }
    case TokenType::kLeftParen: {
      Token open = Consume();
      ExprPtr inner = ParseExpr(0);
      if (inner == nullptr) return nullptr;
      if (Peek().type != TokenType::kRightParen) return Unexpected(Peek(), GenericContext(), "");
      Token close = Consume();
      auto paren = std::make_unique<ParenExpr>();
      paren->expr = std::move(inner);
      paren->pos_range = {open.pos, close.end()};
      return paren;
    }
    case TokenType::kLeftBrace: return ParseSelector();
    case TokenType::kIdentifier: {
      // A name followed by '(' is a call; otherwise a metric name. Peek past
      // the name needs the name consumed first.
      Token name = Consume();
      if (Peek().type == TokenType::kLeftParen) return ParseCall(name);
      return ParseNamedSelector(name);
    }
    default: break;
  }
  if (std::optional<AggregateOp> agg = ToAggregateOp(t.type)) {
    Token op = Consume();
    TokenType next = Peek().type;
    if (next == TokenType::kLeftParen || next == TokenType::kBy ||
        next == TokenType::kWithout) {
      return ParseAggregate(op, *agg);
    }
    return ParseNamedSelector(op);
  }
  if (IsMetricIdentifier(t.type)) return ParseSelector();
  return Unexpected(t, GenericContext(), "");
}

std::optional<std::vector<std::string>> Parser::ParseGroupingLabels() {
  if (Peek().type != TokenType::kLeftParen) {
    Unexpected(Peek(), "grouping opts", "\"(\"");
    return std::nullopt;
  }
  Consume();
  std::vector<std::string> labels;
  if (Peek().type == TokenType::kRightParen) {
    Consume();
    return labels;
  }
  for (;;) {
    const Token& t = Peek();
    if (!IsMaybeLabel(t.type) || !model::IsValidLabelName(t.val)) {
      Unexpected(t, "grouping opts", "label");
      return std::nullopt;
    }
    labels.emplace_back(Consume().val);
    if (Peek().type == TokenType::kComma) {
      Consume();
      if (Peek().type == TokenType::kRightParen) break;
      continue;
    }
    if (Peek().type == TokenType::kRightParen) break;
    Unexpected(Peek(), "grouping opts", "\",\" or \")\"");
    return std::nullopt;
  }
  Consume();
  return labels;
}

bool Parser::ParseCallArgs(std::vector<ExprPtr>* args, int* close_end) {
  Consume();  // '('
  if (Peek().type != TokenType::kRightParen) {
    for (;;) {
      ExprPtr arg = ParseExpr(0);
      if (arg == nullptr) return false;
      args->push_back(std::move(arg));
      if (Peek().type == TokenType::kComma) {
        Token comma = Consume();
        // Anything but the start of another argument makes the comma a
        // trailing one, as in Prometheus's grammar.
        if (!StartsExpr(Peek().type)) {
          Fail(comma.pos, "trailing commas not allowed in function call args");
          return false;
        }
        continue;
      }
      if (Peek().type == TokenType::kRightParen) break;
      Unexpected(Peek(), GenericContext(), "");
      return false;
    }
  }
  *close_end = Consume().end();
  return true;
}

ExprPtr Parser::ParseCall(const Token& name) {
  auto call = std::make_unique<Call>();
  int close_end = 0;
  if (!ParseCallArgs(&call->args, &close_end)) return nullptr;
  call->func = LookupFunction(name.val);
  if (call->func == nullptr) {
    return Fail(name.pos, "unknown function with name " + GoQuote(name.val));
  }
  call->pos_range = {name.pos, close_end};
  return call;
}

ExprPtr Parser::ParseAggregate(const Token& op_token, AggregateOp op) {
  auto agg = std::make_unique<AggregateExpr>();
  agg->op = op;
  bool have_modifier = false;
  int end = 0;
  ++aggregation_depth_;
  TokenType t = Peek().type;
  if (t == TokenType::kBy || t == TokenType::kWithout) {
    Consume();
    std::optional<std::vector<std::string>> labels = ParseGroupingLabels();
    if (!labels) return nullptr;
    agg->grouping = std::move(*labels);
    agg->without = t == TokenType::kWithout;
    have_modifier = true;
    if (Peek().type != TokenType::kLeftParen) return Unexpected(Peek(), "aggregation", "");
  }
  std::vector<ExprPtr> args;
  if (!ParseCallArgs(&args, &end)) return nullptr;
  --aggregation_depth_;
  t = Peek().type;
  if (!have_modifier && (t == TokenType::kBy || t == TokenType::kWithout)) {
    Consume();
    std::optional<std::vector<std::string>> labels = ParseGroupingLabels();
    if (!labels) return nullptr;
    agg->grouping = std::move(*labels);
    agg->without = t == TokenType::kWithout;
    end = last_end_;  // the grouping list's ')'
  }
  agg->pos_range = {op_token.pos, end};
  if (args.empty()) return Fail(op_token.pos, "no arguments for aggregate expression provided");
  size_t want = AggregateHasParam(op) ? 2 : 1;
  if (args.size() != want) {
    return Fail(op_token.pos, "wrong number of arguments for aggregate expression provided, "
                              "expected " + std::to_string(want) + ", got " +
                                  std::to_string(args.size()));
  }
  if (want == 2) agg->param = std::move(args[0]);
  agg->expr = std::move(args[want - 1]);
  return agg;
}

namespace {

Status ToStatus(std::string_view input, const ParseErrorDetail& err, ParseErrorDetail* detail) {
  if (detail != nullptr) *detail = err;
  return InvalidArgument(FormatParseError(input, err.pos.start, err.message));
}

}  // namespace

std::string FormatParseError(std::string_view input, int pos, std::string_view message) {
  std::string prefix;
  if (pos < 0 || static_cast<size_t>(pos) > input.size()) {
    prefix = "invalid position:";
  } else {
    int line = 1;
    int last_line_break = -1;
    for (int i = 0; i < pos; ++i) {
      if (input[i] == '\n') {
        last_line_break = i;
        ++line;
      }
    }
    prefix = std::to_string(line) + ":" + std::to_string(pos - last_line_break) + ":";
  }
  return prefix + " parse error: " + std::string(message);
}

Result<ExprPtr> ParseExpr(std::string_view input, ParseErrorDetail* detail) {
  Parser parser(input);
  ExprPtr e = parser.ParseTop();
  if (parser.error()) return ToStatus(input, *parser.error(), detail);
  if (std::optional<ParseErrorDetail> err = CheckAst(*e, input)) {
    return ToStatus(input, *err, detail);
  }
  return e;
}

Result<std::vector<model::Matcher>> ParseMetricSelector(std::string_view input,
                                                        ParseErrorDetail* detail) {
  Parser parser(input);
  std::unique_ptr<VectorSelector> vs = parser.ParseSelectorTop();
  if (parser.error()) return ToStatus(input, *parser.error(), detail);
  return std::move(vs->matchers);
}

}  // namespace vigil::promql
