// The lints of promtool 2.42's `check metrics` (client_golang's promlint),
// written from their documented behaviour.
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>

#include "vigil/expfmt/check.h"

namespace vigil::expfmt {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 24> kUnits = {{
    {"amperes", "amperes"},    {"bytes", "bytes"},     {"celsius", "celsius"},
    {"grams", "grams"},        {"joules", "joules"},   {"kelvin", "kelvin"},
    {"meters", "meters"},      {"metres", "metres"},   {"seconds", "seconds"},
    {"volts", "volts"},        {"minutes", "seconds"}, {"hours", "seconds"},
    {"days", "seconds"},       {"weeks", "seconds"},   {"kelvins", "kelvin"},
    {"fahrenheit", "celsius"}, {"rankine", "celsius"}, {"inches", "meters"},
    {"yards", "meters"},       {"miles", "meters"},    {"bits", "bytes"},
    {"calories", "joules"},    {"pounds", "grams"},    {"ounces", "grams"},
}};

constexpr std::array<std::string_view, 19> kUnitPrefixes = {
    "",     "pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo",
    "kibi", "mega", "mibi", "giga",  "gibi",  "tera",  "tebi", "peta", "pebi"};

constexpr std::array<std::string_view, 14> kUnitAbbreviations = {
    "s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d"};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "_word_" inside, or "_word" at the end.
bool HasWord(std::string_view name, std::string_view word) {
  for (size_t at = name.find(word); at != std::string_view::npos; at = name.find(word, at + 1)) {
    size_t end = at + word.size();
    if (at > 0 && name[at - 1] == '_' && (end == name.size() || name[end] == '_')) return true;
  }
  return false;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The first name segment that is a known unit, with or without a prefix.
bool MetricUnit(std::string_view name, std::string* unit, std::string_view* base) {
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('_', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view segment = name.substr(start, end - start);
    for (std::string_view prefix : kUnitPrefixes) {
      if (segment.substr(0, prefix.size()) != prefix) continue;
      for (const auto& [u, b] : kUnits) {
        if (segment.substr(prefix.size()) == u) {
          *unit = std::string(segment);
          *base = b;
          return true;
        }
      }
    }
    start = end + 1;
  }
  return false;
}

}  // namespace

bool IsCamelCase(std::string_view s) {
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (std::islower(static_cast<unsigned char>(s[i])) &&
        std::isupper(static_cast<unsigned char>(s[i + 1]))) {
      return true;
    }
  }
  return false;
}

void LintMetricFamily(const LintFamily& f, Format format, std::vector<std::string>* out) {
  auto add = [&](std::string_view text) { out->push_back(f.name + " " + std::string(text)); };
  const std::string_view name = f.name;
  const MetricType t = f.type;

  if (!f.has_help) add("no help text");

  std::string unit;
  std::string_view base;
  if (MetricUnit(name, &unit, &base) && unit != base) {
    add("use base unit \"" + std::string(base) + "\" instead of \"" + unit + "\"");
  }

  bool is_counter = t == MetricType::kCounter;
  bool is_untyped = t == MetricType::kUnknown;
  bool has_total = EndsWith(name, "_total");
  if (is_counter && !has_total && format == Format::kText) {
    add("counter metrics should have \"_total\" suffix");
  } else if (!is_untyped && !is_counter && has_total) {
    add("non-counter metrics should not have \"_total\" suffix");
  }

  if (!is_untyped) {
    bool is_histogram = t == MetricType::kHistogram || t == MetricType::kGaugeHistogram;
    bool is_summary = t == MetricType::kSummary;
    if (!is_histogram && EndsWith(name, "_bucket")) {
      add("non-histogram metrics should not have \"_bucket\" suffix");
    }
    if (!is_histogram && !is_summary && EndsWith(name, "_count")) {
      add("non-histogram and non-summary metrics should not have \"_count\" suffix");
    }
    if (!is_histogram && !is_summary && EndsWith(name, "_sum")) {
      add("non-histogram and non-summary metrics should not have \"_sum\" suffix");
    }
    if (!is_histogram && f.has_le_label) add("non-histogram metrics should not have \"le\" label");
    if (!is_summary && f.has_quantile_label) {
      add("non-summary metrics should not have \"quantile\" label");
    }
  }

  std::string lower = Lower(name);
  for (std::string_view type : {"counter", "gauge", "summary", "histogram", "gauge_histogram"}) {
    if (HasWord(lower, type))
      add("metric name should not include type '" + std::string(type) + "'");
  }
  if (name.find(':') != std::string_view::npos) add("metric names should not contain ':'");
  if (IsCamelCase(name)) add("metric names should be written in 'snake_case' not 'camelCase'");
  if (f.has_camel_case_label) add("label names should be written in 'snake_case' not 'camelCase'");
  for (std::string_view abbreviation : kUnitAbbreviations) {
    if (HasWord(lower, abbreviation)) {
      add("metric names should not contain abbreviated units");
      break;
    }
  }
}

}  // namespace vigil::expfmt
