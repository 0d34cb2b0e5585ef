// Alertmanager's time intervals (mute_time_intervals / active_time_intervals
// of a route): whether an instant falls in a named interval.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "time_zone.h"
#include "vigil/config/notifications.h"

namespace vigil::notify {

// The config's named intervals (both `time_intervals` and the older
// `mute_time_intervals`) with their zones loaded.
class TimeIntervals {
 public:
  // Fails when a `location` names a zone this machine does not have.
  static Result<TimeIntervals> Build(const config::NotificationConfig& config);

  // Whether `t_ms` is inside any entry of the interval `name` (unknown names
  // contain nothing; the config loader already refused them).
  bool Contains(const std::string& name, int64_t t_ms) const;

 private:
  struct Entry {
    const config::TimeIntervalSpec* spec;
    TimeZone zone;
  };
  std::map<std::string, std::vector<Entry>> intervals_;
};

// One entry, at `t_ms` in a zone whose offset then is `offset_seconds`.
bool SpecContains(const config::TimeIntervalSpec& spec, int64_t t_ms, int64_t offset_seconds);

}  // namespace vigil::notify
