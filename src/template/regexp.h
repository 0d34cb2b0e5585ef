// Go's regexp functions for templates on RE2 (the syntax Go's regexp
// implements): MatchString and ReplaceAllString with Go's $1 / ${name}
// expansion. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "vigil/base/result.h"

namespace vigil::tmpl {

// Unanchored match. Errors: "error parsing regexp: ...".
Result<bool> RegexpMatch(std::string_view pattern, std::string_view text);
Result<std::string> RegexpReplaceAll(std::string_view pattern, std::string_view replacement,
                                     std::string_view text);

}  // namespace vigil::tmpl
