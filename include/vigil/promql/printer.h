// Renders a PromQL AST back to text exactly as Prometheus 2.42's String()
// does (the single-line form of /api/v1/format_query): canonical spacing,
// lowercase operators, sorted matchers, Go-quoted strings, normalized
// durations and numbers.
// Thread-safety: pure function.
#pragma once

#include <string>

#include "vigil/promql/ast.h"

namespace vigil::promql {

std::string Format(const Expr& e);

}  // namespace vigil::promql
