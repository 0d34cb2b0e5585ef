// CheckExposition: everything `vigil check metrics` says about a body — every
// violation of the format (fatal, which stops the parse, and semantic) as
// "line:column: message", and the lint warnings of promtool 2.42's
// `check metrics` (client_golang's promlint) as "<metric> <text>".
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vigil/expfmt/parser.h"

namespace vigil::expfmt {

struct CheckResult {
  // In the order found; a fatal violation, if any, is the last one.
  std::vector<Violation> violations;
  // violations[i].ToString(), each "line:column: message". Exit 1 if any.
  std::vector<std::string> problems;
  // Lint warnings, sorted by metric then text, without repeats.
  std::vector<std::string> warnings;

  bool ok() const { return violations.empty(); }
};

CheckResult CheckExposition(std::string_view body, Format format);

// The promlint checks of one metric family, given what the body said about
// it. Exposed for tests; CheckExposition calls it for each family with
// samples.
struct LintFamily {
  std::string name;
  MetricType type = MetricType::kUnknown;
  bool has_help = false;
  bool has_le_label = false;
  bool has_quantile_label = false;
  bool has_camel_case_label = false;
};
// Appends "<name> <text>" lines to *out. OpenMetrics counter families are
// named without "_total", so the suffix lint is skipped for them.
void LintMetricFamily(const LintFamily& family, Format format, std::vector<std::string>* out);

}  // namespace vigil::expfmt
