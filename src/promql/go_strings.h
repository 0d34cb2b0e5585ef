// Go's string quoting rules, as Prometheus's messages and printer use them:
// strconv.Quote (%q), %#U, UTF-8 decoding with RuneError, and
// strutil.Unquote for PromQL's three kinds of string literals.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "vigil/base/result.h"

namespace vigil::promql {

inline constexpr char32_t kRuneError = 0xFFFD;

// Decodes the rune at s[pos] as Go's utf8.DecodeRuneInString: an invalid or
// truncated sequence gives (kRuneError, 1). Precondition: pos < s.size().
char32_t DecodeRune(std::string_view s, size_t pos, size_t* width);
void AppendRune(char32_t r, std::string* out);

// unicode.IsPrint, without the tables for unassigned code points.
bool GoIsPrint(char32_t r);

// strconv.Quote: "..." with Go escapes.
std::string GoQuote(std::string_view s);
// fmt's %.<n>q: the first n runes of s, quoted.
std::string GoQuotePrefix(std::string_view s, size_t n);
// strconv.QuoteRune: '.' with Go escapes.
std::string GoQuoteRune(char32_t r);
// fmt's %#U: "U+0063 'c'" (the quoted rune only when printable).
std::string GoFormatU(char32_t r);

// Prometheus's strutil.Unquote: a '...', "..." or `...` literal (quotes
// included) to its value. Fails with "invalid syntax".
Result<std::string> GoUnquote(std::string_view literal);

}  // namespace vigil::promql
