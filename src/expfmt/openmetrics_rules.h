// OpenMetricsRules: the semantic rules of OpenMetrics 1.0 that Prometheus
// 2.42's scraper does not enforce — metric family grouping and metadata
// placement, clashing names, counter-like values (no NaN, not negative),
// histogram and gaugehistogram bucket rules, summary quantiles, info and
// stateset values, units on info/stateset, timestamps within a group, and
// exemplar placement and size. Each failed rule is a semantic violation.
//
// Families follow the spec: metadata names a family; a sample belongs to the
// current family when its name is the family name plus a suffix the family's
// type allows, and otherwise starts a new family of type unknown.
// Thread-safety: used by one parser on one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "parser_base.h"

namespace vigil::expfmt::internal {

class OpenMetricsRules {
 public:
  explicit OpenMetricsRules(std::vector<Violation>* out) : out_(out) {}

  // kind is kHelp, kType or kUnit; `type` for kType, `unit` for kUnit.
  void OnMetadata(Parser::Entry kind, std::string_view family, MetricType type,
                  std::string_view unit, Position at);
  void OnSample(const ParserBase& sample, Position at);
  void OnEnd();

 private:
  struct Family {
    bool active = false;
    std::string_view name;
    MetricType type = MetricType::kUnknown;
    bool has_help = false;
    bool has_type = false;
    bool has_unit = false;
    bool has_samples = false;
    std::string_view unit;
    Position at;
  };
  // Histogram rules are checked per label group and timestamp.
  struct HistogramGroup {
    bool active = false;
    uint64_t group = 0;
    bool has_ts = false;
    int64_t ts = 0;
    bool has_bucket = false;
    double last_le = 0;
    double last_value = 0;
    bool has_count = false;
    double count = 0;
    bool has_sum = false;
    bool has_gsum = false;
    bool negative_buckets = false;
    bool negative_gsum = false;
    Position at;
  };

  void Report(Position at, std::string message);
  void StartFamily(std::string_view name, Position at);
  void FinishFamily();
  void FinishHistogramGroup();
  // The suffix of `name` within the current family, if the type allows it.
  bool SuffixInFamily(std::string_view name, std::string_view* suffix) const;
  uint64_t GroupHash(const std::vector<LabelSpan>& labels, std::string_view skip);
  void CheckHistogramSample(std::string_view suffix, const ParserBase& s, uint64_t group,
                            Position at);
  void CheckExemplar(std::string_view suffix, const ParserBase& s, Position at);

  std::vector<Violation>* out_;
  Family family_;
  HistogramGroup hist_;
  bool has_group_ = false;
  uint64_t group_ = 0;
  bool group_has_ts_ = false;
  int64_t group_ts_ = 0;
  std::unordered_set<uint64_t> seen_groups_;
  std::unordered_set<std::string> claimed_names_;
  std::string scratch_;
};

}  // namespace vigil::expfmt::internal
