// Label matchers: =, !=, =~, !~. Regular expressions are RE2 (the syntax
// Prometheus uses, in linear time) and fully anchored, as in Prometheus.
// Thread-safety: an immutable value; Matches may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "vigil/base/result.h"

namespace re2 {
class RE2;
}

namespace vigil::model {

enum class MatchType { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

std::string_view MatchTypeString(MatchType type);  // "=", "!=", "=~", "!~"

class Matcher {
 public:
  // Fails with the RE2 error when a regex does not compile.
  static Result<Matcher> Make(MatchType type, std::string name, std::string value);

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }

  bool Matches(std::string_view v) const;
  // name="value" with the value escaped.
  std::string ToString() const;

 private:
  Matcher(MatchType type, std::string name, std::string value);

  MatchType type_;
  std::string name_;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;  // set for regex types; shared by copies
};

// Compiles `pattern` fully anchored (^(?:pattern)$); for relabel configs and
// matchers. Fails with the RE2 error text.
Result<std::shared_ptr<const re2::RE2>> CompileAnchored(std::string_view pattern);

}  // namespace vigil::model
