// TextRules: the checks of Go's expfmt.TextParser (prometheus/common, the
// parser `promtool check metrics` uses) that Prometheus 2.42's scraper does
// not make. Each failed check is a semantic violation of the text format:
// the body is ingested, but it is not valid 0.0.4.
//
// Metric families are resolved as the Go parser does: by exact name, or a
// `_sum`/`_count` sample of a summary, or a `_sum`/`_count`/`_bucket` sample
// of a histogram, joins its base family.
// Thread-safety: used by one parser on one thread.
#pragma once

#include <array>
#include <deque>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parser_base.h"

namespace vigil::expfmt::internal {

class TextRules {
 public:
  explicit TextRules(std::vector<Violation>* out) : out_(out) {}

  void OnHelp(std::string_view name, Position at);
  void OnType(std::string_view name, MetricType type, Position at);
  // `same_name`: the previous sample had this name, so it is in the same
  // family (a name's family never changes once resolved).
  void OnSample(std::string_view name, bool same_name, const std::vector<LabelSpan>& labels,
                Position at);

 private:
  struct Family {
    MetricType type = MetricType::kUnknown;
    bool has_help = false;
    bool has_type = false;
    bool has_samples = false;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  Family* Resolve(std::string_view name);
  void CheckFloatLabel(const std::vector<LabelSpan>& labels, std::string_view label, Position at);

  std::vector<Violation>* out_;
  std::deque<Family> families_;
  std::unordered_map<std::string, Family*, Hash, std::equal_to<>> by_name_;
  // The families of the last few names looked up. A body interleaves only a
  // handful (a histogram's _bucket, _sum and _count; gauge families written
  // round-robin), and a few compares cost less than hashing the name.
  struct Recent {
    std::string_view name;
    Family* family = nullptr;
  };
  std::array<Recent, 4> recent_;
  size_t next_recent_ = 0;
  Family* last_sample_ = nullptr;
  std::string scratch_;
};

}  // namespace vigil::expfmt::internal
