#include "time_intervals.h"

#include <algorithm>
#include <chrono>

namespace vigil::notify {
namespace {

bool InRanges(const std::vector<config::InclusiveRange>& ranges, int v) {
  return std::any_of(ranges.begin(), ranges.end(),
                     [v](const config::InclusiveRange& r) { return v >= r.begin && v <= r.end; });
}

}  // namespace

bool SpecContains(const config::TimeIntervalSpec& spec, int64_t t_ms, int64_t offset_seconds) {
  using namespace std::chrono;
  int64_t local_s = t_ms / 1000 - (t_ms % 1000 < 0 ? 1 : 0) + offset_seconds;
  sys_days day = floor<days>(sys_seconds(seconds(local_s)));
  int64_t second_of_day = local_s - duration_cast<seconds>(day.time_since_epoch()).count();
  year_month_day ymd(day);
  int minute = static_cast<int>(second_of_day / 60);
  if (!spec.times.empty() &&
      std::none_of(spec.times.begin(), spec.times.end(), [minute](const config::TimeOfDayRange& r) {
        return minute >= r.start_minute && minute < r.end_minute;
      })) {
    return false;
  }
  if (!spec.weekdays.empty() &&
      !InRanges(spec.weekdays, static_cast<int>(weekday(day).c_encoding()))) {
    return false;
  }
  int mday = static_cast<int>(static_cast<unsigned>(ymd.day()));
  if (!spec.days_of_month.empty()) {
    int in_month = static_cast<int>(
        static_cast<unsigned>(year_month_day_last(ymd.year(), month_day_last(ymd.month())).day()));
    bool in = false;
    // As Alertmanager: negative days count from the month's end; a range
    // starting after the month's end is skipped, the rest clamped to it.
    for (const config::InclusiveRange& r : spec.days_of_month) {
      int begin = r.begin < 0 ? in_month + r.begin + 1 : r.begin;
      int end = r.end < 0 ? in_month + r.end + 1 : r.end;
      if (begin > in_month) continue;
      begin = std::clamp(begin, -in_month, in_month);
      end = std::clamp(end, -in_month, in_month);
      if (mday >= begin && mday <= end) {
        in = true;
        break;
      }
    }
    if (!in) return false;
  }
  if (!spec.months.empty() &&
      !InRanges(spec.months, static_cast<int>(static_cast<unsigned>(ymd.month())))) {
    return false;
  }
  if (!spec.years.empty() && !InRanges(spec.years, static_cast<int>(ymd.year()))) return false;
  return true;
}

Result<TimeIntervals> TimeIntervals::Build(const config::NotificationConfig& config) {
  TimeIntervals out;
  for (const auto* list : {&config.mute_time_intervals, &config.time_intervals}) {
    for (const config::NamedTimeInterval& named : *list) {
      std::vector<Entry>& entries = out.intervals_[named.name];
      for (const config::TimeIntervalSpec& spec : named.time_intervals) {
        Result<TimeZone> zone = TimeZone::Load(spec.location);
        if (!zone.ok()) return zone.status().WithPrefix("time interval " + named.name);
        entries.push_back({&spec, std::move(*zone)});
      }
    }
  }
  return out;
}

bool TimeIntervals::Contains(const std::string& name, int64_t t_ms) const {
  auto it = intervals_.find(name);
  if (it == intervals_.end()) return false;
  for (const Entry& e : it->second) {
    if (SpecContains(*e.spec, t_ms, e.zone.OffsetAt(t_ms / 1000))) return true;
  }
  return false;
}

}  // namespace vigil::notify
