#include "lexer.h"

#include <cstring>

#include "vigil/base/status.h"

namespace vigil::tmpl {
namespace {

constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";
constexpr size_t kTrimMarkerLen = 2;  // "- " or " -"

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
// Bytes of multi-byte UTF-8 sequences count as letters, as Go's
// unicode.IsLetter does for nearly every non-ASCII identifier character.
bool IsAlphaNumeric(char c) {
  auto u = static_cast<unsigned char>(c);
  return c == '_' || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
         u >= 0x80;
}

TokenKind KeywordKind(std::string_view word) {
  static constexpr std::pair<std::string_view, TokenKind> kKeywords[] = {
      {"if", TokenKind::kIf},         {"else", TokenKind::kElse},
      {"end", TokenKind::kEnd},       {"range", TokenKind::kRange},
      {"with", TokenKind::kWith},     {"define", TokenKind::kDefine},
      {"template", TokenKind::kTemplate}, {"block", TokenKind::kBlock},
      {"break", TokenKind::kBreak},   {"continue", TokenKind::kContinue},
      {"true", TokenKind::kBool},     {"false", TokenKind::kBool},
      {"nil", TokenKind::kNil},
  };
  for (const auto& [text, kind] : kKeywords) {
    if (text == word) return kind;
  }
  return TokenKind::kIdentifier;
}

class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}

  std::vector<Token> Run() {
    while (true) {
      LexText();
      Status status = pos_ < input_.size() ? LexAction() : Status::Ok();
      if (!status.ok()) {
        tokens_.push_back(Token{TokenKind::kError, {}, error_pos_, LineAt(error_pos_),
                                status.message()});
        break;
      }
      if (pos_ >= input_.size()) {
        Emit(TokenKind::kEof, pos_, pos_);
        break;
      }
    }
    return std::move(tokens_);
  }

 private:
  // Text up to the next "{{" (or the end), trimming it when the action
  // opens with "{{- ".
  void LexText() {
    size_t start = pos_;
    size_t delim = input_.find(kLeftDelim, pos_);
    size_t end = delim == std::string_view::npos ? input_.size() : delim;
    size_t text_end = end;
    if (delim != std::string_view::npos && HasLeftTrimMarker(delim + kLeftDelim.size())) {
      while (text_end > start && IsSpace(input_[text_end - 1])) --text_end;
    }
    if (text_end > start) Emit(TokenKind::kText, start, text_end);
    pos_ = end;
  }

  bool HasLeftTrimMarker(size_t at) const {
    return at + 1 < input_.size() && input_[at] == '-' && IsSpace(input_[at + 1]);
  }
  // " -}}" at `at`.
  bool AtTrimmedRightDelim(size_t at) const {
    return at + 1 < input_.size() && IsSpace(input_[at]) && input_[at + 1] == '-' &&
           input_.substr(at + kTrimMarkerLen).starts_with(kRightDelim);
  }
  bool AtRightDelim(size_t at) const { return input_.substr(at).starts_with(kRightDelim); }

  void SkipSpaces() {
    while (pos_ < input_.size() && IsSpace(input_[pos_])) ++pos_;
  }

  Status LexAction() {
    size_t open = pos_;
    pos_ += kLeftDelim.size();
    bool trim = HasLeftTrimMarker(pos_);
    size_t after_marker = trim ? kTrimMarkerLen : 0;
    if (input_.substr(pos_ + after_marker).starts_with("/*")) {
      return LexComment(open, pos_ + after_marker);
    }
    Emit(TokenKind::kLeftDelim, open, pos_);
    pos_ += after_marker;
    return LexInsideAction();
  }

  Status LexComment(size_t open, size_t at) {
    size_t close = input_.find("*/", at + 2);
    if (close == std::string_view::npos) return Error(open, "unclosed comment");
    pos_ = close + 2;
    bool trimmed = AtTrimmedRightDelim(pos_);
    if (!trimmed && !AtRightDelim(pos_)) {
      return Error(open, "comment ends before closing delimiter");
    }
    pos_ += (trimmed ? kTrimMarkerLen : 0) + kRightDelim.size();
    if (trimmed) SkipSpaces();
    return Status::Ok();
  }

