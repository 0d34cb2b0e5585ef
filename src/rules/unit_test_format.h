// Go's formatting of the values promtool's unit-test messages print, so
// `vigil test rules` reads like `promtool test rules` 2.42. Internal to the
// rules module. Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "vigil/base/duration.h"
#include "vigil/model/labels.h"

namespace vigil::rules::internal {

// strconv.Quote (fmt's %q) for the printable UTF-8 that label values and
// expressions hold: "..." with \" \\ \n \t \r and \xNN for other control bytes.
std::string GoQuote(std::string_view s);

// Prometheus's labels.Labels.String(): {__name__="up", job="x"}, every label
// (the metric name included) in braces, values %q-quoted; "{}" when empty.
std::string GoLabelsString(const model::Labels& labels);

// strconv.FormatFloat(v, 'E', -1, 64): 1E+00, 3.0000000000000004E-01, NaN, +Inf.
std::string GoFloatE(double v);

// time.Duration.String() for a whole number of milliseconds: 0s, 500ms,
// 1m0s, 1h0m0s, 2562047h47m16.854s.
std::string GoDurationString(Duration d);

}  // namespace vigil::rules::internal
