#include "unicode_case.h"

#include <vector>

#include "literal.h"

namespace vigil::tmpl {
namespace {

// Latin Extended-A alternates upper (even or odd) and lower case in runs.
struct AlternatingRun {
  uint32_t first, last;
  bool upper_is_even;
};
constexpr AlternatingRun kLatinExtendedA[] = {
    {0x0100, 0x012F, true}, {0x0132, 0x0137, true}, {0x0139, 0x0148, false},
    {0x014A, 0x0177, true}, {0x0179, 0x017E, false},
};

const AlternatingRun* FindRun(uint32_t r) {
  for (const auto& run : kLatinExtendedA) {
    if (r >= run.first && r <= run.last) return &run;
  }
  return nullptr;
}

bool IsUpperInRun(uint32_t r, const AlternatingRun& run) {
  return ((r % 2) == 0) == run.upper_is_even;
}

// Decodes one rune at s[*i]; nullopt-like 0xFFFFFFFF for an invalid byte.
constexpr uint32_t kInvalid = 0xFFFFFFFF;
uint32_t Decode(std::string_view s, size_t* i) {
  auto b = static_cast<unsigned char>(s[*i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (n == 0 || *i + n > s.size()) {
    ++*i;
    return kInvalid;
  }
  uint32_t r = n == 1 ? b : b & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    auto c = static_cast<unsigned char>(s[*i + k]);
    if ((c & 0xC0) != 0x80) {
      ++*i;
      return kInvalid;
    }
    r = (r << 6) | (c & 0x3F);
  }
  *i += n;
  return r;
}

// Go's strings.Title treats letters, digits and '_' as word characters;
// other ASCII and Unicode spaces separate words.
bool IsSeparator(uint32_t r) {
  if (r < 0x80) {
    return !((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_');
  }
  return r == 0x85 || r == 0xA0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200A) || r == 0x2028 ||
         r == 0x2029 || r == 0x202F || r == 0x205F || r == 0x3000;
}

template <typename Map>
std::string MapRunes(std::string_view s, Map map) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    uint32_t r = Decode(s, &i);
    if (r == kInvalid) {
      out.append(s.substr(start, i - start));
      continue;
    }
    AppendUtf8(map(r), &out);
  }
  return out;
}

}  // namespace

uint32_t ToUpperRune(uint32_t r) {
  if (r >= 'a' && r <= 'z') return r - 0x20;
  if (r < 0x80) return r;
  if ((r >= 0xE0 && r <= 0xFE && r != 0xF7)) return r - 0x20;
  if (r == 0xFF) return 0x178;
  if (r == 0xB5) return 0x39C;
  if (r == 0x131) return 'I';
  if (r == 0x17F) return 'S';
  if (const AlternatingRun* run = FindRun(r)) return IsUpperInRun(r, *run) ? r : r - 1;
  if (r >= 0x3B1 && r <= 0x3C9 && r != 0x3C2) return r - 0x20;  // Greek
  if (r == 0x3C2) return 0x3A3;                                  // final sigma
  if (r == 0x3AC) return 0x386;                                  // Greek with tonos
  if (r >= 0x3AD && r <= 0x3AF) return r - 0x25;
  if (r >= 0x430 && r <= 0x44F) return r - 0x20;  // Cyrillic
  if (r >= 0x450 && r <= 0x45F) return r - 0x50;
  return r;
}

uint32_t ToLowerRune(uint32_t r) {
  if (r >= 'A' && r <= 'Z') return r + 0x20;
  if (r < 0x80) return r;
  if (r >= 0xC0 && r <= 0xDE && r != 0xD7) return r + 0x20;
  if (r == 0x178) return 0xFF;
  if (r == 0x130) return 'i';
  if (const AlternatingRun* run = FindRun(r)) return IsUpperInRun(r, *run) ? r + 1 : r;
  if (r >= 0x391 && r <= 0x3A9 && r != 0x3A2) return r + 0x20;  // Greek
  if (r == 0x386) return 0x3AC;
  if (r >= 0x388 && r <= 0x38A) return r + 0x25;
  if (r >= 0x410 && r <= 0x42F) return r + 0x20;  // Cyrillic
  if (r >= 0x400 && r <= 0x40F) return r + 0x50;
  return r;
}

std::string ToUpperText(std::string_view s) { return MapRunes(s, ToUpperRune); }
std::string ToLowerText(std::string_view s) { return MapRunes(s, ToLowerRune); }

std::string TitleText(std::string_view s) {
  bool previous_separator = true;
  return MapRunes(s, [&previous_separator](uint32_t r) {
    uint32_t mapped = previous_separator ? ToUpperRune(r) : r;
    previous_separator = IsSeparator(r);
    return mapped;
  });
}

namespace {

enum class WordClass { kLetter, kNumeric, kExtendNumLet, kMidLetter, kMidNum, kMidNumLet, kOther };

// UAX #29 word-break classes of the runes that matter for titles.
WordClass ClassOf(uint32_t r) {
  if ((r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')) return WordClass::kLetter;
  if (r >= '0' && r <= '9') return WordClass::kNumeric;
  if (r == '_') return WordClass::kExtendNumLet;
  if (r == ':' || r == 0xB7) return WordClass::kMidLetter;
  if (r == ',' || r == ';') return WordClass::kMidNum;
  if (r == '.' || r == '\'' || r == 0x2018 || r == 0x2019) return WordClass::kMidNumLet;
  if (r >= 0xC0 && !IsSeparator(r) && r != 0xD7 && r != 0xF7) return WordClass::kLetter;
  return WordClass::kOther;
}

bool IsWordRune(WordClass c) {
  return c == WordClass::kLetter || c == WordClass::kNumeric || c == WordClass::kExtendNumLet;
}

}  // namespace

std::string CasesTitleText(std::string_view s) {
  std::vector<uint32_t> runes;
  std::vector<std::string_view> invalid;  // raw bytes of undecodable runes, in order
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    uint32_t r = Decode(s, &i);
    runes.push_back(r);
    if (r == kInvalid) invalid.push_back(s.substr(start, i - start));
  }
  auto class_at = [&runes](size_t i) {
    return i < runes.size() && runes[i] != kInvalid ? ClassOf(runes[i]) : WordClass::kOther;
  };
  std::string out;
  size_t next_invalid = 0;
  bool in_word = false;
  bool seen_letter = false;
  for (size_t i = 0; i < runes.size(); ++i) {
    if (runes[i] == kInvalid) {
      out.append(invalid[next_invalid++]);
      in_word = false;
      continue;
    }
    WordClass c = class_at(i);
    WordClass before = i > 0 ? class_at(i - 1) : WordClass::kOther;
    WordClass after = class_at(i + 1);
    bool joins = false;
    if (IsWordRune(c)) {
      joins = in_word;
    } else if (in_word) {
      // Letter (MidLetter|MidNumLet) Letter and Numeric (MidNum|MidNumLet) Numeric
      // do not break a word.
      bool letters = before == WordClass::kLetter && after == WordClass::kLetter &&
                     (c == WordClass::kMidLetter || c == WordClass::kMidNumLet);
      bool numbers = before == WordClass::kNumeric && after == WordClass::kNumeric &&
                     (c == WordClass::kMidNum || c == WordClass::kMidNumLet);
      joins = letters || numbers;
    }
    if (!joins) seen_letter = false;
    in_word = IsWordRune(c) || joins;
    uint32_t r = runes[i];
    if (c == WordClass::kLetter) {
      r = seen_letter ? ToLowerRune(r) : ToUpperRune(r);
      seen_letter = true;
    }
    AppendUtf8(r, &out);
  }
  return out;
}

}  // namespace vigil::tmpl
