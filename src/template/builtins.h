// Go text/template's builtin functions except the short-circuiting `and`
// and `or`, which the executor evaluates itself. Thread-safety: the map is
// built once and never changed.
#pragma once

#include "vigil/template/template.h"

namespace vigil::tmpl {

const FuncMap& BuiltinFunctions();
// True for every builtin name, including and/or.
bool IsBuiltinFunction(std::string_view name);

// What a missing key of `map` gives (by .key or index): "" when all values
// are strings, as Go's zero value for the map[string]string label maps
// Prometheus and Alertmanager use, and nil (printed "<no value>") otherwise,
// as for Go's map[string]interface{}.
Value MissingKeyValue(const Map& map);

}  // namespace vigil::tmpl
