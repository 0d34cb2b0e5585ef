// Go literals inside actions: quoted strings, raw strings, chars and numbers,
// converted as Go's template parser does. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "vigil/base/result.h"
#include "vigil/template/template.h"

namespace vigil::tmpl {

// Go's strconv.Unquote for "double-quoted", `raw` and 'c' literals; the
// error is Go's "invalid syntax".
Result<std::string> UnquoteGo(std::string_view quoted);

// A number literal (or a 'c' char) as the value Go's template passes on:
// an int for integer literals and chars, a float64 when the text has a
// '.', an exponent or is a hex float.
Result<Value> ParseNumberLiteral(std::string_view text);

// Appends the UTF-8 encoding of a code point.
void AppendUtf8(uint32_t rune, std::string* out);

}  // namespace vigil::tmpl
