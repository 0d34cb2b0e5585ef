// Helpers for template functions checking their arguments as Go's template
// package does when it converts arguments to a Go function's parameters.
// Thread-safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "vigil/base/result.h"
#include "vigil/template/template.h"

namespace vigil::tmpl {

// Argument errors are reported without the "error calling NAME:" prefix of
// errors returned by a function, as Go does (a distinct code marks them).
// "wrong number of args for NAME: want N got M":
Status CheckArgCount(std::string_view name, std::span<const Value> args, size_t want);
// For variadic functions: "wrong number of args for NAME: want at least N got M".
Status CheckArgCountAtLeast(std::string_view name, std::span<const Value> args, size_t want);
bool IsArgumentError(const Status& status);

// A string parameter: Go rejects other types ("wrong type for value;
// expected string; got int").
Result<std::string> StringArg(const Value& v);

// Prometheus's convertToFloat: numbers, durations (as seconds, as
// prometheus/common's), and strings parsed as Go's strconv.ParseFloat
// ("strconv.ParseFloat: parsing "x": invalid syntax").
Result<double> FloatArg(const Value& v);

}  // namespace vigil::tmpl
