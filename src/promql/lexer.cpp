#include "lexer.h"

#include <array>
#include <utility>

#include "go_strings.h"

namespace vigil::promql {
namespace {

bool IsSpace(int r) { return r == ' ' || r == '\t' || r == '\n' || r == '\r'; }
bool IsAlpha(int r) { return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'); }
bool IsDigit(int r) { return r >= '0' && r <= '9'; }
bool IsAlphaNumeric(int r) { return IsAlpha(r) || IsDigit(r); }
bool IsEndOfLine(int r) { return r == '\r' || r == '\n'; }

struct Keyword {
  std::string_view word;
  TokenType type;
};

constexpr std::array<Keyword, 29> kKeywords = {{
    {"and", TokenType::kLand},
    {"or", TokenType::kLor},
    {"unless", TokenType::kLunless},
    {"atan2", TokenType::kAtan2},
    {"sum", TokenType::kSum},
    {"avg", TokenType::kAvg},
    {"count", TokenType::kCount},
    {"min", TokenType::kMin},
    {"max", TokenType::kMax},
    {"group", TokenType::kGroup},
    {"stddev", TokenType::kStddev},
    {"stdvar", TokenType::kStdvar},
    {"topk", TokenType::kTopk},
    {"bottomk", TokenType::kBottomk},
    {"count_values", TokenType::kCountValues},
    {"quantile", TokenType::kQuantile},
    {"offset", TokenType::kOffset},
    {"by", TokenType::kBy},
    {"without", TokenType::kWithout},
    {"on", TokenType::kOn},
    {"ignoring", TokenType::kIgnoring},
    {"group_left", TokenType::kGroupLeft},
    {"group_right", TokenType::kGroupRight},
    {"bool", TokenType::kBool},
    {"start", TokenType::kStart},
    {"end", TokenType::kEnd},
    {"inf", TokenType::kNumber},
    {"nan", TokenType::kNumber},
    {"", TokenType::kEof},  // sentinel
}};

bool EqualsLower(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// The fixed text of token types Prometheus lists in ItemTypeStr.
std::string_view FixedText(TokenType t) {
  switch (t) {
    case TokenType::kLeftParen: return "(";
    case TokenType::kRightParen: return ")";
    case TokenType::kLeftBrace: return "{";
    case TokenType::kRightBrace: return "}";
    case TokenType::kLeftBracket: return "[";
    case TokenType::kRightBracket: return "]";
    case TokenType::kComma: return ",";
    case TokenType::kEql: return "=";
    case TokenType::kColon: return ":";
    default: return {};
  }
}

// Item.String() for tokens that are not identifiers.
std::string ItemString(const Token& t) {
  if (IsKeyword(t.type)) return "<" + std::string(t.val) + ">";
  if (IsOperator(t.type)) return "<op:" + std::string(t.val) + ">";
  if (IsAggregator(t.type)) return "<aggr:" + std::string(t.val) + ">";
  // %.10q counts runes; ASCII-only lengths match Go's len() for the test.
  if (t.val.size() > 10) return GoQuotePrefix(t.val, 10) + "...";
  return GoQuote(t.val);
}

}  // namespace

bool IsOperator(TokenType t) { return t >= TokenType::kAdd && t <= TokenType::kAt; }
bool IsAggregator(TokenType t) { return t >= TokenType::kAvg && t <= TokenType::kTopk; }
bool IsKeyword(TokenType t) { return t >= TokenType::kBool && t <= TokenType::kWithout; }

std::string DescribeToken(const Token& t) {
  bool listed = !FixedText(t.type).empty() || IsOperator(t.type) || IsAggregator(t.type) ||
                IsKeyword(t.type) || t.type == TokenType::kStart || t.type == TokenType::kEnd;
  // Prometheus 2.42 leaves '@' out of its table of token texts, so its
  // description falls back to the generated token number.
  if (t.type == TokenType::kAt) return "\"<Item 57385>\" " + ItemString(t);
  if (listed) return ItemString(t);
  switch (t.type) {
    case TokenType::kEof: return "end of input";
    case TokenType::kError: return "error " + t.error;
    case TokenType::kComment: return "comment " + ItemString(t);
    case TokenType::kIdentifier: return "identifier " + GoQuote(t.val);
    case TokenType::kMetricIdentifier: return "metric identifier " + GoQuote(t.val);
    case TokenType::kString: return "string " + ItemString(t);
    case TokenType::kNumber: return "number " + ItemString(t);
    case TokenType::kDuration: return "duration " + ItemString(t);
    default: return ItemString(t);
  }
}

int Lexer::NextRune() {
  if (pos_ >= in_.size()) {
    width_ = 0;
    return kEofRune;
  }
  size_t w;
  char32_t r = DecodeRune(in_, pos_, &w);
  width_ = w;
  pos_ += w;
  return static_cast<int>(r);
}

int Lexer::Peek() {
  int r = NextRune();
  Backup();
  return r;
}

bool Lexer::Accept(std::string_view valid) {
  int r = NextRune();
  if (r >= 0 && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) {
    return true;
  }
  Backup();
  return false;
}

void Lexer::AcceptRun(std::string_view valid) {
  while (Accept(valid)) {
  }
}

void Lexer::Emit(TokenType type) {
  out_->type = type;
  out_->pos = static_cast<int>(start_);
  out_->val = in_.substr(start_, pos_ - start_);
  out_->error.clear();
  start_ = pos_;
  scanned_ = true;
}

void Lexer::Errorf(std::string message) {
  out_->type = TokenType::kError;
  out_->pos = static_cast<int>(start_);
  out_->val = {};
  out_->error = std::move(message);
  scanned_ = true;
}

Token Lexer::Next() {
  Token t;
  out_ = &t;
  scanned_ = false;
  if (state_ == State::kDone) {
    Emit(TokenType::kEof);
    return t;
  }
  while (!scanned_) {
    switch (state_) {
      case State::kStatements: state_ = LexStatements(); break;
      case State::kInsideBraces: state_ = LexInsideBraces(); break;
      case State::kDuration: state_ = LexDuration(); break;
      case State::kDone: Emit(TokenType::kEof); break;
    }
  }
  if (t.type == TokenType::kError) state_ = State::kDone;
  return t;
}

Lexer::State Lexer::LexStatements() {
  if (brace_open_) return LexInsideBraces();
  if (in_.substr(pos_).starts_with('#')) return LexLineComment(State::kStatements);
  int r = NextRune();
  if (r == kEofRune) {
    if (paren_depth_ != 0) {
      Errorf("unclosed left parenthesis");
      return State::kDone;
    }
    if (bracket_open_) {
      Errorf("unclosed left bracket");
      return State::kDone;
    }
    Emit(TokenType::kEof);
    return State::kDone;
  }
  switch (r) {
    case ',': Emit(TokenType::kComma); return State::kStatements;
    case '*': Emit(TokenType::kMul); return State::kStatements;
    case '/': Emit(TokenType::kDiv); return State::kStatements;
    case '%': Emit(TokenType::kMod); return State::kStatements;
    case '+': Emit(TokenType::kAdd); return State::kStatements;
    case '-': Emit(TokenType::kSub); return State::kStatements;
    case '^': Emit(TokenType::kPow); return State::kStatements;
    case '@': Emit(TokenType::kAt); return State::kStatements;
    case '=': {
      int t = Peek();
      if (t == '=') {
        NextRune();
        Emit(TokenType::kEqlc);
      } else if (t == '~') {
        Errorf("unexpected character after '=': " + GoQuoteRune(static_cast<char32_t>(t)));
        return State::kDone;
      } else {
        Emit(TokenType::kEql);
      }
      return State::kStatements;
    }
    case '!': {
      int t = NextRune();
      if (t != '=') {
        Errorf("unexpected character after '!': " +
               GoQuoteRune(t == kEofRune ? kRuneError : static_cast<char32_t>(t)));
        return State::kDone;
      }
      Emit(TokenType::kNeq);
      return State::kStatements;
    }
    case '<':
      if (Peek() == '=') {
        NextRune();
        Emit(TokenType::kLte);
      } else {
        Emit(TokenType::kLss);
      }
      return State::kStatements;
    case '>':
      if (Peek() == '=') {
        NextRune();
        Emit(TokenType::kGte);
      } else {
        Emit(TokenType::kGtr);
      }
      return State::kStatements;
    case '"':
    case '\'': return LexString(static_cast<char>(r), State::kStatements);
    case '`': return LexRawString(State::kStatements);
    case '(':
      Emit(TokenType::kLeftParen);
      ++paren_depth_;
      return State::kStatements;
    case ')':
      Emit(TokenType::kRightParen);
      --paren_depth_;
      if (paren_depth_ < 0) {
        Errorf("unexpected right parenthesis ')'");
        return State::kDone;
      }
      return State::kStatements;
    case '{':
      Emit(TokenType::kLeftBrace);
      brace_open_ = true;
      return State::kInsideBraces;
    case '[':
      if (bracket_open_) {
        Errorf("unexpected left bracket '['");
        return State::kDone;
      }
      got_colon_ = false;
      Emit(TokenType::kLeftBracket);
      while (IsSpace(Peek())) NextRune();
      start_ = pos_;
      bracket_open_ = true;
      return State::kDuration;
    case ']':
      if (!bracket_open_) {
        Errorf("unexpected right bracket ']'");
        return State::kDone;
      }
      Emit(TokenType::kRightBracket);
      bracket_open_ = false;
      return State::kStatements;
    default: break;
  }
  if (IsSpace(r)) return LexSpace(State::kStatements);
  if (IsDigit(r) || (r == '.' && IsDigit(Peek()))) {
    Backup();
    return LexNumberOrDuration();
  }
  if (IsAlpha(r) || r == ':') {
    if (!bracket_open_) {
      Backup();
      return LexKeywordOrIdentifier();
    }
    // Inside brackets any letter or ':' is taken for the subquery colon, as
    // Prometheus 2.42 does.
    if (got_colon_) {
      Errorf("unexpected colon " + GoQuoteRune(static_cast<char32_t>(r)));
      return State::kDone;
    }
    Emit(TokenType::kColon);
    got_colon_ = true;
    return State::kStatements;
  }
  Errorf("unexpected character: " + GoQuoteRune(static_cast<char32_t>(r)));
  return State::kDone;
}

Lexer::State Lexer::LexInsideBraces() {
  if (in_.substr(pos_).starts_with('#')) return LexLineComment(State::kStatements);
  int r = NextRune();
  if (r == kEofRune) {
    Errorf("unexpected end of input inside braces");
    return State::kDone;
  }
  if (IsSpace(r)) return LexSpace(State::kStatements);
  if (IsAlpha(r)) {
    Backup();
    return LexIdentifier();
  }
  switch (r) {
    case ',': Emit(TokenType::kComma); return State::kInsideBraces;
    case '"':
    case '\'': return LexString(static_cast<char>(r), State::kInsideBraces);
    case '`': return LexRawString(State::kInsideBraces);
    case '=':
      if (NextRune() == '~') {
        Emit(TokenType::kEqlRegex);
      } else {
        Backup();
        Emit(TokenType::kEql);
      }
      return State::kInsideBraces;
    case '!': {
      int nr = NextRune();
      if (nr == '~') {
        Emit(TokenType::kNeqRegex);
      } else if (nr == '=') {
        Emit(TokenType::kNeq);
      } else {
        Errorf("unexpected character after '!' inside braces: " +
               GoQuoteRune(nr == kEofRune ? kRuneError : static_cast<char32_t>(nr)));
        return State::kDone;
      }
      return State::kInsideBraces;
    }
    case '{':
      Errorf("unexpected left brace '{'");
      return State::kDone;
    case '}':
      Emit(TokenType::kRightBrace);
      brace_open_ = false;
      return State::kStatements;
    default:
      Errorf("unexpected character inside braces: " + GoQuoteRune(static_cast<char32_t>(r)));
      return State::kDone;
  }
}

Lexer::State Lexer::LexDuration() {
  if (ScanNumber()) {
    Errorf("missing unit character in duration");
    return State::kDone;
  }
  if (!AcceptRemainingDuration()) {
    Errorf("bad duration syntax: " + GoQuote(in_.substr(start_, pos_ - start_)));
    return State::kDone;
  }
  Backup();
  Emit(TokenType::kDuration);
  return State::kStatements;
}

Lexer::State Lexer::LexNumberOrDuration() {
  if (ScanNumber()) {
    Emit(TokenType::kNumber);
    return State::kStatements;
  }
  if (AcceptRemainingDuration()) {
    Backup();
    Emit(TokenType::kDuration);
    return State::kStatements;
  }
  Errorf("bad number or duration syntax: " + GoQuote(in_.substr(start_, pos_ - start_)));
  return State::kDone;
}

bool Lexer::AcceptRemainingDuration() {
  if (!Accept("smhdwy")) return false;
  Accept("s");  // "ms"; bad units like "hs" fail when the duration is parsed
  while (Accept("0123456789")) {
    AcceptRun("0123456789");
    if (!Accept("smhdw")) return false;
    Accept("s");
  }
  return !IsAlphaNumeric(NextRune());
}

bool Lexer::ScanNumber() {
  std::string_view digits = "0123456789";
  if (Accept("0") && Accept("xX")) digits = "0123456789abcdefABCDEF";
  AcceptRun(digits);
  if (Accept(".")) AcceptRun(digits);
  if (Accept("eE")) {
    Accept("+-");
    AcceptRun("0123456789");
  }
  return !IsAlphaNumeric(Peek());
}

Lexer::State Lexer::LexKeywordOrIdentifier() {
  for (;;) {
    int r = NextRune();
    if (IsAlphaNumeric(r) || r == ':') continue;
    Backup();
    std::string_view word = in_.substr(start_, pos_ - start_);
    for (const Keyword& kw : kKeywords) {
      if (!kw.word.empty() && EqualsLower(word, kw.word)) {
        Emit(kw.type);
        return State::kStatements;
      }
    }
    Emit(word.find(':') == std::string_view::npos ? TokenType::kIdentifier
                                                  : TokenType::kMetricIdentifier);
    return State::kStatements;
  }
}

Lexer::State Lexer::LexIdentifier() {
  while (IsAlphaNumeric(NextRune())) {
  }
  Backup();
  Emit(TokenType::kIdentifier);
  return State::kStatements;
}

Lexer::State Lexer::LexLineComment(State back) {
  pos_ += 1;
  int r = NextRune();
  while (!IsEndOfLine(r) && r != kEofRune) r = NextRune();
  Backup();
  Emit(TokenType::kComment);
  return back;
}

Lexer::State Lexer::LexSpace(State back) {
  while (IsSpace(Peek())) NextRune();
  start_ = pos_;
  return back;
}

Lexer::State Lexer::LexString(char quote, State back) {
  for (;;) {
    int r = NextRune();
    if (r == '\\') {
      if (!LexEscape(quote)) return State::kDone;
      continue;
    }
    if (r == static_cast<int>(kRuneError)) {
      Errorf("invalid UTF-8 rune");
      return State::kDone;
    }
    if (r == kEofRune || r == '\n') {
      Errorf("unterminated quoted string");
      return State::kDone;
    }
    if (r == quote) break;
  }
  Emit(TokenType::kString);
  return back;
}

Lexer::State Lexer::LexRawString(State back) {
  for (;;) {
    int r = NextRune();
    if (r == static_cast<int>(kRuneError)) {
      Errorf("invalid UTF-8 rune");
      return State::kDone;
    }
    if (r == kEofRune) {
      Errorf("unterminated raw string");
      return State::kDone;
    }
    if (r == '`') break;
  }
  Emit(TokenType::kString);
  return back;
}

bool Lexer::LexEscape(char quote) {
  int n;
  uint32_t base, max;
  int ch = NextRune();
  switch (ch) {
    case 'a': case 'b': case 'f': case 'n': case 'r': case 't': case 'v': case '\\':
      return true;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
      n = 3, base = 8, max = 255;
      break;
    case 'x':
      ch = NextRune();
      n = 2, base = 16, max = 255;
      break;
    case 'u':
      ch = NextRune();
      n = 4, base = 16, max = 0x10FFFF;
      break;
    case 'U':
      ch = NextRune();
      n = 8, base = 16, max = 0x10FFFF;
      break;
    case kEofRune:
      Errorf("escape sequence not terminated");
      return false;
    default:
      if (ch == quote) return true;
      Errorf("unknown escape sequence " + GoFormatU(static_cast<char32_t>(ch)));
      return false;
  }
  uint32_t x = 0;
  while (n > 0) {
    uint32_t d = 16;
    if (ch >= '0' && ch <= '9') d = static_cast<uint32_t>(ch - '0');
    if (ch >= 'a' && ch <= 'f') d = static_cast<uint32_t>(ch - 'a' + 10);
    if (ch >= 'A' && ch <= 'F') d = static_cast<uint32_t>(ch - 'A' + 10);
    if (d >= base) {
      if (ch == kEofRune) {
        Errorf("escape sequence not terminated");
      } else {
        Errorf("illegal character " + GoFormatU(static_cast<char32_t>(ch)) +
               " in escape sequence");
      }
      return false;
    }
    x = x * base + d;
    --n;
    if (n > 0) ch = NextRune();
  }
  if (x > max || (x >= 0xD800 && x < 0xE000)) {
    Errorf("escape sequence is an invalid Unicode code point");
    return false;
  }
  return true;
}

}  // namespace vigil::promql
