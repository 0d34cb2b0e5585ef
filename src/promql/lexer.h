// The PromQL lexer: Prometheus 2.42's lex.go rules (keywords are
// case-insensitive, keywords inside braces are plain identifiers, durations
// only where a duration can be, Go string escapes), producing one token at a
// time so errors surface exactly when the parser asks for the token.
// Thread-safety: a Lexer is used by one thread; it borrows the input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vigil::promql {

enum class TokenType {
  kEof,
  kError,
  kComment,
  kIdentifier,
  kMetricIdentifier,
  kNumber,
  kDuration,
  kString,
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kComma,
  kEql,  // '=' (label matchers)
  kColon,
  // Operators.
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEqlc,
  kNeq,
  kLss,
  kLte,
  kGtr,
  kGte,
  kEqlRegex,
  kNeqRegex,
  kLand,
  kLor,
  kLunless,
  kAtan2,
  kAt,
  // Aggregators.
  kAvg,
  kBottomk,
  kCount,
  kCountValues,
  kGroup,
  kMax,
  kMin,
  kQuantile,
  kStddev,
  kStdvar,
  kSum,
  kTopk,
  // Keywords.
  kBool,
  kBy,
  kGroupLeft,
  kGroupRight,
  kIgnoring,
  kOffset,
  kOn,
  kWithout,
  // @ preprocessors.
  kStart,
  kEnd,
};

bool IsOperator(TokenType t);
bool IsAggregator(TokenType t);
bool IsKeyword(TokenType t);

struct Token {
  TokenType type = TokenType::kEof;
  int pos = 0;           // byte offset of the token's start
  std::string_view val;  // the token's text; for kError, empty
  std::string error;     // for kError: the message
  int end() const { return pos + static_cast<int>(val.size()); }
};

// How Prometheus names a token in "unexpected ..." messages:
// `identifier "foo"`, `<op:*>`, `"("`, `end of input`, ...
std::string DescribeToken(const Token& t);

class Lexer {
 public:
  explicit Lexer(std::string_view input) : in_(input) {}
  // The next token, comments included. After kEof or kError it returns kEof.
  Token Next();
  std::string_view input() const { return in_; }

 private:
  enum class State { kStatements, kInsideBraces, kDuration, kDone };
  static constexpr int kEofRune = -1;

  int NextRune();
  void Backup() { pos_ -= width_; }
  int Peek();
  bool Accept(std::string_view valid);
  void AcceptRun(std::string_view valid);
  void Emit(TokenType type);
  void Errorf(std::string message);

  State LexStatements();
  State LexInsideBraces();
  State LexDuration();
  State LexNumberOrDuration();
  State LexKeywordOrIdentifier();
  State LexIdentifier();
  State LexLineComment(State back);
  State LexSpace(State back);
  State LexString(char quote, State back);
  State LexRawString(State back);
  // Returns false (with an error emitted) on a bad escape.
  bool LexEscape(char quote);
  bool ScanNumber();
  bool AcceptRemainingDuration();

  std::string_view in_;
  size_t pos_ = 0;
  size_t start_ = 0;
  size_t width_ = 0;
  State state_ = State::kStatements;
  int paren_depth_ = 0;
  bool brace_open_ = false;
  bool bracket_open_ = false;
  bool got_colon_ = false;
  bool scanned_ = false;
  Token* out_ = nullptr;
};

}  // namespace vigil::promql
