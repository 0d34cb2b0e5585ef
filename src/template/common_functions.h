// Template functions Prometheus and Alertmanager share (both take them from
// Prometheus's common templates or strings package): toUpper, toLower,
// match, reReplaceAll, safeHtml and humanizeDuration. (Their `title`
// functions differ.)
// Thread-safety: pure functions.
#pragma once

#include "vigil/template/template.h"

namespace vigil::tmpl {

// Adds the shared functions to `functions`.
void AddCommonFunctions(FuncMap* functions);

// Prometheus's humanizeDuration of a number of seconds: "1d 2h 3m 4s",
// "1.5s", "500ms".
std::string HumanizeDuration(double seconds);

}  // namespace vigil::tmpl
