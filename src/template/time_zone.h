// Go's time.LoadLocation + Time.In for the `tz` template function: zones
// read from the system's TZif files (/usr/share/zoneinfo). Thread-safety:
// pure function (reads the file on each call).
#pragma once

#include <string_view>

#include "go_time.h"
#include "vigil/base/result.h"

namespace vigil::tmpl {

// `t` in the zone `name` ("UTC", "Europe/Paris", ...). Errors as Go's:
// "unknown time zone NAME", "time: invalid location name".
Result<GoTime> InZone(const GoTime& t, std::string_view name);

}  // namespace vigil::tmpl
