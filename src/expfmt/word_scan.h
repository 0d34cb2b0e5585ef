// Word scans: the label value loop of the exposition parsers, eight bytes at
// a time. Values are short and vary in length, so a byte loop pays a
// mispredicted exit on nearly every value; a word finds the closing quote in
// one or two predictable steps. (The same for names measured slower: their
// byte loop is cheaper than the class tests of a word.) Inline: it runs once
// or twice per label.
// Thread-safety: pure functions.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace vigil::expfmt::internal {

inline constexpr uint64_t kEachByte = 0x0101010101010101ULL;
inline constexpr uint64_t kHighBits = 0x8080808080808080ULL;

// 0x80 in each byte of w that is zero, nothing elsewhere. No carry crosses a
// byte, so every flag is exact, not only the first.
inline uint64_t ZeroBytes(uint64_t w) {
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  return ~(((w & kLow7) + kLow7) | w | kLow7);
}

// The index (0-7) of the first byte in memory order flagged in `flags`.
inline size_t FirstFlaggedByte(uint64_t flags) {
  int bit = std::endian::native == std::endian::little ? std::countr_zero(flags)
                                                       : std::countl_zero(flags);
  return static_cast<size_t>(bit / 8);
}

inline uint64_t LoadWord(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// The offset of the first byte at or after `from` that a label value scan
// must look at — '"', '\\', a newline or a byte >= 0x80 (UTF-8 to validate) —
// or s.size() when there is none.
inline size_t FindLabelValueStop(std::string_view s, size_t from) {
  size_t p = from;
  for (; p + 8 <= s.size(); p += 8) {
    uint64_t w = LoadWord(s.data() + p);
    uint64_t stops = ZeroBytes(w ^ (kEachByte * '"')) | ZeroBytes(w ^ (kEachByte * '\\')) |
                     ZeroBytes(w ^ (kEachByte * '\n')) | (w & kHighBits);
    if (stops != 0) return p + FirstFlaggedByte(stops);
  }
  for (; p < s.size(); ++p) {
    char c = s[p];
    if (c == '"' || c == '\\' || c == '\n' || static_cast<unsigned char>(c) >= 0x80) break;
  }
  return p;
}

}  // namespace vigil::expfmt::internal
