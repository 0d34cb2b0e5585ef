// Upper/lower-case mapping of runes as Go's unicode.ToUpper/ToLower for the
// scripts label values use in practice: ASCII, Latin-1, Latin Extended-A,
// Greek and Cyrillic. Other runes are unchanged. Thread-safety: pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil::tmpl {

uint32_t ToUpperRune(uint32_t r);
uint32_t ToLowerRune(uint32_t r);

// strings.ToUpper / strings.ToLower / strings.Title over UTF-8 text; bytes
// that are not valid UTF-8 are copied unchanged.
std::string ToUpperText(std::string_view s);
std::string ToLowerText(std::string_view s);
std::string TitleText(std::string_view s);
// golang.org/x/text/cases.Title (Alertmanager's title): in each word, as
// Unicode word boundaries delimit them ("o'neil", "a.b", "foo_bar" are one
// word), the first letter is upper-cased and the other letters lower-cased.
std::string CasesTitleText(std::string_view s);

}  // namespace vigil::tmpl
