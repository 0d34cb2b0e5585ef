// CheckExposition: one parse collecting every violation, then promlint.
#include "vigil/expfmt/check.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <string>

#include "families.h"
#include "vigil/model/labels.h"

namespace vigil::expfmt {

bool IsCamelCase(std::string_view s);  // lint.cpp

namespace {

struct FamilyInfo {
  LintFamily lint;
  bool typed = false;
  bool has_samples = false;
};

using Families = std::map<std::string, FamilyInfo, std::less<>>;

FamilyInfo& FamilyOf(Families& families, std::string_view name) {
  auto it = families.find(name);
  if (it == families.end()) {
    it = families.emplace(std::string(name), FamilyInfo{}).first;
    it->second.lint.name = std::string(name);
  }
  return it->second;
}

// The family a sample belongs to: its own name, or a typed base family whose
// type has the sample's suffix.
FamilyInfo& SampleFamily(Families& families, std::string_view name, Format format) {
  auto it = families.find(name);
  if (it != families.end() && it->second.typed) return it->second;
  for (size_t cut = name.rfind('_'); cut != std::string_view::npos && cut > 0;
       cut = name.rfind('_', cut - 1)) {
    auto base = families.find(name.substr(0, cut));
    if (base == families.end() || !base->second.typed) continue;
    for (std::string_view s : format == Format::kText
                                  ? internal::TextSuffixes(base->second.lint.type)
                                  : internal::OpenMetricsSuffixes(base->second.lint.type)) {
      if (!s.empty() && name.substr(cut) == s) return base->second;
    }
  }
  return FamilyOf(families, name);
}

Violation FromStatus(const Status& s) {
  // Fatal statuses are "line:column: message".
  Violation v;
  v.fatal = true;
  const std::string& m = s.message();
  const char* p = m.data();
  const char* end = m.data() + m.size();
  auto r1 = std::from_chars(p, end, v.position.line);
  if (r1.ec == std::errc() && r1.ptr < end && *r1.ptr == ':') {
    auto r2 = std::from_chars(r1.ptr + 1, end, v.position.column);
    if (r2.ec == std::errc() && end - r2.ptr >= 2) {
      v.message = std::string(r2.ptr + 2, end);
      return v;
    }
  }
  v.message = m;
  return v;
}

}  // namespace

CheckResult CheckExposition(std::string_view body, Format format) {
  CheckResult result;
  std::unique_ptr<Parser> parser = Parser::New(body, format);
  Families families;
  Status fatal;
  model::Labels labels;
  for (;;) {
    Result<Parser::Entry> entry = parser->Next();
    if (!entry.ok()) {
      fatal = entry.status();
      break;
    }
    if (*entry == Parser::Entry::kEnd) break;
    switch (*entry) {
      case Parser::Entry::kHelp:
        FamilyOf(families, parser->MetricFamily()).lint.has_help = true;
        break;
      case Parser::Entry::kType: {
        FamilyInfo& f = FamilyOf(families, parser->MetricFamily());
        if (!f.typed) {
          f.typed = true;
          f.lint.type = parser->Type();
        }
        break;
      }
      case Parser::Entry::kSeries: {
        parser->Labels(&labels);
        FamilyInfo& f = SampleFamily(families, labels.MetricName(), format);
        f.has_samples = true;
        for (const model::Label& l : labels) {
          if (l.name == model::kMetricName) continue;
          if (l.name == "le") f.lint.has_le_label = true;
          if (l.name == "quantile") f.lint.has_quantile_label = true;
          if (IsCamelCase(l.name)) f.lint.has_camel_case_label = true;
        }
        break;
      }
      default:
        break;
    }
  }
  result.violations = parser->SemanticViolations();
  if (!fatal.ok()) result.violations.push_back(FromStatus(fatal));
  for (const Violation& v : result.violations) result.problems.push_back(v.ToString());
  if (fatal.ok()) {
    for (const auto& [name, f] : families) {
      if (f.has_samples) LintMetricFamily(f.lint, format, &result.warnings);
    }
    std::sort(result.warnings.begin(), result.warnings.end());
    result.warnings.erase(std::unique(result.warnings.begin(), result.warnings.end()),
                          result.warnings.end());
  }
  return result;
}

}  // namespace vigil::expfmt
