// Named time intervals (`time_intervals`, `mute_time_intervals`), in
// Alertmanager 0.25's format (timeinterval/timeinterval.go): "09:00"-"17:00",
// "monday:friday", "1:5" / "-3:-1", "january:march" / "1:3", "2020:2022".
#include <cctype>
#include <charconv>
#include <filesystem>
#include <map>

#include "internal.h"

namespace vigil::config::internal {
namespace {

enum class RangeKind { kWeekday, kDayOfMonth, kMonth, kYear };

const std::map<std::string, int>& Weekdays() {
  static const std::map<std::string, int> kDays = {
      {"sunday", 0},   {"monday", 1}, {"tuesday", 2},  {"wednesday", 3},
      {"thursday", 4}, {"friday", 5}, {"saturday", 6},
  };
  return kDays;
}

const std::map<std::string, int>& Months() {
  static const std::map<std::string, int> kMonths = {
      {"january", 1},   {"february", 2}, {"march", 3},     {"april", 4},
      {"may", 5},       {"june", 6},     {"july", 7},      {"august", 8},
      {"september", 9}, {"october", 10}, {"november", 11}, {"december", 12},
  };
  return kMonths;
}

// Go's strconv.Atoi: optional sign, decimal digits.
bool Atoi(std::string_view s, int* out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// One end of a range. Returns "" or the error.
std::string Member(RangeKind kind, const std::string& s, int* out) {
  switch (kind) {
    case RangeKind::kWeekday: {
      auto it = Weekdays().find(s);
      if (it == Weekdays().end()) return s + " is not a valid weekday";
      *out = it->second;
      return "";
    }
    case RangeKind::kMonth: {
      auto it = Months().find(s);
      if (it != Months().end()) {
        *out = it->second;
        return "";
      }
      if (!Atoi(s, out)) return s + " is not a valid month";
      if (*out < 1 || *out > 12) return s + " is not a valid month: out of range";
      return "";
    }
    case RangeKind::kDayOfMonth:
      if (!Atoi(s, out)) return s + " is not a valid day of the month";
      return "";
    case RangeKind::kYear:
      if (!Atoi(s, out)) return s + " is not a valid year";
      return "";
  }
  return "";
}

std::string ParseRange(RangeKind kind, std::string_view text, InclusiveRange* r) {
  std::string in;
  for (char c : text) in += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t colon = in.find(':');
  std::string begin = in.substr(0, colon);
  std::string end = colon == std::string::npos ? begin : in.substr(colon + 1);
  if (colon != std::string::npos && end.find(':') != std::string::npos) {
    return "couldn't parse range " + in + ", invalid format";
  }
  if (std::string err = Member(kind, begin, &r->begin); !err.empty()) return err;
  if (std::string err = Member(kind, end, &r->end); !err.empty()) return err;
  switch (kind) {
    case RangeKind::kWeekday:
      if (r->begin > r->end) return "start day cannot be after end day: " + in;
      return "";
    case RangeKind::kMonth:
      if (r->begin > r->end) return "end month " + end + " is before start month " + begin;
      return "";
    case RangeKind::kYear:
      if (r->begin > r->end) {
        return "end year " + std::to_string(r->end) + " is before start year " +
               std::to_string(r->begin);
      }
      return "";
    case RangeKind::kDayOfMonth: {
      for (int day : {r->begin, r->end}) {
        if (day == 0 || day < -31 || day > 31) {
          return std::to_string(day) + " is not a valid day of the month: out of range";
        }
      }
      if (r->begin < 0 && r->end > 0) return "end day must be negative if start day is negative";
      int check_begin = r->begin < 0 ? 28 + r->begin : r->begin;
      int check_end = r->end < 0 ? 28 + r->end : r->end;
      if (check_begin > check_end) {
        return "end day " + std::to_string(r->end) + " is always before start day " +
               std::to_string(r->begin);
      }
      return "";
    }
  }
  return "";
}

// "HH:MM", 00:00 to 24:00, as minutes of the day.
std::string ParseTimeOfDay(std::string_view s, int* minutes) {
  bool ok = s.size() == 5 && s[2] == ':' && std::isdigit(static_cast<unsigned char>(s[0])) &&
            std::isdigit(static_cast<unsigned char>(s[1])) && s[3] >= '0' && s[3] <= '5' &&
            std::isdigit(static_cast<unsigned char>(s[4]));
  int hours = ok ? (s[0] - '0') * 10 + (s[1] - '0') : 0;
  int mins = ok ? (s[3] - '0') * 10 + (s[4] - '0') : 0;
  if (!ok || hours > 24 || (hours == 24 && mins != 0)) {
    return "couldn't parse timestamp " + std::string(s) + ", invalid format";
  }
  *minutes = hours * 60 + mins;
  return "";
}

// As Go's time.LoadLocation: "", "UTC", "Local" or a tz database name.
bool IsKnownLocation(const std::string& name) {
  if (name.empty() || name == "UTC" || name == "Local") return true;
  if (name.front() == '/' || name.find("..") != std::string::npos) return false;
  std::error_code ec;
  return std::filesystem::is_regular_file("/usr/share/zoneinfo/" + name, ec);
}

void DecodeRangeList(MapReader& r, std::string_view key, RangeKind kind,
                     std::vector<InclusiveRange>* out) {
  std::vector<std::string> items;
  if (!r.StringList(key, &items)) return;
  const YAML::Node list = r.Get(key);
  for (size_t i = 0; i < items.size(); ++i) {
    InclusiveRange range;
    if (std::string err = ParseRange(kind, items[i], &range); !err.empty()) {
      r.decoder().Error(list[i].Mark(), r.KeyPath(key) + "[" + std::to_string(i) + "]", err);
    } else {
      out->push_back(range);
    }
  }
}

void DecodeTimeRange(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                     const std::string& path, TimeOfDayRange* out) {
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  std::string start;
  std::string end;
  r.String("start_time", &start);
  r.String("end_time", &end);
  r.Done();
  if (start.empty() || end.empty()) {
    r.ErrorHere("both start and end times must be provided");
    return;
  }
  std::string err = ParseTimeOfDay(start, &out->start_minute);
  if (err.empty()) err = ParseTimeOfDay(end, &out->end_minute);
  if (err.empty() && out->start_minute >= out->end_minute) {
    err = "start time cannot be equal or greater than end time";
  }
  if (!err.empty()) r.ErrorHere(err);
}

void DecodeSpec(Decoder& d, const YAML::Node& node, const YAML::Mark& mark, const std::string& path,
                TimeIntervalSpec* out) {
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  r.List("times", &out->times,
         [&d](const YAML::Node& n, const YAML::Mark& m, const std::string& p, TimeOfDayRange* t) {
           DecodeTimeRange(d, n, m, p, t);
         });
  DecodeRangeList(r, "weekdays", RangeKind::kWeekday, &out->weekdays);
  DecodeRangeList(r, "days_of_month", RangeKind::kDayOfMonth, &out->days_of_month);
  DecodeRangeList(r, "months", RangeKind::kMonth, &out->months);
  DecodeRangeList(r, "years", RangeKind::kYear, &out->years);
  if (r.String("location", &out->location) && !IsKnownLocation(out->location)) {
    r.Error("location", "unknown time zone " + out->location);
  }
  r.Done();
}

}  // namespace

void DecodeNamedTimeInterval(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                             const std::string& path, NamedTimeInterval* out) {
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  if (!r.String("name", &out->name) || out->name.empty()) {
    r.ErrorHere("missing name in time interval");
  }
  r.List("time_intervals", &out->time_intervals,
         [&d](const YAML::Node& n, const YAML::Mark& m, const std::string& p, TimeIntervalSpec* s) {
           DecodeSpec(d, n, m, p, s);
         });
  r.Done();
}

}  // namespace vigil::config::internal
