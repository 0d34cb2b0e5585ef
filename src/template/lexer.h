// Tokenizer for Go text/template source: text between actions, and the
// tokens inside {{ }} (with Go's trim markers and comments). Thread-safety:
// pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>


namespace vigil::tmpl {

enum class TokenKind {
  kText,
  kLeftDelim,
  kRightDelim,
  kSpace,
  kIdentifier,  // a function name
  kField,       // .Name
  kVariable,    // $ or $name
  kDot,
  kString,      // "quoted", text keeps the quotes
  kRawString,   // `raw`, text keeps the backquotes
  kChar,        // 'c'
  kNumber,
  kBool,
  kNil,
  kPipe,
  kLeftParen,
  kRightParen,
  kAssign,   // =
  kDeclare,  // :=
  kComma,
  kOtherChar,  // a printable character with no meaning; the parser rejects it
  // Keywords.
  kIf,
  kElse,
  kEnd,
  kRange,
  kWith,
  kDefine,
  kTemplate,
  kBlock,
  kBreak,
  kContinue,
  kEof,
  kError,  // the lexer stopped here; the message is in Token::error
};

struct Token {
  TokenKind kind;
  std::string_view text;
  size_t pos;  // byte offset in the source
  int line;    // 1-based line of the token's start
  std::string error;  // for kError
};

// Describes a token as Go's parser does in "unexpected X" errors.
std::string DescribeToken(const Token& token);

// Splits `text` into tokens ending with kEof, or with kError where the text
// cannot be tokenized (the parser reports it when it gets there, so an
// earlier syntax error wins, as with Go's concurrent lexer). Comments and
// the whitespace removed by trim markers produce no tokens.
std::vector<Token> Lex(std::string_view text);

}  // namespace vigil::tmpl
