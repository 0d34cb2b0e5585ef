#include "unit_test_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace vigil::rules::internal {

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string GoLabelsString(const model::Labels& labels) {
  std::string out = "{";
  bool first = true;
  for (const model::Label& l : labels) {
    if (!first) out += ", ";
    first = false;
    out += l.name;
    out += '=';
    out += GoQuote(l.value);
  }
  out += '}';
  return out;
}

std::string GoFloatE(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string out(buf, end);
  for (char& c : out) {
    if (c == 'e') c = 'E';
  }
  return out;
}

std::string GoDurationString(Duration d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out = ms < 0 ? "-" : "";
  const uint64_t abs_ms = ms < 0 ? -static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  if (abs_ms < 1000) return out + std::to_string(abs_ms) + "ms";
  const uint64_t hours = abs_ms / 3'600'000;
  const uint64_t minutes = abs_ms / 60'000 % 60;
  const uint64_t seconds = abs_ms / 1000 % 60;
  const uint64_t millis = abs_ms % 1000;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  out += std::to_string(seconds);
  if (millis > 0) {
    char frac[8];
    std::snprintf(frac, sizeof(frac), ".%03u", static_cast<unsigned>(millis));
    std::string f = frac;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out + "s";
}

}  // namespace vigil::rules::internal
