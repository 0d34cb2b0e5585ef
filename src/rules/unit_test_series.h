// The series notation of rule unit tests: input_series lines (a series
// description and its values in the expanding notation of PromQL test
// scripts) and the label sets of expected samples. Internal to the rules
// module. Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "vigil/base/result.h"
#include "vigil/model/labels.h"

namespace vigil::rules::internal {

struct InputSeriesValues {
  model::Labels labels;
  std::vector<std::optional<double>> values;  // nullopt: no sample at that step
};

// Parses `series` `values` as promtool's loader parses the line
// "<series> <values>"; errors are "1:COL: parse error: ..." with the column
// in that line.
Result<InputSeriesValues> ParseInputSeries(std::string_view series, std::string_view values);

// Prometheus's parser.ParseMetric: a series description with `=` matchers
// only ("up", "{job=\"x\"}", "up{job=\"x\"}"); empty text is no labels.
Result<model::Labels> ParseSeriesLabels(std::string_view text);

}  // namespace vigil::rules::internal
