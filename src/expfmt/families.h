// Which sample names belong to a metric family of a given type: the suffixes
// OpenMetrics 1.0 allows per type, and the ones Go's text parser folds into
// a summary or histogram family.
// Thread-safety: pure functions over constant tables.
#pragma once

#include <span>
#include <string_view>

#include "vigil/expfmt/parser.h"

namespace vigil::expfmt::internal {

// "" stands for the bare family name.
std::span<const std::string_view> OpenMetricsSuffixes(MetricType type);
std::span<const std::string_view> TextSuffixes(MetricType type);
std::string_view TypeName(MetricType type);

}  // namespace vigil::expfmt::internal
