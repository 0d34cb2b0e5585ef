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
  if (text == "0") return InvalidArgument("duration must be greater than 0");
  if (text.empty()) return InvalidArgument("empty duration string");
  struct Unit {
    std::string_view name;
    int64_t millis;
  };
  static constexpr Unit kUnits[] = {
      {"y", 1000LL * 60 * 60 * 24 * 365}, {"w", 1000LL * 60 * 60 * 24 * 7},
      {"d", 1000LL * 60 * 60 * 24},       {"h", 1000LL * 60 * 60},
      {"m", 1000LL * 60},                 {"s", 1000},
      {"ms", 1},
  };
  Status bad = InvalidArgument("not a valid duration string: " + GoQuoteAscii(text));
  constexpr int64_t kMaxNanos = std::numeric_limits<int64_t>::max();
  int64_t total_ms = 0;
  bool overflow = false;
  size_t next_unit = 0, pos = 0;
  while (pos < text.size()) {
    size_t digits_end = pos;
    while (digits_end < text.size() && text[digits_end] >= '0' && text[digits_end] <= '9') {
      ++digits_end;
    }
    if (digits_end == pos) return bad;
    size_t unit_end = digits_end;
    while (unit_end < text.size() && !(text[unit_end] >= '0' && text[unit_end] <= '9')) {
      ++unit_end;
    }
    std::string_view unit = text.substr(digits_end, unit_end - digits_end);
    size_t u = next_unit;
    while (u < std::size(kUnits) && kUnits[u].name != unit) ++u;
    if (u == std::size(kUnits)) return bad;
    // strconv.Atoi; on overflow Go ignores the error and uses the maximum.
    int64_t n = 0;
    bool atoi_ok = true;
    for (size_t i = pos; i < digits_end; ++i) {
      int d = text[i] - '0';
      if (n > (kMaxNanos - d) / 10) {
        atoi_ok = false;
        break;
      }
      n = n * 10 + d;
    }
    if (!atoi_ok) n = kMaxNanos;
    int64_t mult = kUnits[u].millis;
    if (n > kMaxNanos / mult / 1000000) {
      overflow = true;
    } else {
      int64_t add_ms = n * mult;
      if (total_ms > kMaxNanos / 1000000 - add_ms) overflow = true;
      total_ms += add_ms;
    }
    next_unit = u + 1;
    pos = unit_end;
  }
  if (overflow) return InvalidArgument("duration out of range");
  if (total_ms == 0) return InvalidArgument("duration must be greater than 0");
  return Duration(total_ms);
}

std::string FormatPromDuration(Duration d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  auto unit = [&](std::string_view name, int64_t mult, bool exact) {
    if (exact && ms % mult != 0) return;
    int64_t v = ms / mult;
    if (v > 0) {
      out += std::to_string(v);
      out += name;
      ms -= v * mult;
    }
  };
  unit("y", 1000LL * 60 * 60 * 24 * 365, true);
  unit("w", 1000LL * 60 * 60 * 24 * 7, true);
  unit("d", 1000LL * 60 * 60 * 24, false);
  unit("h", 1000LL * 60 * 60, false);
  unit("m", 1000LL * 60, false);
  unit("s", 1000, false);
  unit("ms", 1, false);
  return out;
}

}  // namespace vigil::promql
