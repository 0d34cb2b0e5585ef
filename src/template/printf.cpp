#include "printf.h"

#include <cmath>
#include <cstdio>

#include "literal.h"
#include "vigil/base/format_float.h"

namespace vigil::tmpl {
namespace {

struct Spec {
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  int width = -1;      // -1: none
  int precision = -1;  // -1: none
  char verb = 'v';
};

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// Pads to the width with spaces (or zeros with the 0 flag), left or right.
std::string Pad(std::string s, const Spec& spec, bool zero_allowed = true) {
  if (spec.width < 0) return s;
  size_t n = RuneCount(s);
  if (n >= static_cast<size_t>(spec.width)) return s;
  std::string padding(static_cast<size_t>(spec.width) - n, spec.zero && zero_allowed ? '0' : ' ');
  return spec.minus ? s + padding : padding + s;
}

std::string FormatInteger(int64_t v, Spec spec) {
  bool negative = v < 0;
  uint64_t u = negative ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  int base = 10;
  bool upper = false;
  switch (spec.verb) {
    case 'x': base = 16; break;
    case 'X': base = 16; upper = true; break;
    case 'o': case 'O': base = 8; break;
    case 'b': base = 2; break;
    default: break;
  }
  std::string digits;
  if (!(spec.precision == 0 && u == 0)) {
    const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
      digits.insert(digits.begin(), set[u % static_cast<uint64_t>(base)]);
      u /= static_cast<uint64_t>(base);
    } while (u != 0);
  }
  int min_digits = spec.precision;
  if (min_digits < 0 && spec.zero && spec.width >= 0 && !spec.minus) {
    min_digits = spec.width - ((negative || spec.plus || spec.space) ? 1 : 0);
  }
  if (min_digits > 0 && digits.size() < static_cast<size_t>(min_digits)) {
    digits.insert(0, static_cast<size_t>(min_digits) - digits.size(), '0');
  }
  std::string out;
  if (negative) {
    out += '-';
  } else if (spec.plus) {
    out += '+';
  } else if (spec.space) {
    out += ' ';
  }
  if (spec.verb == 'O') {
    out += "0o";
  } else if (spec.sharp) {
    if (base == 16) out += upper ? "0X" : "0x";
    if (base == 2) out += "0b";
    if (base == 8 && (digits.empty() || digits[0] != '0')) out += '0';
  }
  out += digits;
  return Pad(std::move(out), spec, /*zero_allowed=*/false);
}

std::string QuoteRune(int64_t r) {
  if (r == '\'') return "'\\''";
  if (r == '"') return "'\"'";
  std::string quoted = GoQuote([&] {
    std::string s;
    AppendUtf8(static_cast<uint32_t>(r < 0 || r > 0x10FFFF ? 0xFFFD : r), &s);
    return s;
  }());
  return "'" + quoted.substr(1, quoted.size() - 2) + "'";
}

// Go's strconv 'x' format: C's %a with at least two exponent digits.
std::string HexFloat(double v, const Spec& spec) {
  char buf[64];
  if (spec.precision >= 0) {
    std::snprintf(buf, sizeof buf, "%.*a", spec.precision, v);
  } else {
    std::snprintf(buf, sizeof buf, "%a", v);
  }
  std::string s = buf;
  size_t p = s.find('p');
  if (p != std::string::npos && s.size() - p == 3) s.insert(p + 2, "0");
  if (spec.verb == 'X') {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return s;
}

std::string FormatFloatVerb(double v, const Spec& spec) {
  std::string num;
  if (std::isnan(v)) {
    num = spec.plus ? "+NaN" : spec.space ? " NaN" : "NaN";
    return Pad(num, spec, false);
  }
  if (std::isinf(v)) {
    num = v > 0 ? (spec.space && !spec.plus ? " Inf" : "+Inf") : "-Inf";
    return Pad(num, spec, false);
  }
  char verb = spec.verb == 'v' ? 'g' : spec.verb == 'F' ? 'f' : spec.verb;
  if (verb == 'x' || verb == 'X') {
    num = HexFloat(v, spec);
  } else if ((verb == 'g' || verb == 'G') && spec.precision < 0) {
    num = FormatFloat(v);
    if (verb == 'G') {
      for (char& c : num) c = c == 'e' ? 'E' : c;
    }
  } else {
    int precision = spec.precision < 0 ? 6 : spec.precision;
    char format[8] = {'%', '.', '*', verb, '\0'};
    if (spec.sharp) {
      format[1] = '#';
      format[2] = '.';
      format[3] = '*';
      format[4] = verb;
    }
    char buf[512];
    std::snprintf(buf, sizeof buf, format, precision, v);
    num = buf;
  }
  bool negative = !num.empty() && num[0] == '-';
  std::string unsigned_num = negative ? num.substr(1) : num;
  std::string sign = negative ? "-" : spec.plus ? "+" : spec.space ? " " : "";
  if (spec.zero && spec.width >= 0 && !spec.minus) {
    size_t total = sign.size() + unsigned_num.size();
    if (total < static_cast<size_t>(spec.width)) {
      unsigned_num.insert(0, static_cast<size_t>(spec.width) - total, '0');
    }
    return sign + unsigned_num;
  }
  return Pad(sign + unsigned_num, spec, false);
}

std::string HexString(std::string_view s, const Spec& spec) {
  const char* set = spec.verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (spec.space && i > 0) out += ' ';
    if (spec.sharp && (spec.space || i == 0)) out += spec.verb == 'X' ? "0X" : "0x";
    auto b = static_cast<unsigned char>(s[i]);
    out += set[b >> 4];
    out += set[b & 15];
  }
  return out;
}

std::string Truncate(std::string_view s, int precision) {
  if (precision < 0) return std::string(s);
  size_t runes = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (runes == static_cast<size_t>(precision)) return std::string(s.substr(0, i));
      ++runes;
    }
  }
  return std::string(s);
}

