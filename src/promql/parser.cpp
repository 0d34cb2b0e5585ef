#include "vigil/promql/parser.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <utility>

#include "go_strings.h"
#include "lexer.h"
#include "literals.h"
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

// Tokens the grammar accepts as a metric name (metric_identifier).
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

// Tokens that can begin an expression.
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

// Rewrites the model's RE2 compile error ("error parsing regexp: <RE2 code>:
// <fragment>: `<pattern>`") in the words of Go's regexp package, which
// Prometheus reports: "error parsing regexp: <Go code>: `<fragment>`".
std::string GoRegexpError(std::string message, std::string_view pattern) {
  constexpr std::string_view kPrefix = "error parsing regexp: ";
  std::string suffix = ": `" + std::string(pattern) + "`";
  if (!message.starts_with(kPrefix) || !message.ends_with(suffix)) return message;
  std::string_view re2 = std::string_view(message).substr(
      kPrefix.size(), message.size() - kPrefix.size() - suffix.size());
  size_t colon = re2.find(": ");
  if (colon == std::string_view::npos) return message;
  std::string_view code = re2.substr(0, colon);
  std::string_view fragment = re2.substr(colon + 2);
  static constexpr std::pair<std::string_view, std::string_view> kCodes[] = {
      {"missing ]", "missing closing ]"},
      {"missing )", "missing closing )"},
      {"trailing \\", "trailing backslash at end of expression"},
      {"no argument for repetition operator", "missing argument to repetition operator"},
      {"invalid repetition size", "invalid repeat count"},
      {"bad repetition operator", "invalid nested repetition operator"},
      {"invalid perl operator", "invalid or unsupported Perl syntax"},
      {"invalid named capture group", "invalid named capture"},
  };
  for (const auto& [from, to] : kCodes) {
    if (code == from) code = to;
  }
  return std::string(kPrefix) + std::string(code) + ": `" + std::string(fragment) + "`";
}

std::string FormatGoFloat(double v) {
  // Go's %f.
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  std::snprintf(buf, sizeof buf, "%f", v);
  return buf;
}

class Parser {
 public:
  explicit Parser(std::string_view input) : input_(input), lex_(input) {}

  ExprPtr ParseTop() {
    if (Peek().type == TokenType::kEof) {
      return Fail(0, "no expression found in input");
    }
    ExprPtr e = ParseExpr(0);
    if (e == nullptr) return nullptr;
    if (Peek().type != TokenType::kEof) return Unexpected(Peek(), "", "");
    return e;
  }

  std::unique_ptr<VectorSelector> ParseSelectorTop() {
    const Token& t = Peek();
    if (!IsMetricIdentifier(t.type) && t.type != TokenType::kLeftBrace) {
      Unexpected(t, "", "");
      return nullptr;
    }
    std::unique_ptr<VectorSelector> vs = ParseSelector();
    if (vs == nullptr) return nullptr;
    if (Peek().type != TokenType::kEof) {
      Unexpected(Peek(), "", "");
      return nullptr;
    }
    return vs;
  }

  const std::optional<ParseErrorDetail>& error() const { return error_; }

 private:
  // The lookahead token (comments skipped); a lexer error is recorded as
  // soon as it is read, as Prometheus does.
  const Token& Peek() {
    if (!have_peek_) {
      do {
        peek_ = lex_.Next();
      } while (peek_.type == TokenType::kComment);
      have_peek_ = true;
      if (peek_.type == TokenType::kError) Fail(peek_.pos, peek_.error);
    }
    return peek_;
  }

  Token Consume() {
    Peek();
    have_peek_ = false;
    last_end_ = peek_.end();
    return std::move(peek_);
  }

  std::nullptr_t Fail(int pos, std::string message) {
    if (!error_) error_ = ParseErrorDetail{{pos, pos}, std::move(message)};
    return nullptr;
  }

  // "unexpected <token>[ in <context>][, expected <expected>]".
  std::nullptr_t Unexpected(const Token& t, std::string_view context,
                            std::string_view expected) {
    if (t.type == TokenType::kError) return Fail(t.pos, t.error);
    std::string msg = "unexpected " + DescribeToken(t);
    if (!context.empty()) msg += " in " + std::string(context);
    if (!expected.empty()) msg += ", expected " + std::string(expected);
    return Fail(t.pos, std::move(msg));
  }

  // Where no grammar rule has its own error message, Prometheus reports the
  // innermost aggregation around the error, if any.
  std::string_view GenericContext() const { return aggregation_depth_ > 0 ? "aggregation" : ""; }

