// The PromQL parser: text to a type-checked AST (ast.h), with Prometheus
// 2.42's grammar, precedence, checks and error messages.
//
// Errors are InvalidArgument with Prometheus's text, e.g.
//   1:7: parse error: unexpected <op:*>
// (line:column of the first error, columns counted in bytes from 1). Like
// Prometheus, only the first error is reported; syntax errors come first and
// type errors are only looked for in a syntactically valid query.
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/result.h"
#include "vigil/model/matcher.h"
#include "vigil/promql/ast.h"

namespace vigil::promql {

// Where and why a parse failed, for callers that re-position the error
// (rule files: the expression's line in the file).
struct ParseErrorDetail {
  PosRange pos;         // byte range in the input
  std::string message;  // without the "line:col: parse error: " prefix
};

// Parses and type-checks a PromQL expression. On failure *detail (when not
// null) receives the first error.
Result<ExprPtr> ParseExpr(std::string_view input, ParseErrorDetail* detail = nullptr);

// Parses a series selector as in the HTTP API's match[] parameter:
// `up`, `{job="x"}`, `up{job=~"a|b"}`. Returns its matchers (the metric name
// as a __name__ matcher, last). Like Prometheus, it does not require a
// non-empty matcher; callers that need one check it.
Result<std::vector<model::Matcher>> ParseMetricSelector(std::string_view input,
                                                        ParseErrorDetail* detail = nullptr);

// "line:col: parse error: message" for a byte position in `input`.
std::string FormatParseError(std::string_view input, int pos, std::string_view message);

}  // namespace vigil::promql
