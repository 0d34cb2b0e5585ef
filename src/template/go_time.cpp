#include "go_time.h"

#include <chrono>
#include <cstdio>

#include "function_args.h"
#include "printf.h"
#include "time_zone.h"

namespace vigil::tmpl {
namespace {

constexpr std::string_view kLongMonths[] = {"January", "February", "March",     "April",
                                            "May",     "June",     "July",      "August",
                                            "September", "October", "November", "December"};
constexpr std::string_view kLongDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday"};

struct Civil {
  int64_t year;
  int month;  // 1-12
  int day;
  int hour, minute, second;
  int weekday;  // 0 = Sunday
  int yday;     // 1-366
};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Civil ToCivil(const GoTime& t) {
  using namespace std::chrono;
  int64_t local = t.unix_seconds + t.offset_seconds;
  int64_t days = FloorDiv(local, 86400);
  int64_t secs = local - days * 86400;
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  Civil c;
  c.year = static_cast<int>(ymd.year());
  c.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  c.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  c.weekday = static_cast<int>(weekday{sys_days{std::chrono::days{days}}}.c_encoding());
  auto jan1 = sys_days{ymd.year() / January / 1};
  c.yday = static_cast<int>((sys_days{std::chrono::days{days}} - jan1).count()) + 1;
  return c;
}

std::string Pad(int64_t v, int width, char fill = '0') {
  std::string digits = std::to_string(v < 0 ? -v : v);
  if (static_cast<int>(digits.size()) < width) {
    digits.insert(0, static_cast<size_t>(width) - digits.size(), fill);
  }
  return v < 0 ? "-" + digits : digits;
}

// Go's std chunks of a layout, longest first where prefixes overlap.
constexpr std::string_view kChunks[] = {
    "January", "Jan", "Monday", "Mon", "MST", "2006", "-07:00:00", "-070000", "-07:00", "-0700",
    "-07", "Z07:00:00", "Z070000", "Z07:00", "Z0700", "Z07", "002", "__2", "_2", "01", "02",
    "03", "04", "05", "06", "15", "PM", "pm", "1", "2", "3", "4", "5",
};

// ".000"/",999" style fractional seconds at s (a run of 0s or 9s not
// followed by another digit); returns its length or 0.
size_t FractionLength(std::string_view s) {
  if (s.size() < 2 || (s[0] != '.' && s[0] != ',') || (s[1] != '0' && s[1] != '9')) return 0;
  size_t n = 1;
  while (n < s.size() && s[n] == s[1]) ++n;
  if (n < s.size() && s[n] >= '0' && s[n] <= '9') return 0;
  return n;
}

std::string FormatZone(const GoTime& t, std::string_view chunk) {
  bool z = chunk[0] == 'Z';
  if (z && t.offset_seconds == 0) return "Z";
  int off = t.offset_seconds;
  char sign = off < 0 ? '-' : '+';
  off = off < 0 ? -off : off;
  std::string hh = Pad(off / 3600, 2), mm = Pad(off / 60 % 60, 2), ss = Pad(off % 60, 2);
  std::string_view body = z ? chunk.substr(1) : chunk.substr(0);
  std::string out(1, sign);
  if (body == "-07" || body == "07") return out + hh;
  if (body == "-0700" || body == "0700") return out + hh + mm;
  if (body == "-07:00" || body == "07:00") return out + hh + ":" + mm;
  if (body == "-070000" || body == "070000") return out + hh + mm + ss;
  return out + hh + ":" + mm + ":" + ss;
}

}  // namespace

std::string FormatGoTime(const GoTime& t, std::string_view layout) {
  Civil c = ToCivil(t);
  std::string out;
  size_t i = 0;
  while (i < layout.size()) {
    if (size_t frac = FractionLength(layout.substr(i)); frac > 0) {
      std::string digits = Pad(t.nanos, 9).substr(0, frac - 1);
      if (layout[i + 1] == '9') {
        while (!digits.empty() && digits.back() == '0') digits.pop_back();
        if (!digits.empty()) out += layout[i] + digits;
      } else {
        out += layout[i] + digits;
      }
      i += frac;
      continue;
    }
    std::string_view chunk;
    for (std::string_view candidate : kChunks) {
      if (layout.substr(i).starts_with(candidate)) {
        chunk = candidate;
        break;
      }
    }
    // "Jan" and "Mon" must not be the start of a longer lower-case word
    // (Go: "Monday" vs "Month"); "January" / "Monday" are checked first.
    if ((chunk == "Jan" || chunk == "Mon") && i + 3 < layout.size() && layout[i + 3] >= 'a' &&
        layout[i + 3] <= 'z') {
      chunk = {};
    }
    if (chunk.empty()) {
      out += layout[i++];
      continue;
    }
    i += chunk.size();
    int hour12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
    if (chunk == "January") out += kLongMonths[c.month - 1];
    else if (chunk == "Jan") out += kLongMonths[c.month - 1].substr(0, 3);
    else if (chunk == "Monday") out += kLongDays[c.weekday];
    else if (chunk == "Mon") out += kLongDays[c.weekday].substr(0, 3);
    else if (chunk == "MST") out += t.zone.empty() ? FormatZone(t, "-0700") : t.zone;
    else if (chunk == "2006") out += Pad(c.year, 4);
    else if (chunk == "06") out += Pad(c.year % 100, 2);
    else if (chunk == "01") out += Pad(c.month, 2);
    else if (chunk == "1") out += std::to_string(c.month);
    else if (chunk == "02") out += Pad(c.day, 2);
    else if (chunk == "_2") out += Pad(c.day, 2, ' ');
    else if (chunk == "2") out += std::to_string(c.day);
    else if (chunk == "002") out += Pad(c.yday, 3);
    else if (chunk == "__2") out += Pad(c.yday, 3, ' ');
    else if (chunk == "15") out += Pad(c.hour, 2);
    else if (chunk == "03") out += Pad(hour12, 2);
    else if (chunk == "3") out += std::to_string(hour12);
    else if (chunk == "04") out += Pad(c.minute, 2);
    else if (chunk == "4") out += std::to_string(c.minute);
    else if (chunk == "05") out += Pad(c.second, 2);
    else if (chunk == "5") out += std::to_string(c.second);
    else if (chunk == "PM") out += c.hour >= 12 ? "PM" : "AM";
    else if (chunk == "pm") out += c.hour >= 12 ? "pm" : "am";
    else out += FormatZone(t, chunk);
  }
  return out;
}

std::string GoTimeString(const GoTime& t) {
  return FormatGoTime(t, "2006-01-02 15:04:05.999999999 -0700 MST");
}

std::string GoDurationString(int64_t nanos) {
  if (nanos == 0) return "0s";
  bool negative = nanos < 0;
  uint64_t u = negative ? 0 - static_cast<uint64_t>(nanos) : static_cast<uint64_t>(nanos);
  std::string out;
  // Fractional part with trailing zeros removed.
  auto fraction = [](uint64_t v, int digits) {
    std::string s = std::to_string(v);
    s.insert(0, static_cast<size_t>(digits) - s.size(), '0');
    while (!s.empty() && s.back() == '0') s.pop_back();
    return s.empty() ? s : "." + s;
  };
  if (u < 1000000000) {
    if (u < 1000) {
      out = std::to_string(u) + "ns";
    } else if (u < 1000000) {
      out = std::to_string(u / 1000) + fraction(u % 1000, 3) + "\xC2\xB5s";  // µs
    } else {
      out = std::to_string(u / 1000000) + fraction(u % 1000000, 6) + "ms";
    }
  } else {
    uint64_t secs = u / 1000000000;
    out = std::to_string(secs % 60) + fraction(u % 1000000000, 9) + "s";
    uint64_t mins = secs / 60;
    if (mins > 0) {
      out = std::to_string(mins % 60) + "m" + out;
      if (mins / 60 > 0) out = std::to_string(mins / 60) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

std::optional<Value> TimeObject::Field(std::string_view name) const {
  Civil c = ToCivil(t_);
  if (name == "Unix") return Value(t_.unix_seconds);
  if (name == "UnixMilli") return Value(t_.unix_seconds * 1000 + t_.nanos / 1000000);
  if (name == "UnixNano") return Value(t_.unix_seconds * 1000000000 + t_.nanos);
  if (name == "Year") return Value(c.year);
  if (name == "Month") return Value(std::string(kLongMonths[c.month - 1]));
  if (name == "Day") return Value(c.day);
  if (name == "Hour") return Value(c.hour);
  if (name == "Minute") return Value(c.minute);
  if (name == "Second") return Value(c.second);
  if (name == "Nanosecond") return Value(t_.nanos);
  if (name == "Weekday") return Value(std::string(kLongDays[c.weekday]));
  if (name == "YearDay") return Value(c.yday);
  if (name == "String") return Value(GoTimeString(t_));
  if (name == "IsZero") return Value(t_.unix_seconds == -62135596800 && t_.nanos == 0);
  if (name == "Local") {
    auto local = InZone(t_, "Local");
    return local.ok() ? MakeTime(*std::move(local)) : MakeTime(t_);
  }
  if (name == "UTC") {
    GoTime utc = t_;
    utc.zone = "UTC";
    utc.offset_seconds = 0;
    return MakeTime(std::move(utc));
  }
  return std::nullopt;
}

Result<Value> TimeObject::Call(std::string_view name, std::span<const Value> args) const {
  if (name == "Format") {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("Format", args, 1));
    VIGIL_ASSIGN_OR_RETURN(std::string layout, StringArg(args[0]));
    return Value(FormatGoTime(t_, layout));
  }
  if (name == "Sub") {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("Sub", args, 1));
    const GoTime* other = AsTime(args[0]);
    if (!other) {
      return Status(StatusCode::kOutOfRange,
                    "wrong type for value; expected time.Time; got " + GoTypeName(args[0]));
    }
    return MakeDuration((t_.unix_seconds - other->unix_seconds) * 1000000000 +
                        (t_.nanos - other->nanos));
  }
  if (name == "Add") {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("Add", args, 1));
    VIGIL_ASSIGN_OR_RETURN(int64_t d, DurationArg(args[0]));
    int64_t nanos = t_.nanos + d % 1000000000;
    GoTime sum = t_;
    sum.unix_seconds += d / 1000000000 + FloorDiv(nanos, 1000000000);
    sum.nanos = static_cast<int32_t>(nanos - FloorDiv(nanos, 1000000000) * 1000000000);
    return MakeTime(std::move(sum));
  }
  return Object::Call(name, args);
}

Result<Value> DurationObject::Call(std::string_view name, std::span<const Value> args) const {
  if (name != "Round" && name != "Truncate") return Object::Call(name, args);
  VIGIL_RETURN_IF_ERROR(CheckArgCount(name, args, 1));
  VIGIL_ASSIGN_OR_RETURN(int64_t m, DurationArg(args[0]));
  if (m <= 0) return MakeDuration(nanos_);
  int64_t r = nanos_ % m;
  if (name == "Truncate") return MakeDuration(nanos_ - r);
  // Round half away from zero, as Go.
  if (nanos_ < 0) {
    r = -r;
    return MakeDuration(r + r < m ? nanos_ + r : nanos_ - m + r);
  }
  return MakeDuration(r + r < m ? nanos_ - r : nanos_ + m - r);
}

const DurationObject* AsDuration(const Value& v) {
  if (!v.is_object()) return nullptr;
  return dynamic_cast<const DurationObject*>(&v.as_object());
}

Result<int64_t> DurationArg(const Value& v) {
  if (const DurationObject* d = AsDuration(v)) return d->nanos();
  if (v.is_int()) return v.as_int();
  return Status(StatusCode::kOutOfRange,
                "wrong type for value; expected time.Duration; got " + GoTypeName(v));
}

std::optional<Value> DurationObject::Field(std::string_view name) const {
  if (name == "Seconds") return Value(static_cast<double>(nanos_) / 1e9);
  if (name == "Minutes") return Value(static_cast<double>(nanos_) / 60e9);
  if (name == "Hours") return Value(static_cast<double>(nanos_) / 3600e9);
  if (name == "Milliseconds") return Value(nanos_ / 1000000);
  if (name == "Nanoseconds") return Value(nanos_);
  if (name == "String") return Value(GoDurationString(nanos_));
  return std::nullopt;
}

Value MakeDuration(int64_t nanos) {
  return Value(std::shared_ptr<const Object>(std::make_shared<DurationObject>(nanos)));
}

Value TimeValue(std::chrono::system_clock::time_point t) {
  int64_t nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  GoTime go;
  go.unix_seconds = FloorDiv(nanos, 1000000000);
  go.nanos = static_cast<int32_t>(nanos - go.unix_seconds * 1000000000);
  return MakeTime(std::move(go));
}

Value MakeTime(GoTime t) {
  return Value(std::shared_ptr<const Object>(std::make_shared<TimeObject>(std::move(t))));
}

const GoTime* AsTime(const Value& v) {
  if (!v.is_object()) return nullptr;
  const auto* time = dynamic_cast<const TimeObject*>(&v.as_object());
  return time ? &time->time() : nullptr;
}

}  // namespace vigil::tmpl
