#include "lex_util.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <system_error>

namespace vigil::expfmt::internal {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (Lower(s[i]) != lower[i]) return false;
  }
  return true;
}

// Decimal mantissas up to 2^53 and powers of ten up to 1e22 are exact
// doubles, so dividing one by the other rounds the result correctly — the
// value from_chars computes (Clinger's fast path).
constexpr uint64_t kMaxExactMantissa = uint64_t{1} << 53;
constexpr double kExactPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// from_chars reports underflow and overflow alike; Go fails only on overflow.
bool ParseOutOfRange(std::string_view s, double* out) {
  char stack[128];
  std::string heap;
  const char* text;
  if (s.size() < sizeof(stack)) {
    std::memcpy(stack, s.data(), s.size());
    stack[s.size()] = '\0';
    text = stack;
  } else {
    heap.assign(s);
    text = heap.c_str();
  }
  double v = std::strtod(text, nullptr);
  if (std::isinf(v)) return false;
  *out = v;
  return true;
}

}  // namespace

size_t ParsePlainDecimal(std::string_view s, size_t from, double* out) {
  size_t i = from;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    ++i;
  }
  uint64_t mantissa = 0;
  size_t digits = 0;
  size_t fraction_digits = 0;
  bool in_fraction = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      mantissa = mantissa * 10 + static_cast<uint64_t>(c - '0');
      // At most 2^53 before the step, so the step cannot overflow.
      if (mantissa > kMaxExactMantissa) return std::string_view::npos;
      ++digits;
      fraction_digits += in_fraction;
    } else if (c == '.' && !in_fraction && digits > 0) {
      in_fraction = true;
    } else {
      break;
    }
  }
  if (digits == 0 || fraction_digits >= std::size(kExactPowersOfTen)) {
    return std::string_view::npos;
  }
  // An integer needs no division (whose latency shows in a profile).
  double v = static_cast<double>(mantissa);
  if (fraction_digits > 0) v /= kExactPowersOfTen[fraction_digits];
  *out = negative ? -v : v;
  return i;
}

bool ParseGoFloat(std::string_view s, double* out) {
  if (s.empty()) return false;
  double plain;
  if (ParsePlainDecimal(s, 0, &plain) == s.size()) {
    *out = plain;
    return true;
  }
  for (char c : s) {
    if (c == 'p' || c == 'P' || c == '_') return false;
  }
  bool negative = false;
  bool signed_ = false;
  std::string_view rest = s;
  if (rest[0] == '+' || rest[0] == '-') {
    negative = rest[0] == '-';
    signed_ = true;
    rest.remove_prefix(1);
    if (rest.empty()) return false;
  }
  char first = Lower(rest[0]);
  if (first == 'i') {
    if (!EqualsIgnoreCase(rest, "inf") && !EqualsIgnoreCase(rest, "infinity")) return false;
    *out = negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
    return true;
  }
  if (first == 'n') {
    // Go takes "nan" only without a sign.
    if (signed_ || !EqualsIgnoreCase(rest, "nan")) return false;
    *out = std::bit_cast<double>(kNormalNaNBits);
    return true;
  }
  if (!((first >= '0' && first <= '9') || first == '.')) return false;
  double v = 0;
  auto [ptr, ec] =
      std::from_chars(rest.data(), rest.data() + rest.size(), v, std::chars_format::general);
  if (ptr != rest.data() + rest.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    if (!ParseOutOfRange(rest, &v)) return false;
  } else if (ec != std::errc()) {
    return false;
  }
  *out = negative ? -v : v;
  return true;
}

bool ParseDecimalInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = static_cast<int64_t>(v);
  return true;
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    // ASCII fast path, eight bytes at a time.
    while (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if (w & 0x8080808080808080ULL) break;
      p += 8;
    }
    if (p >= end) break;
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (int i = 2; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
    }
    p += n + 1;
  }
  return true;
}

size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

void AppendUnescapedLabelValue(std::string_view raw, std::string* out) {
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      char e = raw[i + 1];
      if (e == '\\' || e == '"') {
        out->push_back(e);
        ++i;
        continue;
      }
      if (e == 'n') {
        out->push_back('\n');
        ++i;
        continue;
      }
    }
    out->push_back(c);
  }
}

void AppendUnescapedTextHelp(std::string_view raw, std::string* out) {
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      char e = raw[i + 1];
      if (e == '\\') {
        out->push_back('\\');
        ++i;
        continue;
      }
      if (e == 'n') {
        out->push_back('\n');
        ++i;
        continue;
      }
    }
    out->push_back(c);
  }
}

int64_t SecondsToMs(double seconds) {
  double ms = seconds * 1000;
  // [-2^63, 2^63): in range for a truncating conversion.
  if (ms >= -9223372036854775808.0 && ms < 9223372036854775808.0) {
    return static_cast<int64_t>(ms);
  }
  return std::numeric_limits<int64_t>::min();
}

}  // namespace vigil::expfmt::internal
