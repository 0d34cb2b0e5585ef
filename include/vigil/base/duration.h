// Durations as Prometheus writes them: "15s", "1m", "1h30m", "2d", "500ms".
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "vigil/base/result.h"

namespace vigil {

using Duration = std::chrono::milliseconds;

// Parses Prometheus's duration syntax: one or more <integer><unit> terms with
// units in the order y, w, d, h, m, s, ms, each at most once; "0" is zero.
// A year is 365 days. Fails on an empty string, a bad unit or units out of
// order ("not a valid duration string: ..."), or past Go's nanosecond range
// ("duration out of range"), with Prometheus's wording.
Result<Duration> ParseDuration(std::string_view text);

// The inverse of ParseDuration, as Prometheus prints durations: "1h30m",
// "0s", and years or weeks only when exact ("8d", not "1w1d").
std::string FormatDuration(Duration d);

}  // namespace vigil
