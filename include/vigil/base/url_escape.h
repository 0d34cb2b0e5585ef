// Go's url.QueryEscape, for the links and URLs vigil builds as Prometheus
// does (scrape URLs with params, alert generator URLs, the urlquery template
// function). Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// Escapes `s` for a URL query component: ASCII letters, digits and -_.~ stay,
// a space becomes '+', every other byte %XX (upper-case hex).
std::string QueryEscape(std::string_view s);

}  // namespace vigil
