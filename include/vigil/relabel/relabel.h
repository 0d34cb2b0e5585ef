// Relabeling, as Prometheus 2.42 applies relabel_configs,
// metric_relabel_configs, write_relabel_configs and alert_relabel_configs:
// each rule in order rewrites the label set or drops it.
// Thread-safety: pure functions over immutable rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/config/common.h"
#include "vigil/model/labels.h"

namespace vigil::relabel {

// Applies `rules` to `labels` in order. Returns nullopt when a keep/drop
// rule drops the set. Labels whose value becomes empty are removed.
std::optional<model::Labels> Process(const model::Labels& labels,
                                     const std::vector<config::RelabelConfig>& rules);

// The same on a builder, in place; returns false when the set is dropped.
bool ProcessBuilder(model::LabelsBuilder* builder,
                    const std::vector<config::RelabelConfig>& rules);

// Go's regexp.Expand on a full match of `re` against `src`: $1, ${1},
// $name, ${name}, $$; an unknown group expands to "", a malformed $ stays.
// Returns nullopt when `re` does not match `src`.
std::optional<std::string> ExpandMatch(const config::RelabelConfig& rule, std::string_view src,
                                       std::string_view tmpl);

}  // namespace vigil::relabel
