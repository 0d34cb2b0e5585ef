// The functions over a range vector (rate, *_over_time, deriv, ...)
// (internal). Each sees one series' points in one step's window.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "vigil/base/clock.h"
#include "vigil/base/result.h"
#include "vigil/promql/value.h"

namespace vigil::promql::internal {

struct RangeArgs {
  std::span<const Point> points;  // never empty, stale markers removed
  TimestampMs ts = 0;             // the evaluation step
  TimestampMs range_start = 0;    // ts - offset - range
  TimestampMs range_end = 0;      // ts - offset
  int64_t range_ms = 0;
  std::span<const double> scalars;  // the scalar arguments at this step
  // True when no point of the whole series is below the one before it, so
  // counter functions need not look for resets in the window.
  bool never_decreases = false;
};

// The value for this window, nothing, or an error (bad holt_winters factors).
using RangeFunction = Result<std::optional<double>> (*)(const RangeArgs& a);

// nullptr when `name` is not a range-vector function.
RangeFunction LookupRangeFunction(std::string_view name);

}  // namespace vigil::promql::internal
