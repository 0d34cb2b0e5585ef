// OpenMetricsParser: OpenMetrics 1.0 text, read as strictly as Prometheus
// 2.42's scraper reads it (model/textparse/openmetricsparse.go): single
// spaces between tokens, no blank lines, no comments besides HELP, TYPE, UNIT
// and the final "# EOF" (required, with nothing after it), timestamps in
// seconds as floats, exemplars on names ending in _total or _bucket only.
// Whatever that scraper rejects is fatal; the spec's other rules are checked
// by OpenMetricsRules and reported as semantic violations.
// Thread-safety: one thread; the body must outlive the parser.
#pragma once

#include <string_view>
#include <vector>

#include "openmetrics_rules.h"
#include "parser_base.h"

namespace vigil::expfmt::internal {

class OpenMetricsParser final : public ParserBase {
 public:
  explicit OpenMetricsParser(std::string_view body) : ParserBase(body), rules_(&violations_) {}

 private:
  Result<Entry> Step() override;
  Result<Entry> ParseMetadata(size_t start);
  Result<Entry> ParseSample(size_t start);
  // *p is just after '{'; on success it is just after '}'.
  bool ParseLabels(size_t* p, std::vector<LabelSpan>* out, bool exemplar);
  // Parses " # {labels} value [timestamp]" from *p (at the space) to the
  // end of the line.
  bool ParseExemplar(size_t* p);
  // A token of [^ \n]+ after one space at *p; empty when there is none.
  std::string_view SpaceToken(size_t* p) const;

  OpenMetricsRules rules_;
  bool done_ = false;
};

}  // namespace vigil::expfmt::internal
