// Writing the Prometheus text format 0.0.4, as Go's expfmt text encoder does:
// `# TYPE` lines, then one line per sample with its labels in the given
// order, values as Go's FormatFloat 'g' ("+Inf", "-Inf", "NaN") and an
// optional millisecond timestamp. Used by /federate.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/model/labels.h"

namespace vigil::expfmt {

// Appends "# TYPE <family> <type>\n".
void AppendTypeLine(std::string_view family, std::string_view type, std::string* out);

// Appends `name{l1="v1",...} value [timestamp]\n`, label values escaped
// (\\, \", \n); no braces when `labels` is empty.
void AppendSampleLine(std::string_view name, const std::vector<model::Label>& labels, double value,
                      std::optional<int64_t> timestamp_ms, std::string* out);

}  // namespace vigil::expfmt