std::string BadVerb(const Value& v, char verb) {
  std::string out = "%!";
  out += verb;
  out += "(";
  if (v.is_nil()) return out + "<nil>)";
  return out + GoTypeName(v) + "=" + v.ToString() + ")";
}

std::string FormatValue(const Value& v, const Spec& spec) {
  char verb = spec.verb;
  if (v.is_nil()) {
    if (verb == 'v') return Pad("<nil>", spec);
    return BadVerb(v, verb);
  }
  if (v.is_bool()) {
    if (verb == 'v' || verb == 't') return Pad(v.as_bool() ? "true" : "false", spec);
    return BadVerb(v, verb);
  }
  if (v.is_int()) {
    switch (verb) {
      case 'v': case 'd': case 'x': case 'X': case 'o': case 'O': case 'b': {
        Spec s = spec;
        if (verb == 'v') s.verb = 'd';
        return FormatInteger(v.as_int(), s);
      }
      case 'c': {
        std::string out;
        int64_t r = v.as_int();
        AppendUtf8(static_cast<uint32_t>(r < 0 || r > 0x10FFFF ? 0xFFFD : r), &out);
        return Pad(out, spec);
      }
      case 'q': return Pad(QuoteRune(v.as_int()), spec);
      case 'U': {
        char buf[32];
        std::snprintf(buf, sizeof buf, "U+%04llX", static_cast<unsigned long long>(v.as_int()));
        return Pad(buf, spec);
      }
      default: return BadVerb(v, verb);
    }
  }
  if (v.is_float()) {
    switch (verb) {
      case 'v': case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'x': case 'X':
        return FormatFloatVerb(v.as_float(), spec);
      default: return BadVerb(v, verb);
    }
  }
  if (v.is_string()) {
    switch (verb) {
      case 'v': case 's': return Pad(Truncate(v.as_string(), spec.precision), spec);
      case 'q': return Pad(GoQuote(Truncate(v.as_string(), spec.precision), spec.plus), spec);
      case 'x': case 'X': return Pad(HexString(Truncate(v.as_string(), spec.precision), spec), spec);
      default: return BadVerb(v, verb);
    }
  }
  if (v.is_list()) {
    std::string out = "[";
    const List& list = v.as_list();
    for (size_t i = 0; i < list.size(); ++i) {
      if (i > 0) out += ' ';
      out += FormatValue(list[i], spec);
    }
    return out + "]";
  }
  if (v.is_map()) {
    std::string out = "map[";
    bool first = true;
    for (const auto& [key, value] : v.as_map()) {
      if (!first) out += ' ';
      first = false;
      out += FormatValue(Value(key), spec) + ":" + FormatValue(value, spec);
    }
    return out + "]";
  }
  if (verb == 'v' || verb == 's') return Pad(v.ToString(), spec);
  return BadVerb(v, verb);
}

// Reads a decimal number at format[*i]; -1 when there is none.
int ReadNumber(std::string_view format, size_t* i) {
  if (*i >= format.size() || format[*i] < '0' || format[*i] > '9') return -1;
  int n = 0;
  while (*i < format.size() && format[*i] >= '0' && format[*i] <= '9') {
    if (n < 1000000) n = n * 10 + (format[*i] - '0');
    ++*i;
  }
  return n;
}

}  // namespace

std::string GoTypeName(const Value& v) {
  if (v.is_nil()) return "<nil>";
  if (v.is_bool()) return "bool";
  if (v.is_int()) return "int";
  if (v.is_float()) return "float64";
  if (v.is_string()) return "string";
  if (v.is_list()) return "[]interface {}";
  if (v.is_map()) return "map[string]interface {}";
  return "struct";
}

std::string GoQuote(std::string_view s, bool ascii_only) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\a': out += "\\a"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\v': out += "\\v"; continue;
      default: break;
    }
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
      continue;
    }
    if (c >= 0x80) {
      // Copy a well-formed multi-byte sequence; escape stray bytes.
      size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
      bool valid = n > 0 && i + n <= s.size();
      for (size_t k = 1; valid && k < n; ++k) {
        valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
      }
      if (valid && !ascii_only) {
        out.append(s.substr(i, n));
        i += n - 1;
        continue;
      }
      if (valid) {
        uint32_t r = c & (0x7F >> n);
        for (size_t k = 1; k < n; ++k) r = (r << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        char buf[16];
        std::snprintf(buf, sizeof buf, r < 0x10000 ? "\\u%04x" : "\\U%08x", r);
        out += buf;
        i += n - 1;
        continue;
      }
    }
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", c);
    out += buf;
  }
  return out + "\"";
}

