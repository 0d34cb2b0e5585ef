#include "vigil/model/matcher.h"

#include <re2/re2.h>

#include "vigil/model/labels.h"

namespace vigil::model {

std::string_view MatchTypeString(MatchType type) {
  switch (type) {
    case MatchType::kEqual: return "=";
    case MatchType::kNotEqual: return "!=";
    case MatchType::kRegexMatch: return "=~";
    case MatchType::kRegexNoMatch: return "!~";
  }
  return "=";
}

Result<std::shared_ptr<const re2::RE2>> CompileAnchored(std::string_view pattern) {
  std::string anchored = "^(?:";
  anchored += pattern;
  anchored += ")$";
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const re2::RE2>(anchored, options);
  if (!re->ok()) {
    return InvalidArgument("error parsing regexp: " + re->error() + ": `" + std::string(pattern) +
                           "`");
  }
  return std::shared_ptr<const re2::RE2>(std::move(re));
}

Matcher::Matcher(MatchType type, std::string name, std::string value)
    : type_(type), name_(std::move(name)), value_(std::move(value)) {}

Result<Matcher> Matcher::Make(MatchType type, std::string name, std::string value) {
  Matcher m(type, std::move(name), std::move(value));
  if (type == MatchType::kRegexMatch || type == MatchType::kRegexNoMatch) {
    VIGIL_ASSIGN_OR_RETURN(m.re_, CompileAnchored(m.value_));
  }
  return m;
}

bool Matcher::Matches(std::string_view v) const {
  switch (type_) {
    case MatchType::kEqual: return v == value_;
    case MatchType::kNotEqual: return v != value_;
    case MatchType::kRegexMatch: return RE2::FullMatch(v, *re_);
    case MatchType::kRegexNoMatch: return !RE2::FullMatch(v, *re_);
  }
  return false;
}

std::string Matcher::ToString() const {
  std::string out = name_;
  out += MatchTypeString(type_);
  out += '"';
  AppendEscapedLabelValue(value_, &out);
  out += '"';
  return out;
}

}  // namespace vigil::model
