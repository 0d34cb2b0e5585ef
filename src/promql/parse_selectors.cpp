// The selector half of the parser: vector selectors and label matchers,
// ranges, subqueries, and the offset and @ modifiers.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <utility>

#include "go_strings.h"
#include "literals.h"
#include "parser_impl.h"
#include "vigil/model/labels.h"

namespace vigil::promql {
namespace {

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

}  // namespace

std::string FormatGoFloat(double v) {
  // Go's %f.
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  std::snprintf(buf, sizeof buf, "%f", v);
  return buf;
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
    // Bounds are checked in seconds, as Prometheus does, so the milliseconds
    // can overflow; Go's conversion then gives the minimum int64 (on amd64),
    // where a C++ cast would be undefined.
    double ms = std::round(ts * 1000);
    at.timestamp_ms = ms >= -0x1p63 && ms < 0x1p63 ? static_cast<int64_t>(ms)
                                                   : std::numeric_limits<int64_t>::min();
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

}  // namespace vigil::promql
