// PromQL literal values as Prometheus 2.42 reads them: numbers (Go's
// strconv.ParseInt base 0, then ParseFloat) and durations
// (prometheus/common's model.ParseDuration, which must be > 0 in queries),
// with Go's error texts. (Printing is vigil::FormatDuration.)
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "vigil/base/duration.h"
#include "vigil/base/result.h"

namespace vigil::promql {

// "0x1f", "0755", "1.5e3", "Inf", "NaN"; errors read
// `strconv.ParseFloat: parsing "1e": invalid syntax`.
Result<double> ParseNumberLiteral(std::string_view text);

// "1h30m", "5m", "1y"; errors read `not a valid duration string: "1.5h"`,
// `duration out of range` or `duration must be greater than 0`.
Result<Duration> ParseDurationLiteral(std::string_view text);

}  // namespace vigil::promql
