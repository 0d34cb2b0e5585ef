// Shared lexical helpers of the exposition parsers: character classes, Go's
// float syntax as Prometheus 2.42 accepts it, UTF-8 validation and the label
// value escaping both formats use.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil::expfmt::internal {

// Prometheus's value.NormalNaN: the bits every parsed NaN is given (Go's
// math.NaN()). Distinct from the staleness marker (model/value.h).
inline constexpr uint64_t kNormalNaNBits = 0x7ff8000000000001ULL;

enum CharClass : uint8_t {
  kMetricNameStart = 1,  // [a-zA-Z_:]
  kMetricNameChar = 2,   // [a-zA-Z0-9_:]
  kLabelNameStart = 4,   // [a-zA-Z_]
  kLabelNameChar = 8,    // [a-zA-Z0-9_]
  kDigit = 16,           // [0-9]
  kBlank = 32,           // [ \t]
};

struct CharTable {
  uint8_t bits[256];
  constexpr CharTable() : bits() {
    for (int c = 0; c < 256; ++c) {
      bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      bool digit = c >= '0' && c <= '9';
      uint8_t b = 0;
      if (alpha || c == ':') b |= kMetricNameStart;
      if (alpha || digit || c == ':') b |= kMetricNameChar;
      if (alpha) b |= kLabelNameStart;
      if (alpha || digit) b |= kLabelNameChar;
      if (digit) b |= kDigit;
      if (c == ' ' || c == '\t') b |= kBlank;
      bits[c] = b;
    }
  }
};
inline constexpr CharTable kChars;

inline bool Is(char c, CharClass cls) {
  return (kChars.bits[static_cast<unsigned char>(c)] & cls) != 0;
}

// Go's strconv.ParseFloat(s, 64) after Prometheus's guard against 'p', 'P'
// and '_': decimal (with exponent), "Inf"/"Infinity" with an optional sign and
// "NaN", case-insensitively; no hex; the whole of s must be the number; an
// overflow is an error, an underflow rounds. NaN gets kNormalNaNBits.
bool ParseGoFloat(std::string_view s, double* out);

// The plain decimal that starts s at `from` — [+-]?[0-9]+(\.[0-9]*)? — when
// its digits, the point ignored, make at most 2^53 and at most 22 of them
// follow the point: stores its value (as ParseGoFloat would) and returns
// the offset just after it; std::string_view::npos, *out untouched, for
// anything else. What follows the number is the caller's to check. The fast
// path of ParseGoFloat, and of a text sample value ending at a blank.
size_t ParsePlainDecimal(std::string_view s, size_t from, double* out);

// [0-9]+ as an int64; false on overflow or a non-digit.
bool ParseDecimalInt64(std::string_view s, int64_t* out);

// Go's utf8.Valid: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view s);
// Code points of valid UTF-8.
size_t CountCodePoints(std::string_view s);

// Prometheus's label value unescaping (lvalReplacer): \\ → \, \" → ", \n →
// newline; any other backslash pair is kept as written. Appends to *out.
void AppendUnescapedLabelValue(std::string_view raw, std::string* out);
// The text format's HELP unescaping (helpReplacer): \\ and \n only.
void AppendUnescapedTextHelp(std::string_view raw, std::string* out);

// Go's int64(f) on amd64 for a timestamp in seconds times 1000: truncation,
// with the out-of-range result 0x8000000000000000.
int64_t SecondsToMs(double seconds);

}  // namespace vigil::expfmt::internal
