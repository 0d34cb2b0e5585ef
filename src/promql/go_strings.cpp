#include "go_strings.h"

#include <cstdint>
#include <cstdio>

namespace vigil::promql {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendHex(uint32_t v, int digits, std::string* out) {
  for (int i = digits - 1; i >= 0; --i) out->push_back(kHex[(v >> (4 * i)) & 0xF]);
}

// Appends r escaped as strconv.appendEscapedRune does.
void AppendEscapedRune(char32_t r, char quote, std::string* out) {
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out->push_back('\\');
    out->push_back(static_cast<char>(r));
    return;
  }
  if (GoIsPrint(r)) {
    AppendRune(r, out);
    return;
  }
  switch (r) {
    case '\a': *out += "\\a"; return;
    case '\b': *out += "\\b"; return;
    case '\f': *out += "\\f"; return;
    case '\n': *out += "\\n"; return;
    case '\r': *out += "\\r"; return;
    case '\t': *out += "\\t"; return;
    case '\v': *out += "\\v"; return;
    default: break;
  }
  if (r < ' ' || r == 0x7F) {
    *out += "\\x";
    AppendHex(r, 2, out);
  } else if (r < 0x10000) {
    *out += "\\u";
    AppendHex(r, 4, out);
  } else {
    *out += "\\U";
    AppendHex(r, 8, out);
  }
}

int Unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status SyntaxError() { return InvalidArgument("invalid syntax"); }

}  // namespace

char32_t DecodeRune(std::string_view s, size_t pos, size_t* width) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[pos + i]); };
  size_t n = s.size() - pos;
  unsigned char b0 = byte(0);
  *width = 1;
  if (b0 < 0x80) return b0;
  auto cont = [&](size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i < n && byte(i) >= lo && byte(i) <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (!cont(1)) return kRuneError;
    *width = 2;
    return ((b0 & 0x1F) << 6) | (byte(1) & 0x3F);
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
    unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;  // no surrogates
    if (!cont(1, lo, hi) || !cont(2)) return kRuneError;
    *width = 3;
    return ((b0 & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (!cont(1, lo, hi) || !cont(2) || !cont(3)) return kRuneError;
    *width = 4;
    return ((b0 & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) |
           (byte(3) & 0x3F);
  }
  return kRuneError;
}

void AppendRune(char32_t r, std::string* out) {
  if (r > 0x10FFFF || (r >= 0xD800 && r < 0xE000)) r = kRuneError;
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (r >> 6)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (r >> 12)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (r >> 18)));
    out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

bool GoIsPrint(char32_t r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7F;
  if (r < 0xA1) return false;  // C1 controls and NO-BREAK SPACE
  struct Range {
    char32_t lo, hi;
  };
  // Format characters, separators other than ' ', private use, surrogates and
  // noncharacters: the non-printable code points that occur in practice.
  static constexpr Range kNotPrint[] = {
      {0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},
      {0x070F, 0x070F},   {0x08E2, 0x08E2},   {0x1680, 0x1680},   {0x180E, 0x180E},
      {0x2000, 0x200F},   {0x2028, 0x202F},   {0x205F, 0x2064},   {0x2066, 0x206F},
      {0x3000, 0x3000},   {0xD800, 0xF8FF},   {0xFDD0, 0xFDEF},   {0xFEFF, 0xFEFF},
      {0xFFF9, 0xFFFB},   {0xFFFE, 0xFFFF},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD},
      {0x13430, 0x13438}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
      {0xE0020, 0xE007F}, {0xF0000, 0x10FFFF},
  };
  for (const Range& range : kNotPrint) {
    if (r >= range.lo && r <= range.hi) return false;
  }
  return r <= 0x10FFFF && (r & 0xFFFE) != 0xFFFE;
}

std::string GoQuote(std::string_view s) { return GoQuotePrefix(s, std::string_view::npos); }

std::string GoQuotePrefix(std::string_view s, size_t n) {
  std::string out = "\"";
  size_t runes = 0;
  for (size_t pos = 0; pos < s.size() && runes < n; ++runes) {
    size_t width;
    char32_t r = DecodeRune(s, pos, &width);
    if (r == kRuneError && width == 1) {
      out += "\\x";
      AppendHex(static_cast<unsigned char>(s[pos]), 2, &out);
    } else {
      AppendEscapedRune(r, '"', &out);
    }
    pos += width;
  }
  out += '"';
  return out;
}

std::string GoQuoteRune(char32_t r) {
  if (r > 0x10FFFF || (r >= 0xD800 && r < 0xE000)) r = kRuneError;
  std::string out = "'";
  AppendEscapedRune(r, '\'', &out);
  out += '\'';
  return out;
}

std::string GoFormatU(char32_t r) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(r));
  std::string out = buf;
  if (GoIsPrint(r)) {
    out += " '";
    AppendRune(r, &out);
    out += '\'';
  }
  return out;
}

Result<std::string> GoUnquote(std::string_view literal) {
  if (literal.size() < 2) return SyntaxError();
  char quote = literal.front();
  if (quote != literal.back()) return SyntaxError();
  std::string_view s = literal.substr(1, literal.size() - 2);
  if (quote == '`') {
    if (s.find('`') != std::string_view::npos) return SyntaxError();
    return std::string(s);
  }
  if (quote != '"' && quote != '\'') return SyntaxError();
  if (s.find('\n') != std::string_view::npos) return SyntaxError();
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == static_cast<unsigned char>(quote)) return SyntaxError();
    if (c >= 0x80) {
      size_t width;
      AppendRune(DecodeRune(s, i, &width), &out);
      i += width;
      continue;
    }
    if (c != '\\') {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if (i + 1 >= s.size()) return SyntaxError();
    char e = s[i + 1];
    i += 2;
    switch (e) {
      case 'a': out.push_back('\a'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'v': out.push_back('\v'); break;
      case '\\': out.push_back('\\'); break;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : (e == 'u' ? 4 : 8);
        if (s.size() - i < n) return SyntaxError();
        uint32_t v = 0;
        for (size_t j = 0; j < n; ++j) {
          int x = Unhex(s[i + j]);
          if (x < 0) return SyntaxError();
          v = (v << 4) | static_cast<uint32_t>(x);
        }
        i += n;
        if (e == 'x') {
          out.push_back(static_cast<char>(v));
        } else {
          if (v > 0x10FFFF) return SyntaxError();
          AppendRune(v, &out);
        }
        break;
      }
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        uint32_t v = static_cast<uint32_t>(e - '0');
        if (s.size() - i < 2) return SyntaxError();
        for (size_t j = 0; j < 2; ++j) {
          int x = s[i + j] - '0';
          if (x < 0 || x > 7) return SyntaxError();
          v = (v << 3) | static_cast<uint32_t>(x);
        }
        i += 2;
        if (v > 255) return SyntaxError();
        out.push_back(static_cast<char>(v));
        break;
      }
      case '\'':
      case '"':
        if (e != quote) return SyntaxError();
        out.push_back(e);
        break;
      default:
        return SyntaxError();
    }
  }
  return out;
}

}  // namespace vigil::promql