std::string GoSprint(std::span<const Value> args) {
  std::string out;
  bool previous_string = false;
  for (size_t i = 0; i < args.size(); ++i) {
    bool is_string = args[i].is_string();
    if (i > 0 && !is_string && !previous_string) out += ' ';
    out += args[i].ToString();
    previous_string = is_string;
  }
  return out;
}

std::string GoSprintln(std::span<const Value> args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ' ';
    out += args[i].ToString();
  }
  return out + "\n";
}

std::string GoSprintf(std::string_view format, std::span<const Value> args) {
  std::string out;
  size_t arg = 0;
  bool reordered = false;  // Go reports extra arguments only without %[n]
  size_t i = 0;
  while (i < format.size()) {
    size_t percent = format.find('%', i);
    if (percent == std::string_view::npos) {
      out.append(format.substr(i));
      break;
    }
    out.append(format.substr(i, percent - i));
    i = percent + 1;
    Spec spec;
    bool bad_index = false;
    // %[n]verb, %[n]*d, %.[n]*f: the next argument is the n-th (1-based).
    auto read_arg_index = [&] {
      if (i >= format.size() || format[i] != '[') return;
      size_t close = format.find(']', i);
      size_t j = i + 1;
      int n = close == std::string_view::npos ? -1 : ReadNumber(format, &j);
      if (n < 1 || j != close || static_cast<size_t>(n) > args.size()) {
        bad_index = true;
        i = close == std::string_view::npos ? format.size() : close + 1;
        return;
      }
      arg = static_cast<size_t>(n - 1);
      i = close + 1;
      reordered = true;
    };
    for (; i < format.size(); ++i) {
      char c = format[i];
      if (c == '+') {
        spec.plus = true;
      } else if (c == '-') {
        spec.minus = true;
        spec.zero = false;
      } else if (c == '#') {
        spec.sharp = true;
      } else if (c == ' ') {
        spec.space = true;
      } else if (c == '0') {
        spec.zero = !spec.minus;
      } else {
        break;
      }
    }
    bool bad_width = false;
    read_arg_index();
    if (i < format.size() && format[i] == '*') {
      ++i;
      if (arg < args.size() && args[arg].is_int()) {
        int64_t w = args[arg++].as_int();
        if (w < 0) {
          spec.minus = true;
          spec.zero = false;
          w = -w;
        }
        spec.width = static_cast<int>(std::min<int64_t>(w, 1000000));
      } else {
        if (arg < args.size()) ++arg;
        bad_width = true;
      }
    } else {
      spec.width = ReadNumber(format, &i);
    }
    bool bad_precision = false;
    if (i < format.size() && format[i] == '.') {
      ++i;
      read_arg_index();
      if (i < format.size() && format[i] == '*') {
        ++i;
        if (arg < args.size() && args[arg].is_int() && args[arg].as_int() >= 0) {
          spec.precision = static_cast<int>(std::min<int64_t>(args[arg++].as_int(), 1000000));
        } else {
          if (arg < args.size()) ++arg;
          bad_precision = true;
        }
      } else {
        spec.precision = ReadNumber(format, &i);
        if (spec.precision < 0) spec.precision = 0;
      }
    }
    read_arg_index();
    if (bad_width) out += "%!(BADWIDTH)";
    if (bad_precision) out += "%!(BADPREC)";
    if (i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    // The verb is one (possibly multi-byte) character.
    size_t verb_len = 1;
    auto lead = static_cast<unsigned char>(format[i]);
    if (lead >= 0x80) verb_len = (lead >> 5) == 6 ? 2 : (lead >> 4) == 14 ? 3 : 4;
    std::string_view verb = format.substr(i, verb_len);
    i += verb_len;
    if (verb == "%") {
      out += '%';
      continue;
    }
    if (bad_index) {
      out += "%!" + std::string(verb) + "(BADINDEX)";
      continue;
    }
    if (arg >= args.size()) {
      out += "%!" + std::string(verb) + "(MISSING)";
      continue;
    }
    if (verb_len > 1) {
      const Value& v = args[arg++];
      out += "%!" + std::string(verb) + "(" +
             (v.is_nil() ? "<nil>" : GoTypeName(v) + "=" + v.ToString()) + ")";
      continue;
    }
    spec.verb = verb[0];
    if (spec.verb == 'T') {
      out += Pad(GoTypeName(args[arg++]), spec);
      continue;
    }
    out += FormatValue(args[arg++], spec);
  }
  if (!reordered && arg < args.size()) {
    out += "%!(EXTRA ";
    for (size_t k = arg; k < args.size(); ++k) {
      if (k > arg) out += ", ";
      out += args[k].is_nil() ? "<nil>" : GoTypeName(args[k]) + "=" + args[k].ToString();
    }
    out += ")";
  }
  return out;
}

}  // namespace vigil::tmpl
