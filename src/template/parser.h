// Parser for Go text/template source (Go's text/template/parse): builds the
// main tree and the {{define}}d / {{block}} trees of one source text.
// Thread-safety: pure function.
#pragma once

#include <functional>
#include <string_view>

#include "node.h"
#include "vigil/base/result.h"

namespace vigil::tmpl {

struct ParsedSource {
  std::shared_ptr<const Tree> main;
  TreeMap defined;
};

// `has_function` says whether a name may be called; a call to any other name
// fails with `function "NAME" not defined`. Errors read
// "template: NAME:LINE: message".
Result<ParsedSource> ParseSource(std::string_view name, std::string_view text,
                                 const std::function<bool(std::string_view)>& has_function);

}  // namespace vigil::tmpl
