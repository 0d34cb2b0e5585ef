// The in-memory inverted index: label name → value → sorted series refs, and
// the evaluation of label matchers against it (intersection, union,
// subtraction of sorted lists), with fast paths for `=`, regex literal
// alternations (a|b|c) and regex literal prefixes (foo.*).
// Thread-safety: every method may be called from any thread (a shared mutex
// guards the index).
#pragma once

#include <functional>
#include <map>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/model/labels.h"
#include "vigil/model/matcher.h"
#include "vigil/tsdb/appender.h"

namespace vigil::tsdb {

using Postings = std::vector<SeriesRef>;  // sorted, unique

Postings Intersect(const Postings& a, const Postings& b);
Postings Merge(const Postings& a, const Postings& b);
Postings Subtract(const Postings& a, const Postings& b);

// How a regex matcher's value can be answered without running the regex.
struct RegexShape {
  enum class Kind { kGeneral, kLiterals, kPrefix };
  Kind kind = Kind::kGeneral;
  std::vector<std::string> literals;  // kLiterals: the alternatives
  std::string prefix;                 // kPrefix: `prefix.*`
};
RegexShape AnalyzeRegex(std::string_view pattern);

class PostingsIndex {
 public:
  // Adds `ref` under every pair of `labels`, and to the all-series list.
  void Add(SeriesRef ref, const model::Labels& labels);
  // Removes `ref` (added with `labels`); values and names left empty go.
  void Remove(SeriesRef ref, const model::Labels& labels);

  // Series matching every matcher (Prometheus semantics: a matcher that
  // matches "" also selects series without the label). No matchers: all.
  Postings Select(const std::vector<model::Matcher>& matchers) const;

  std::vector<std::string> LabelNames() const;
  std::vector<std::string> LabelValues(std::string_view name) const;
  // Number of series per label name and per name=value (for analyze).
  size_t NumSeries() const;
  void ForEachValue(const std::function<void(std::string_view name, std::string_view value,
                                             size_t series)>& fn) const;

 private:
  using ValueMap = std::map<std::string, Postings, std::less<>>;
  // Union of the postings of `name`'s values that `m` accepts (shared lock held).
  Postings MatchingValues(const model::Matcher& m, bool want_match) const;

  mutable std::shared_mutex mu_;
  std::map<std::string, ValueMap, std::less<>> index_;  // guarded by mu_
  Postings all_;                                         // guarded by mu_
};

}  // namespace vigil::tsdb