  ExprPtr ParseExpr(int min_precedence);
  ExprPtr ParseUnary();
  ExprPtr ParsePrimary();
  ExprPtr ParsePostfix(ExprPtr e);
  ExprPtr ParseRangeOrSubquery(ExprPtr e, const Token& open);
  bool ParseOffset(Expr& e);
  bool ParseAt(Expr& e);
  ExprPtr ParseBinaryRhs(ExprPtr lhs, const Token& op, int precedence);
  // A selector at the lookahead: a metric name and/or {matchers}.
  std::unique_ptr<VectorSelector> ParseSelector();
  std::unique_ptr<VectorSelector> ParseNamedSelector(const Token& name);
  bool ParseLabelMatchers(VectorSelector& vs);
  std::optional<std::vector<std::string>> ParseGroupingLabels();
  // Parses "(args)"; the '(' is the lookahead. Returns false on error.
  bool ParseCallArgs(std::vector<ExprPtr>* args, int* close_end);
  ExprPtr ParseCall(const Token& name);
  ExprPtr ParseAggregate(const Token& op_token, AggregateOp op);
  std::optional<Duration> ParseDurationToken(const Token& t);
  std::optional<double> ParseNumberToken(const Token& t);

  std::string_view input_;
  Lexer lex_;
  Token peek_;
  bool have_peek_ = false;
  int aggregation_depth_ = 0;
  int last_end_ = 0;  // end of the last consumed token
  std::optional<ParseErrorDetail> error_;
};

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

std::unique_ptr<VectorSelector> Parser::ParseSelector() {
  auto vs = std::make_unique<VectorSelector>();
  if (Peek().type == TokenType::kLeftBrace) {
    if (!ParseLabelMatchers(*vs)) return nullptr;
    return vs;
  }
  return ParseNamedSelector(Consume());
}

std::unique_ptr<VectorSelector> Parser::ParseNamedSelector(const Token& name) {
  auto vs = std::make_unique<VectorSelector>();
  vs->name = std::string(name.val);
  vs->pos_range = {name.pos, name.end()};
  if (Peek().type == TokenType::kLeftBrace && !ParseLabelMatchers(*vs)) return nullptr;
  // As Prometheus: the name becomes the last matcher.
  vs->matchers.push_back(*model::Matcher::Make(model::MatchType::kEqual,
                                               std::string(model::kMetricName), vs->name));
  return vs;
}

