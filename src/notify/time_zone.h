// Time zones for time intervals' `location`: UTC, Local (the process's zone,
// through localtime_r) and IANA names read from the system's zoneinfo files
// (TZif, /usr/share/zoneinfo). libstdc++ 12 has no std::chrono::locate_zone,
// so vigil reads the transition table itself; Debian ships "fat" TZif files
// whose tables run to 2037, and later times keep the last offset.
// Thread-safety: an immutable value once loaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vigil/base/result.h"

namespace vigil::notify {

class TimeZone {
 public:
  // "" and "UTC": UTC; "Local": the process's zone; else an IANA name.
  static Result<TimeZone> Load(const std::string& name);

  // Seconds east of UTC in effect at `unix_seconds`.
  int64_t OffsetAt(int64_t unix_seconds) const;

 private:
  enum class Kind { kUtc, kLocal, kTable };
  Kind kind_ = Kind::kUtc;
  std::vector<int64_t> transitions_;  // sorted unix seconds
  std::vector<int32_t> offsets_;      // offset after each transition
  int32_t initial_offset_ = 0;        // before the first transition
};

}  // namespace vigil::notify
