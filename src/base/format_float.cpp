#include "vigil/base/format_float.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace vigil {

void AppendFloat(double v, std::string* out) {
  if (std::isnan(v)) {
    *out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    *out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  // The shortest round-trip digits in scientific form: [-]d[.ddd]e(+|-)XX.
  char sci[32];
  auto [end, ec] = std::to_chars(sci, sci + sizeof(sci), v, std::chars_format::scientific);
  (void)ec;  // 32 bytes always suffice for a double
  std::string_view s(sci, end - sci);
  bool negative = s.front() == '-';
  if (negative) s.remove_prefix(1);
  size_t e_pos = s.find('e');
  std::string digits;
  for (char c : s.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  int exp = std::atoi(std::string(s.substr(e_pos + 1)).c_str());

  if (negative) *out += '-';
  // Go's rule for 'g' with shortest precision: exponent form when the decimal
  // exponent is < -4 or >= 6 (so 1e6 is written "1e+06").
  if (exp < -4 || exp >= 6) {
    *out += digits[0];
    if (digits.size() > 1) {
      *out += '.';
      out->append(digits, 1);
    }
    *out += 'e';
    *out += exp < 0 ? '-' : '+';
    int abs_exp = std::abs(exp);
    if (abs_exp < 10) *out += '0';
    *out += std::to_string(abs_exp);
    return;
  }
  if (exp < 0) {
    *out += "0.";
    out->append(static_cast<size_t>(-exp - 1), '0');
    *out += digits;
    return;
  }
  size_t int_len = static_cast<size_t>(exp) + 1;
  if (digits.size() <= int_len) {
    *out += digits;
    out->append(int_len - digits.size(), '0');
  } else {
    out->append(digits, 0, int_len);
    *out += '.';
    out->append(digits, int_len);
  }
}

std::string FormatFloat(double v) {
  std::string out;
  AppendFloat(v, &out);
  return out;
}

}  // namespace vigil