  Status LexInsideAction() {
    int paren_depth = 0;
    while (true) {
      bool trimmed = AtTrimmedRightDelim(pos_);
      if (trimmed || AtRightDelim(pos_)) {
        if (paren_depth > 0) return Error(pos_, "unclosed left paren");
        if (trimmed) pos_ += kTrimMarkerLen;
        Emit(TokenKind::kRightDelim, pos_, pos_ + kRightDelim.size());
        pos_ += kRightDelim.size();
        if (trimmed) SkipSpaces();
        return Status::Ok();
      }
      if (pos_ >= input_.size()) return Error(pos_, "unclosed action");
      size_t start = pos_;
      char c = input_[pos_++];
      if (IsSpace(c)) {
        LexSpace(start);
        continue;
      }
      Status status;
      switch (c) {
        case '=': Emit(TokenKind::kAssign, start, pos_); break;
        case ':':
          if (pos_ >= input_.size() || input_[pos_] != '=') return Error(start, "expected :=");
          ++pos_;
          Emit(TokenKind::kDeclare, start, pos_);
          break;
        case '|': Emit(TokenKind::kPipe, start, pos_); break;
        case ',': Emit(TokenKind::kComma, start, pos_); break;
        case '"': status = LexQuoted(start, '"', TokenKind::kString, "unterminated quoted string"); break;
        case '\'':
          status = LexQuoted(start, '\'', TokenKind::kChar, "unterminated character constant");
          break;
        case '`': status = LexRaw(start); break;
        case '$': status = LexFieldOrVariable(start, TokenKind::kVariable); break;
        case '(':
          ++paren_depth;
          Emit(TokenKind::kLeftParen, start, pos_);
          break;
        case ')':
          // Emitted before the error, as Go does: the parser usually
          // reports the stray paren first ("unexpected ")" in command").
          Emit(TokenKind::kRightParen, start, pos_);
          if (--paren_depth < 0) return Error(start, "unexpected right paren U+0029 ')'");
          break;
        default:
          if (c == '.' && (pos_ >= input_.size() || input_[pos_] < '0' || input_[pos_] > '9')) {
            status = LexFieldOrVariable(start, TokenKind::kField);
          } else if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9')) {
            pos_ = start;
            status = LexNumber();
          } else if (IsAlphaNumeric(c)) {
            pos_ = start;
            status = LexIdentifier();
          } else if (c > ' ' && c < 0x7f) {
            Emit(TokenKind::kOtherChar, start, pos_);
          } else {
            return Error(start, "unrecognized character in action: " + DescribeByte(c));
          }
      }
      if (!status.ok()) return status;
    }
  }

  static std::string DescribeByte(char c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned char>(c));
    return buf;
  }

  // A run of spaces; a single space before "-}}" belongs to the marker.
  void LexSpace(size_t start) {
    SkipSpaces();
    if (AtTrimmedRightDelim(pos_ - 1)) {
      --pos_;
      if (pos_ == start) return;
    }
    Emit(TokenKind::kSpace, start, pos_);
  }

  bool AtTerminator() const {
    if (pos_ >= input_.size()) return true;
    char c = input_[pos_];
    if (IsSpace(c)) return true;
    if (std::strchr(".,|:()", c) != nullptr) return true;
    return AtRightDelim(pos_);
  }

  Status LexFieldOrVariable(size_t start, TokenKind kind) {
    if (AtTerminator()) {
      Emit(kind == TokenKind::kVariable ? TokenKind::kVariable : TokenKind::kDot, start, pos_);
      return Status::Ok();
    }
    while (pos_ < input_.size() && IsAlphaNumeric(input_[pos_])) ++pos_;
    if (!AtTerminator()) return Error(start, "bad character " + DescribeByte(input_[pos_]));
    Emit(kind, start, pos_);
    return Status::Ok();
  }

  Status LexIdentifier() {
    size_t start = pos_;
    while (pos_ < input_.size() && IsAlphaNumeric(input_[pos_])) ++pos_;
    if (!AtTerminator()) return Error(start, "bad character " + DescribeByte(input_[pos_]));
    Emit(KeywordKind(input_.substr(start, pos_ - start)), start, pos_);
    return Status::Ok();
  }

  bool Accept(std::string_view valid) {
    if (pos_ < input_.size() && valid.find(input_[pos_]) != std::string_view::npos) {
      ++pos_;
      return true;
    }
    return false;
  }
  void AcceptRun(std::string_view valid) {
    while (Accept(valid)) {
    }
  }

  // Go's scanNumber: the syntax is checked loosely here and exactly when the
  // parser converts the text.
  Status LexNumber() {
    size_t start = pos_;
    Accept("+-");
    std::string_view digits = "0123456789_";
    if (Accept("0")) {
      if (Accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (Accept("oO")) {
        digits = "01234567_";
      } else if (Accept("bB")) {
        digits = "01_";
      }
    }
    AcceptRun(digits);
    if (Accept(".")) AcceptRun(digits);
    if (digits.size() == 11 && Accept("eE")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    if (digits.size() == 23 && Accept("pP")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    Accept("i");
    if (pos_ < input_.size() && IsAlphaNumeric(input_[pos_])) {
      ++pos_;
      return Error(start, "bad number syntax: \"" + std::string(input_.substr(start, pos_ - start)) +
                              "\"");
    }
    Emit(TokenKind::kNumber, start, pos_);
    return Status::Ok();
  }

  Status LexQuoted(size_t start, char quote, TokenKind kind, const char* unterminated) {
    while (true) {
      if (pos_ >= input_.size() || input_[pos_] == '\n') return Error(start, unterminated);
      char c = input_[pos_++];
      if (c == '\\') {
        if (pos_ >= input_.size() || input_[pos_] == '\n') return Error(start, unterminated);
        ++pos_;
      } else if (c == quote) {
        break;
      }
    }
    Emit(kind, start, pos_);
    return Status::Ok();
  }

  Status LexRaw(size_t start) {
    size_t close = input_.find('`', pos_);
    if (close == std::string_view::npos) return Error(start, "unterminated raw quoted string");
    pos_ = close + 1;
    Emit(TokenKind::kRawString, start, pos_);
    return Status::Ok();
  }

  int LineAt(size_t pos) {
    for (; line_pos_ < pos && line_pos_ < input_.size(); ++line_pos_) {
      if (input_[line_pos_] == '\n') ++line_;
    }
    return line_;
  }

  void Emit(TokenKind kind, size_t start, size_t end) {
    tokens_.push_back(Token{kind, input_.substr(start, end - start), start, LineAt(start)});
  }

  Status Error(size_t at, std::string message) {
    error_pos_ = at;
    return InvalidArgument(std::move(message));
  }

  std::string_view input_;
  size_t error_pos_ = 0;
  size_t pos_ = 0;
  size_t line_pos_ = 0;  // newlines before this offset are counted in line_
  int line_ = 1;
  std::vector<Token> tokens_;
};

}  // namespace

std::string DescribeToken(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEof: return "EOF";
    case TokenKind::kError: return token.error;
    case TokenKind::kIf: case TokenKind::kElse: case TokenKind::kEnd: case TokenKind::kRange:
    case TokenKind::kWith: case TokenKind::kDefine: case TokenKind::kTemplate:
    case TokenKind::kBlock: case TokenKind::kBreak: case TokenKind::kContinue:
      return "<" + std::string(token.text) + ">";
    default: break;
  }
  std::string text(token.text.substr(0, 10));
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (c == '\n') {
      quoted += "\\n";
      continue;
    }
    quoted += c;
  }
  quoted += '"';
  return token.text.size() > 10 ? quoted + "..." : quoted;
}

std::vector<Token> Lex(std::string_view text) { return Lexer(text).Run(); }

}  // namespace vigil::tmpl
