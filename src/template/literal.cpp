#include "literal.h"

#include <cerrno>
#include <cstdlib>

namespace vigil::tmpl {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status InvalidSyntax() { return InvalidArgument("invalid syntax"); }

// One escape sequence after a backslash at s[*i]; advances *i past it.
Status AppendEscape(std::string_view s, size_t* i, char quote, std::string* out) {
  if (*i >= s.size()) return InvalidSyntax();
  char c = s[(*i)++];
  switch (c) {
    case 'a': out->push_back('\a'); return Status::Ok();
    case 'b': out->push_back('\b'); return Status::Ok();
    case 'f': out->push_back('\f'); return Status::Ok();
    case 'n': out->push_back('\n'); return Status::Ok();
    case 'r': out->push_back('\r'); return Status::Ok();
    case 't': out->push_back('\t'); return Status::Ok();
    case 'v': out->push_back('\v'); return Status::Ok();
    case '\\': out->push_back('\\'); return Status::Ok();
    case '\'':
    case '"':
      if (c != quote) return InvalidSyntax();
      out->push_back(c);
      return Status::Ok();
    case 'x':
    case 'u':
    case 'U': {
      size_t n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
      if (*i + n > s.size()) return InvalidSyntax();
      uint32_t v = 0;
      for (size_t k = 0; k < n; ++k) {
        int d = HexDigit(s[*i + k]);
        if (d < 0) return InvalidSyntax();
        v = v * 16 + static_cast<uint32_t>(d);
      }
      *i += n;
      if (c == 'x') {
        out->push_back(static_cast<char>(v));
      } else {
        if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) return InvalidSyntax();
        AppendUtf8(v, out);
      }
      return Status::Ok();
    }
    default:
      if (c >= '0' && c <= '7') {
        if (*i + 2 > s.size()) return InvalidSyntax();
        uint32_t v = static_cast<uint32_t>(c - '0');
        for (size_t k = 0; k < 2; ++k) {
          char d = s[*i + k];
          if (d < '0' || d > '7') return InvalidSyntax();
          v = v * 8 + static_cast<uint32_t>(d - '0');
        }
        if (v > 255) return InvalidSyntax();
        *i += 2;
        out->push_back(static_cast<char>(v));
        return Status::Ok();
      }
      return InvalidSyntax();
  }
}

// Decodes one UTF-8 code point at s[*i]; invalid bytes decode as themselves.
uint32_t DecodeRune(std::string_view s, size_t* i) {
  auto b = static_cast<unsigned char>(s[*i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
  if (n == 1 || *i + n > s.size()) {
    ++*i;
    return b;
  }
  uint32_t v = b & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) v = (v << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3F);
  *i += n;
  return v;
}

}  // namespace

void AppendUtf8(uint32_t r, std::string* out) {
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

Result<std::string> UnquoteGo(std::string_view quoted) {
  if (quoted.size() < 2 || quoted.front() != quoted.back()) return InvalidSyntax();
  char quote = quoted.front();
  std::string_view body = quoted.substr(1, quoted.size() - 2);
  std::string out;
  if (quote == '`') {
    for (char c : body) {
      if (c == '`') return InvalidSyntax();
      if (c != '\r') out.push_back(c);  // Go drops carriage returns in raw strings
    }
    return out;
  }
  if (quote != '"' && quote != '\'') return InvalidSyntax();
  for (size_t i = 0; i < body.size();) {
    char c = body[i];
    if (c == quote || c == '\n') return InvalidSyntax();
    if (c == '\\') {
      ++i;
      VIGIL_RETURN_IF_ERROR(AppendEscape(body, &i, quote, &out));
    } else {
      out.push_back(c);
      ++i;
    }
  }
  if (quote == '\'') {
    size_t i = 0;
    if (out.empty()) return InvalidSyntax();
    DecodeRune(out, &i);
    if (i != out.size()) return InvalidSyntax();
  }
  return out;
}

Result<Value> ParseNumberLiteral(std::string_view text) {
  Status illegal = InvalidArgument("illegal number syntax: \"" + std::string(text) + "\"");
  if (!text.empty() && text.front() == '\'') {
    auto unquoted = UnquoteGo(text);
    if (!unquoted.ok()) return InvalidArgument("malformed character constant: " + std::string(text));
    size_t i = 0;
    return Value(static_cast<int64_t>(DecodeRune(*unquoted, &i)));
  }
  std::string digits;
  for (char c : text) {
    if (c != '_') digits.push_back(c);
  }
  if (digits.empty() || digits.back() == 'i') return illegal;  // complex numbers unsupported
  std::string_view body = digits;
  bool negative = false;
  if (body.front() == '+' || body.front() == '-') {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  bool hex = body.size() > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X');
  bool is_float = hex ? body.find_first_of("pP") != std::string_view::npos
                      : body.find_first_of(".eE") != std::string_view::npos;
  if (!is_float) {
    int base = 10;
    std::string_view rest = body;
    if (hex) {
      base = 16;
      rest.remove_prefix(2);
    } else if (body.size() > 1 && body[0] == '0') {
      base = 8;
      rest.remove_prefix(body[1] == 'o' || body[1] == 'O' ? 2 : body[1] == 'b' || body[1] == 'B' ? 0 : 1);
      if (body[1] == 'b' || body[1] == 'B') {
        base = 2;
        rest = body.substr(2);
      }
    }
    if (rest.empty()) return illegal;
    std::string s(rest);
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(s.c_str(), &end, base);
    if (*end != '\0' || s.front() == '-' || s.front() == '+') return illegal;
    if (errno == 0 && v <= static_cast<unsigned long long>(INT64_MAX) + (negative ? 1 : 0)) {
      return Value(negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v));
    }
    // Too big for int64: Go keeps it as a float constant.
  }
  char* end = nullptr;
  double v = std::strtod(digits.c_str(), &end);
  if (*end != '\0') return illegal;
  return Value(v);
}

}  // namespace vigil::tmpl