bool Parser::ParseLabelMatchers(VectorSelector& vs) {
  Token open = Consume();
  if (vs.name.empty()) vs.pos_range.start = open.pos;
  if (Peek().type != TokenType::kRightBrace) {
    for (;;) {
      if (Peek().type != TokenType::kIdentifier) {
        Unexpected(Peek(), "label matching", "identifier or \"}\"");
        return false;
      }
      Token label = Consume();
      model::MatchType type;
      switch (Peek().type) {
        case TokenType::kEql: type = model::MatchType::kEqual; break;
        case TokenType::kNeq: type = model::MatchType::kNotEqual; break;
        case TokenType::kEqlRegex: type = model::MatchType::kRegexMatch; break;
        case TokenType::kNeqRegex: type = model::MatchType::kRegexNoMatch; break;
        default:
          Unexpected(Peek(), "label matching", "label matching operator");
          return false;
      }
      Consume();
      if (Peek().type != TokenType::kString) {
        Unexpected(Peek(), "label matching", "string");
        return false;
      }
      Token value = Consume();
      Result<std::string> unquoted = GoUnquote(value.val);
      if (!unquoted.ok()) {
        Fail(value.pos, "error unquoting string " + GoQuote(value.val) + ": " +
                            unquoted.status().message());
        return false;
      }
      std::string unquoted_value = *unquoted;
      Result<model::Matcher> m =
          model::Matcher::Make(type, std::string(label.val), std::move(*unquoted));
      if (!m.ok()) {
        Fail(label.pos, GoRegexpError(m.status().message(), unquoted_value));
        return false;
      }
      vs.matchers.push_back(std::move(*m));
      if (Peek().type == TokenType::kComma) {
        Consume();
        if (Peek().type == TokenType::kRightBrace) break;
        continue;
      }
      if (Peek().type == TokenType::kRightBrace) break;
      Unexpected(Peek(), "label matching", "\",\" or \"}\"");
      return false;
    }
  }
  Token close = Consume();
  vs.pos_range.end = close.end();
  return true;
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

ExprPtr Parser::ParsePostfix(ExprPtr e) {
  while (e != nullptr) {
    switch (Peek().type) {
      case TokenType::kLeftBracket: {
        Token open = Consume();
        e = ParseRangeOrSubquery(std::move(e), open);
        break;
      }
      case TokenType::kOffset:
        Consume();
        if (!ParseOffset(*e)) return nullptr;
        break;
      case TokenType::kAt:
        Consume();
        if (!ParseAt(*e)) return nullptr;
        break;
      default: return e;
    }
  }
  return e;
}

ExprPtr Parser::ParseRangeOrSubquery(ExprPtr e, const Token& open) {
  if (Peek().type != TokenType::kDuration) {
    return Unexpected(Peek(), "subquery selector", "duration");
  }
  std::optional<Duration> range = ParseDurationToken(Consume());
  if (!range) return nullptr;
  if (Peek().type == TokenType::kRightBracket) {
    Token close = Consume();
    auto* vs = AsIf<VectorSelector>(e.get());
    if (vs == nullptr) return Fail(open.pos, "ranges only allowed for vector selectors");
    if (vs->offset.count() != 0) return Fail(open.pos, "no offset modifiers allowed before range");
    if (vs->at.kind == AtKind::kTimestamp) {
      return Fail(open.pos, "no @ modifiers allowed before range");
    }
    auto ms = std::make_unique<MatrixSelector>();
    ms->selector.reset(static_cast<VectorSelector*>(e.release()));
    ms->range = *range;
    ms->end_pos = close.end();
    return ms;
  }
  if (Peek().type != TokenType::kColon) {
    return Unexpected(Peek(), "subquery or range", "\":\" or \"]\"");
  }
  Consume();
  Duration step{0};
  if (Peek().type == TokenType::kDuration) {
    std::optional<Duration> s = ParseDurationToken(Consume());
    if (!s) return nullptr;
    step = *s;
    if (Peek().type != TokenType::kRightBracket) {
      return Unexpected(Peek(), "subquery selector", "\"]\"");
    }
  } else if (Peek().type != TokenType::kRightBracket) {
    return Unexpected(Peek(), "subquery selector", "duration or \"]\"");
  }
  Token close = Consume();
  auto sq = std::make_unique<SubqueryExpr>();
  sq->expr = std::move(e);
  sq->range = *range;
  sq->step = step;
  sq->end_pos = close.end();
  return sq;
}

bool Parser::ParseOffset(Expr& e) {
  bool negative = false;
  if (Peek().type == TokenType::kSub) {
    Consume();
    negative = true;
  }
  if (Peek().type != TokenType::kDuration) {
    Unexpected(Peek(), "offset", "duration");
    return false;
  }
  Token tok = Consume();
  std::optional<Duration> d = ParseDurationToken(tok);
  if (!d) return false;
  Duration offset = negative ? -*d : *d;
  Duration* target = nullptr;
  int* end = nullptr;
  if (auto* vs = AsIf<VectorSelector>(&e)) {
    target = &vs->offset;
    end = &vs->pos_range.end;
  } else if (auto* ms = AsIf<MatrixSelector>(&e)) {
    target = &ms->selector->offset;
    end = &ms->end_pos;
  } else if (auto* sq = AsIf<SubqueryExpr>(&e)) {
    target = &sq->offset;
    end = &sq->end_pos;
  } else {
    Fail(e.pos().start,
         "offset modifier must be preceded by an instant vector selector or range vector "
         "selector or a subquery");
    return false;
  }
  if (target->count() != 0) {
    Fail(e.pos().start, "offset may not be set multiple times");
    return false;
  }
  *target = offset;
  *end = tok.end();
  return true;
}

bool Parser::ParseAt(Expr& e) {
  AtModifier at;
  const Token& t = Peek();
  if (t.type == TokenType::kStart || t.type == TokenType::kEnd) {
    at.kind = t.type == TokenType::kStart ? AtKind::kStart : AtKind::kEnd;
    Consume();
    if (Peek().type != TokenType::kLeftParen) {
      Unexpected(Peek(), "@", "timestamp");
      return false;
    }
    Consume();
    if (Peek().type != TokenType::kRightParen) {
      Unexpected(Peek(), "@", "timestamp");
      return false;
    }
    Consume();
  } else {
    bool negative = false;
    if (t.type == TokenType::kAdd || t.type == TokenType::kSub) {
      negative = t.type == TokenType::kSub;
      Consume();
    }
    if (Peek().type != TokenType::kNumber) {
      Unexpected(Peek(), "@", "timestamp");
      return false;
    }
    std::optional<double> v = ParseNumberToken(Consume());
    if (!v) return false;
    double ts = negative ? -*v : *v;
    if (std::isinf(ts) || std::isnan(ts) ||
        ts >= static_cast<double>(std::numeric_limits<int64_t>::max()) ||
        ts <= static_cast<double>(std::numeric_limits<int64_t>::min())) {
      Fail(e.pos().start, "timestamp out of bounds for @ modifier: " + FormatGoFloat(ts));
      return false;
    }
    at.kind = AtKind::kTimestamp;
    at.timestamp_ms = static_cast<int64_t>(std::round(ts * 1000));
  }
  AtModifier* target = nullptr;
  int* end = nullptr;
  if (auto* vs = AsIf<VectorSelector>(&e)) {
    target = &vs->at;
    end = &vs->pos_range.end;
  } else if (auto* ms = AsIf<MatrixSelector>(&e)) {
    target = &ms->selector->at;
    end = &ms->end_pos;
  } else if (auto* sq = AsIf<SubqueryExpr>(&e)) {
    target = &sq->at;
    end = &sq->end_pos;
  } else {
    Fail(e.pos().start,
         "@ modifier must be preceded by an instant vector selector or range vector selector or "
         "a subquery");
    return false;
  }
  if (target->has_value()) {
    Fail(e.pos().start, "@ <timestamp> may not be set multiple times");
    return false;
  }
  *target = at;
  *end = last_end_;
  return true;
}

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
