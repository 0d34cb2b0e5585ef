#include "openmetrics_rules.h"

#include <cmath>
#include <functional>

#include "families.h"
#include "lex_util.h"

namespace vigil::expfmt::internal {
namespace {

bool IsHistogramType(MetricType t) {
  return t == MetricType::kHistogram || t == MetricType::kGaugeHistogram;
}

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

bool IsInteger(double v) { return std::isfinite(v) && v == std::floor(v); }

// A label value holding a number as the spec wants it: parseable, not NaN,
// infinities spelled "+Inf" / "-Inf".
bool ParseCanonicalNumber(std::string_view s, double* v) {
  if (!ParseGoFloat(s, v) || std::isnan(*v)) return false;
  if (std::isinf(*v)) return s == "+Inf" || s == "-Inf";
  return true;
}

const LabelSpan* FindLabel(const std::vector<LabelSpan>& labels, std::string_view name) {
  for (const LabelSpan& l : labels) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

}  // namespace

void OpenMetricsRules::Report(Position at, std::string message) {
  out_->push_back(Violation{at, std::move(message), false});
}

bool OpenMetricsRules::SuffixInFamily(std::string_view name, std::string_view* suffix) const {
  if (!family_.active || name.substr(0, family_.name.size()) != family_.name) return false;
  std::string_view rest = name.substr(family_.name.size());
  for (std::string_view s : OpenMetricsSuffixes(family_.type)) {
    if (rest == s) {
      *suffix = s;
      return true;
    }
  }
  return false;
}

void OpenMetricsRules::StartFamily(std::string_view name, Position at) {
  family_ = Family{};
  family_.active = true;
  family_.name = name;
  family_.at = at;
  has_group_ = false;
  seen_groups_.clear();
  hist_ = HistogramGroup{};
}

void OpenMetricsRules::FinishFamily() {
  if (!family_.active) return;
  FinishHistogramGroup();
  if (!family_.unit.empty() &&
      (family_.type == MetricType::kInfo || family_.type == MetricType::kStateset)) {
    Report(family_.at, "metric family " + std::string(family_.name) +
                           ": units are not allowed for " + std::string(TypeName(family_.type)));
  }
  std::string name;
  std::span<const std::string_view> suffixes = OpenMetricsSuffixes(family_.type);
  bool bare_listed = false;
  for (std::string_view s : suffixes) bare_listed |= s.empty();
  auto claim = [&](std::string_view suffix) {
    name.assign(family_.name);
    name.append(suffix);
    if (!claimed_names_.insert(name).second) {
      Report(family_.at, "clashing name: " + name + " (metric family " + std::string(family_.name) +
                             ") was used by an earlier family");
    }
  };
  if (!bare_listed) claim("");
  for (std::string_view s : suffixes) claim(s);
  family_.active = false;
}

void OpenMetricsRules::OnMetadata(Parser::Entry kind, std::string_view family, MetricType type,
                                  std::string_view unit, Position at) {
  if (!family_.active || family != family_.name) {
    FinishFamily();
    StartFamily(family, at);
  } else if (family_.has_samples) {
    Report(at, "metadata for metric family " + std::string(family) + " after its samples");
  }
  switch (kind) {
    case Parser::Entry::kHelp:
      if (family_.has_help) Report(at, "second HELP for metric family " + std::string(family));
      family_.has_help = true;
      break;
    case Parser::Entry::kType:
      if (family_.has_type) Report(at, "second TYPE for metric family " + std::string(family));
      family_.has_type = true;
      family_.type = type;
      break;
    case Parser::Entry::kUnit:
      if (family_.has_unit) Report(at, "second UNIT for metric family " + std::string(family));
      family_.has_unit = true;
      family_.unit = unit;
      break;
    default:
      break;
  }
}

uint64_t OpenMetricsRules::GroupHash(const std::vector<LabelSpan>& labels, std::string_view skip) {
  // Order-independent: a sum of one mixed hash per label.
  uint64_t h = 0;
  uint64_t count = 0;
  std::hash<std::string_view> hasher;
  for (const LabelSpan& l : labels) {
    if (l.name == skip) continue;
    ++count;
    uint64_t lh = Mix(hasher(l.name) * 31 + hasher(LabelValue(l, &scratch_)));
    h += lh;
  }
  return Mix(h + count);
}

void OpenMetricsRules::FinishHistogramGroup() {
  if (!hist_.active) return;
  const HistogramGroup& g = hist_;
  auto fam = [this] { return "histogram " + std::string(family_.name) + ": "; };
  if (!g.has_bucket || !std::isinf(g.last_le)) Report(g.at, fam() + "+Inf bucket missing");
  if (g.has_count && g.has_bucket && g.count != g.last_value) {
    Report(g.at, fam() + "count does not match the +Inf bucket");
  }
  if (g.has_sum && !g.has_count) Report(g.at, fam() + "_count must be present if _sum is present");
  if (g.has_gsum && !g.has_count)
    Report(g.at, fam() + "_gcount must be present if _gsum is present");
  if (!(g.has_sum || g.has_gsum) && g.has_count) {
    Report(g.at, fam() + "_sum/_gsum must be present if _count is present");
  }
  if (g.negative_buckets && g.has_sum)
    Report(g.at, fam() + "_sum is not allowed with negative buckets");
  if (!g.negative_buckets && g.negative_gsum) {
    Report(g.at, fam() + "negative _gsum is not allowed with non-negative buckets");
  }
  hist_.active = false;
}

void OpenMetricsRules::CheckHistogramSample(std::string_view suffix, const ParserBase& s,
                                            uint64_t group, Position at) {
  std::optional<int64_t> ts = s.TimestampMs();
  if (!hist_.active || hist_.group != group || hist_.has_ts != ts.has_value() ||
      (ts && hist_.ts != *ts)) {
    FinishHistogramGroup();
    hist_ = HistogramGroup{};
    hist_.active = true;
    hist_.group = group;
    hist_.has_ts = ts.has_value();
    hist_.ts = ts.value_or(0);
    hist_.at = at;
  }
  double v = s.Value();
  auto fam = [this] { return "histogram " + std::string(family_.name) + ": "; };
  if (suffix == "_bucket") {
    const LabelSpan* le = FindLabel(s.LabelSpans(), "le");
    double bound;
    if (le == nullptr || !ParseCanonicalNumber(LabelValue(*le, &scratch_), &bound)) {
      Report(at, fam() + "bucket without a valid \"le\" label");
      return;
    }
    if (!IsInteger(v)) Report(at, fam() + "bucket value must be an integer");
    if (bound < 0) hist_.negative_buckets = true;
    if (hist_.has_bucket && bound <= hist_.last_le) Report(at, fam() + "buckets out of order");
    if (hist_.has_bucket && v < hist_.last_value) Report(at, fam() + "bucket values out of order");
    hist_.has_bucket = true;
    hist_.last_le = bound;
    hist_.last_value = v;
  } else if (suffix == "_count" || suffix == "_gcount") {
    if (!IsInteger(v)) Report(at, fam() + "count value must be an integer");
    hist_.has_count = true;
    hist_.count = v;
  } else if (suffix == "_sum") {
    hist_.has_sum = true;
  } else if (suffix == "_gsum") {
    hist_.has_gsum = true;
    if (v < 0) hist_.negative_gsum = true;
  }
}

void OpenMetricsRules::CheckExemplar(std::string_view suffix, const ParserBase& s, Position at) {
  bool allowed = (IsHistogramType(family_.type) && suffix == "_bucket") ||
                 (family_.type == MetricType::kCounter && suffix == "_total");
  if (!allowed) {
    Report(at, "exemplars are only allowed on histogram buckets and counter totals");
  }
  size_t chars = 0;
  const std::vector<LabelSpan>& labels = s.ExemplarLabelSpans();
  for (size_t i = 0; i < labels.size(); ++i) {
    chars += CountCodePoints(labels[i].name) + CountCodePoints(LabelValue(labels[i], &scratch_));
    for (size_t j = 0; j < i; ++j) {
      if (labels[j].name == labels[i].name) {
        Report(at, "duplicate exemplar label " + std::string(labels[i].name));
      }
    }
  }
  if (chars > 128) Report(at, "exemplar labels exceed 128 characters");
}

void OpenMetricsRules::OnSample(const ParserBase& s, Position at) {
  std::string_view name = s.MetricName();
  std::string_view suffix;
  if (!SuffixInFamily(name, &suffix)) {
    FinishFamily();
    StartFamily(name, at);
    suffix = {};
  }
  family_.has_samples = true;
  const MetricType type = family_.type;
  const std::vector<LabelSpan>& labels = s.LabelSpans();
  const double v = s.Value();
  auto fam = [this] { return std::string(family_.name); };

  std::string_view skip;
  if (type == MetricType::kSummary && suffix.empty()) skip = "quantile";
  if (type == MetricType::kStateset) skip = family_.name;
  if (IsHistogramType(type) && suffix == "_bucket") skip = "le";
  uint64_t group = type == MetricType::kInfo ? 0 : GroupHash(labels, skip);

  std::optional<int64_t> ts = s.TimestampMs();
  if (has_group_ && group != group_ && seen_groups_.count(group) != 0) {
    Report(at, "metric family " + fam() + ": samples of a label set are not grouped together");
  }
  if (has_group_ && group == group_) {
    if (group_has_ts_ != ts.has_value()) {
      Report(at, "metric family " + fam() + ": mix of samples with and without timestamps");
    } else if (ts && *ts < group_ts_ && type != MetricType::kInfo) {
      Report(at, "metric family " + fam() + ": timestamps go backwards");
    }
  }
  has_group_ = true;
  group_ = group;
  group_has_ts_ = ts.has_value();
  group_ts_ = ts.value_or(0);
  seen_groups_.insert(group);

  if (IsHistogramType(type)) CheckHistogramSample(suffix, s, group, at);
  if (type == MetricType::kSummary && suffix.empty()) {
    const LabelSpan* q = FindLabel(labels, "quantile");
    double qv;
    if (q == nullptr || !ParseCanonicalNumber(LabelValue(*q, &scratch_), &qv) || qv < 0 || qv > 1) {
      Report(at, "summary " + fam() + ": missing or invalid \"quantile\" label");
    }
    if (v < 0) Report(at, "summary " + fam() + ": quantile values cannot be negative");
  }
  if (type == MetricType::kStateset) {
    if (FindLabel(labels, family_.name) == nullptr) {
      Report(at, "stateset " + fam() + ": missing the label named after the family");
    }
    if (v != 0 && v != 1) Report(at, "stateset " + fam() + ": values can only be 0 or 1");
  }
  if (type == MetricType::kInfo && v != 1) Report(at, "info " + fam() + ": value must be 1");

  bool counter_like = suffix == "_total" || suffix == "_sum" || suffix == "_count" ||
                      suffix == "_bucket" || suffix == "_gcount";
  if ((counter_like || suffix == "_gsum") && std::isnan(v)) {
    Report(at, "metric family " + fam() + ": counter-like value cannot be NaN");
  } else if (counter_like && v < 0) {
    Report(at, "metric family " + fam() + ": counter-like value cannot be negative");
  }
  if (s.HasExemplar()) CheckExemplar(suffix, s, at);
}

void OpenMetricsRules::OnEnd() { FinishFamily(); }

}  // namespace vigil::expfmt::internal
