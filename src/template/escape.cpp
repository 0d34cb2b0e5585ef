#include "escape.h"

#include <cstdio>

namespace vigil::tmpl {
namespace {

constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

std::string HtmlEscapeWith(std::string_view s, bool escape_plus) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      case '\0': out += kReplacementChar; break;
      case '+':
        if (escape_plus) {
          out += "&#43;";
          break;
        }
        [[fallthrough]];
      default: out += c;
    }
  }
  return out;
}

// Unicode code points Go's unicode.IsPrint rejects that can reach a
// template: C1 controls and the line/paragraph separators.
bool IsNonPrintable(uint32_t r) {
  return (r >= 0x80 && r < 0xA0) || r == 0xAD || r == 0x2028 || r == 0x2029 || r == 0xFEFF;
}

}  // namespace

std::string HtmlEscape(std::string_view s) { return HtmlEscapeWith(s, false); }
std::string HtmlTemplateEscape(std::string_view s) { return HtmlEscapeWith(s, true); }

std::string JsEscape(std::string_view s) {
  std::string out;
  char buf[16];
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '\\': out += "\\\\"; continue;
      case '\'': out += "\\'"; continue;
      case '"': out += "\\\""; continue;
      case '<': out += "\\u003C"; continue;
      case '>': out += "\\u003E"; continue;
      case '&': out += "\\u0026"; continue;
      case '=': out += "\\u003D"; continue;
      default: break;
    }
    if (c < ' ') {
      std::snprintf(buf, sizeof buf, "\\u%04X", c);
      out += buf;
      continue;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (n == 1 || i + n > s.size()) {
      out += static_cast<char>(c);  // Go decodes it as U+FFFD, printable: the byte is kept
      continue;
    }
    uint32_t r = c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) r = (r << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    if (IsNonPrintable(r)) {
      std::snprintf(buf, sizeof buf, "\\u%04X", r);
      out += buf;
    } else {
      out.append(s.substr(i, n));
    }
    i += n - 1;
  }
  return out;
}

Value MakeSafeHtml(std::string html) {
  return Value(std::shared_ptr<const Object>(std::make_shared<SafeHtml>(std::move(html))));
}

const SafeHtml* AsSafeHtml(const Value& v) {
  if (!v.is_object()) return nullptr;
  return dynamic_cast<const SafeHtml*>(&v.as_object());
}

}  // namespace vigil::tmpl
