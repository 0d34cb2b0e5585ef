// The PromQL test-script format parsed into commands (internal to the
// runner): load blocks with expanded series values, clear, and evals with
// their expected results.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/clock.h"
#include "vigil/base/result.h"
#include "vigil/model/labels.h"

namespace vigil::promql::internal {

// One value of an expanded series: nullopt is `_` (no sample).
using SeriesValues = std::vector<std::optional<double>>;

struct LoadSeriesDef {
  model::Labels labels;
  SeriesValues values;
};

struct ExpectedSeries {
  int line = 0;
  std::optional<model::Labels> labels;  // unset: a bare scalar
  SeriesValues values;
};

struct TestCommand {
  enum class Kind { kLoad, kClear, kEval };
  Kind kind = Kind::kClear;
  int line = 0;
  // load
  int64_t step_ms = 0;
  std::vector<LoadSeriesDef> series;
  // eval
  bool fail = false;
  bool ordered = false;
  bool range = false;  // `eval range from .. to .. step ..`
  TimestampMs start = 0;
  TimestampMs end = 0;
  int64_t interval_ms = 0;
  std::string expr;
  std::vector<ExpectedSeries> expected;
};

// Parses a whole script; errors carry "<line>: message".
Result<std::vector<TestCommand>> ParseTestScript(std::string_view content);

// Expands a value list: "1 2 _ 3+1x2 stale _x3".
Result<SeriesValues> ParseSeriesValues(std::string_view text);

// A number as the format writes it (no hex): 1, -2.5, 1e3, Inf, NaN.
std::optional<double> ParseTestNumber(std::string_view s);

}  // namespace vigil::promql::internal
