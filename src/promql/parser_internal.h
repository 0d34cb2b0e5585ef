// Internals shared by the parser's files: the syntax pass (parser.cpp) and
// the type-checking pass (check.cpp).
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "vigil/promql/ast.h"
#include "vigil/promql/parser.h"

namespace vigil::promql {

// Prometheus's checkAST: type-checks a syntactically valid tree, completing
// it as Prometheus does (set operators become many-to-many, vector matching
// is dropped when a side is a scalar). Returns the first error.
std::optional<ParseErrorDetail> CheckAst(Expr& root, std::string_view input);

}  // namespace vigil::promql
