// How an aggregation's by/without clause groups series (internal).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "vigil/model/labels.h"

namespace vigil::promql::internal {

// A key equal for two label sets exactly when they fall in the same group.
// `grouping` is sorted; without drops __name__ too.
std::string GroupingKey(const model::Labels& l, const std::vector<std::string>& grouping,
                        bool without);
// The labels of the group `l` falls in.
model::Labels GroupLabels(const model::Labels& l, const std::vector<std::string>& grouping,
                          bool without);

}  // namespace vigil::promql::internal
