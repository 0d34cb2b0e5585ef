#include "vigil/base/duration.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

namespace vigil {
namespace {

struct Unit {
  std::string_view name;
  int64_t millis;
};

// Largest first: the order Prometheus requires terms to appear in.
constexpr std::array<Unit, 7> kUnits = {{
    {"y", 365LL * 24 * 3600 * 1000},
    {"w", 7LL * 24 * 3600 * 1000},
    {"d", 24LL * 3600 * 1000},
    {"h", 3600LL * 1000},
    {"m", 60LL * 1000},
    {"s", 1000},
    {"ms", 1},
}};

Status BadDuration(std::string_view text) {
  return InvalidArgument("not a valid duration string: \"" + std::string(text) + "\"");
}

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  if (text == "0") return Duration(0);
  if (text.empty()) return BadDuration(text);
  int64_t total = 0;
  size_t next_unit = 0;  // index into kUnits of the smallest unit still allowed
  size_t pos = 0;
  while (pos < text.size()) {
    size_t digits_end = pos;
    while (digits_end < text.size() && text[digits_end] >= '0' && text[digits_end] <= '9') {
      ++digits_end;
    }
    if (digits_end == pos) return BadDuration(text);
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + digits_end, n);
    // Too many digits: Go's Atoi saturates, so the result is out of range.
    if (ec == std::errc::result_out_of_range) n = std::numeric_limits<int64_t>::max();
    size_t unit_end = digits_end;
    while (unit_end < text.size() && !(text[unit_end] >= '0' && text[unit_end] <= '9')) {
      ++unit_end;
    }
    std::string_view unit = text.substr(digits_end, unit_end - digits_end);
    size_t u = next_unit;
    while (u < kUnits.size() && kUnits[u].name != unit) ++u;
    if (u == kUnits.size()) return BadDuration(text);
    // Prometheus keeps durations in Go nanoseconds: about 292 years at most.
    constexpr int64_t kMaxMillis = std::numeric_limits<int64_t>::max() / 1000000;
    if (n > kMaxMillis / kUnits[u].millis || total > kMaxMillis - n * kUnits[u].millis) {
      return InvalidArgument("duration out of range");
    }
    total += n * kUnits[u].millis;
    next_unit = u + 1;
    pos = unit_end;
  }
  return Duration(total);
}

std::string FormatDuration(Duration d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  for (const Unit& unit : kUnits) {
    // As Prometheus: years and weeks only when they divide exactly, since
    // "90d" reads better than "12w6d".
    bool exact_only = unit.name == "y" || unit.name == "w";
    if (exact_only && ms % unit.millis != 0) continue;
    if (ms >= unit.millis) {
      out += std::to_string(ms / unit.millis);
      out += unit.name;
      ms %= unit.millis;
    }
  }
  return out;
}

}  // namespace vigil
