#include "literals.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

namespace vigil::promql {
namespace {

std::string GoQuoteAscii(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

Status FloatError(std::string_view text, std::string_view what) {
  return InvalidArgument("strconv.ParseFloat: parsing " + GoQuoteAscii(text) + ": " +
                         std::string(what));
}

int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// strconv.ParseInt(text, 0, 64) for the unsigned forms the lexer produces.
bool ParseGoInt(std::string_view s, int64_t* out) {
  int base = 10;
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() >= 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
    base = 8;
    s.remove_prefix(2);
  } else if (s.size() >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2;
    s.remove_prefix(2);
  } else if (s.size() >= 2 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d = DigitValue(c);
    if (d >= base) return false;
    if (v > (static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - d) / base) return false;
    v = v * base + static_cast<uint64_t>(d);
  }
  *out = static_cast<int64_t>(v);
  return true;
}

bool EqualsFold(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// strconv.ParseFloat(text, 64) for decimal text.
Result<double> ParseGoFloat(std::string_view text) {
  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (EqualsFold(s, "inf") || EqualsFold(s, "infinity")) {
    return neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (EqualsFold(s, "nan")) return std::numeric_limits<double>::quiet_NaN();
  // Go's decimal syntax: digits [. digits] [e [+-] digits], at least one
  // mantissa digit. Hexadecimal floats need a 'p' exponent, which the PromQL
  // lexer never produces, so they are always invalid here.
  size_t i = 0, mantissa_digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++mantissa_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return FloatError(text, "invalid syntax");
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return FloatError(text, "invalid syntax");
  }
  if (i != s.size()) return FloatError(text, "invalid syntax");
  std::string copy(text);
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (errno == ERANGE && std::isinf(v)) return FloatError(text, "value out of range");
  return v;
}

}  // namespace

Result<double> ParseNumberLiteral(std::string_view text) {
  int64_t n;
  if (ParseGoInt(text, &n)) return static_cast<double>(n);
  return ParseGoFloat(text);
}

Result<Duration> ParseDurationLiteral(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty duration string");
  Result<Duration> d = ParseDuration(text);
  if (!d.ok()) {
    if (d.status().message() == "duration out of range") return d.status();
    return InvalidArgument("not a valid duration string: " + GoQuoteAscii(text));
  }
  if (d->count() == 0) return InvalidArgument("duration must be greater than 0");
  return d;
}


}  // namespace vigil::promql
