// The PromQL parser's internals: the recursive-descent Parser over the
// lexer's tokens, shared by parser.cpp (expressions, calls, aggregations)
// and parse_selectors.cpp (selectors, ranges, subqueries, offset and @).
// Each grammar rule reports errors in the words Prometheus 2.42's generated
// parser uses for the same input; the first error wins.
// Thread-safety: a Parser is used by one thread for one input.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lexer.h"
#include "vigil/promql/ast.h"
#include "vigil/promql/parser.h"

namespace vigil::promql {

// Tokens the grammar accepts as a metric name (metric_identifier).
bool IsMetricIdentifier(TokenType t);
// Tokens that can begin an expression.
bool StartsExpr(TokenType t);
// Go's %f, with "+Inf", "-Inf" and "NaN".
std::string FormatGoFloat(double v);

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

}  // namespace vigil::promql
