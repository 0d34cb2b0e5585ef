// Go's fmt package for template values: Sprint, Sprintln and Sprintf with
// the verbs templates use (%v %s %d %f %g %e %q %x %t %c %U %o %b %%),
// flags, width and precision, and Go's texts for bad verbs and arguments
// ("%!d(string=x)", "%!s(MISSING)", "%!(EXTRA int=1)").
// Thread-safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "vigil/template/template.h"

namespace vigil::tmpl {

std::string GoSprint(std::span<const Value> args);
std::string GoSprintln(std::span<const Value> args);
std::string GoSprintf(std::string_view format, std::span<const Value> args);

// strconv.Quote: a double-quoted Go string literal; with ascii_only
// (strconv.QuoteToASCII, printf's %+q) non-ASCII runes become \u escapes.
std::string GoQuote(std::string_view s, bool ascii_only = false);

// The Go type a value stands for in messages: int, float64, string, ...
std::string GoTypeName(const Value& v);

}  // namespace vigil::tmpl
