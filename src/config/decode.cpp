#include "decode.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <limits>

namespace vigil::config::internal {

Decoder::Decoder(std::string filename, std::string base_dir)
    : filename_(std::move(filename)), base_dir_(std::move(base_dir)) {}

void Decoder::Error(const YAML::Mark& mark, std::string_view path, std::string_view msg) {
  std::string text = filename_;
  int line = 0;
  int column = 0;
  if (!mark.is_null()) {
    line = mark.line + 1;
    column = mark.column + 1;
    text += ":" + std::to_string(line) + ":" + std::to_string(column);
  }
  text += ": ";
  if (!path.empty()) {
    text += path;
    text += ": ";
  }
  text += msg;
  errors_.push_back({line, column, std::move(text)});
}

void Decoder::AddFormatted(std::string line, int sort_line, int sort_column) {
  errors_.push_back({sort_line, sort_column, std::move(line)});
}

std::string Decoder::ErrorText() const {
  std::vector<const Entry*> sorted;
  for (const Entry& e : errors_) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Entry* a, const Entry* b) {
    return a->line != b->line ? a->line < b->line : a->column < b->column;
  });
  std::string out;
  for (const Entry* e : sorted) {
    if (!out.empty()) out += '\n';
    out += e->text;
  }
  return out;
}

std::string Decoder::ResolvePath(const std::string& path) const {
  if (path.empty() || path.front() == '/' || base_dir_.empty() || base_dir_ == ".") return path;
  return (std::filesystem::path(base_dir_) / path).lexically_normal().string();
}

std::string_view DescribeNode(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "null";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "a string";
}

bool IsNullNode(const YAML::Node& n) { return !n.IsDefined() || n.IsNull(); }

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

YAML::Mark KeyMarkOf(const YAML::Node& map, std::string_view key) {
  if (map.IsMap()) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) return it->first.Mark();
    }
  }
  return map.Mark();
}

std::string CheckUrlSyntax(std::string_view url) {
  for (size_t i = 0; i < url.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(url[i]);
    if (c < 0x20 || c == 0x7f) return "invalid control character in URL";
    if (c == '%') {
      if (i + 2 >= url.size() || !std::isxdigit(static_cast<unsigned char>(url[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(url[i + 2]))) {
        return "invalid URL escape " + Quote(url.substr(i, std::min<size_t>(3, url.size() - i)));
      }
    }
  }
  return "";
}

std::string CheckHttpUrl(std::string_view url) {
  if (std::string err = CheckUrlSyntax(url); !err.empty()) return err;
  size_t sep = url.find("://");
  std::string scheme;
  if (sep != std::string_view::npos) {
    for (char c : url.substr(0, sep)) scheme += static_cast<char>(std::tolower(c));
  }
  if (scheme != "http" && scheme != "https") {
    return "unsupported scheme " + Quote(scheme) + " for URL";
  }
  std::string_view rest = url.substr(sep + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  if (authority.empty() || authority.front() == ':') return "missing host for URL";
  if (authority.find(' ') != std::string_view::npos) {
    return "invalid character \" \" in host name of URL";
  }
  return "";
}

namespace {

bool IsPlain(const YAML::Node& n) { return n.Tag() == "?"; }

// Parses [+-]digits with optional '_' separators, as Go's YAML decoder.
bool ParseInteger(std::string_view text, bool allow_negative, int64_t* out_signed,
                  uint64_t* out_unsigned, bool* overflow) {
  *overflow = false;
  bool negative = false;
  size_t i = 0;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    i = 1;
  }
  std::string digits;
  for (; i < text.size(); ++i) {
    if (text[i] == '_') continue;
    if (text[i] < '0' || text[i] > '9') return false;
    digits += text[i];
  }
  if (digits.empty()) return false;
  if (negative && !allow_negative) return false;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc()) {
    *overflow = true;
    return false;
  }
  if (out_unsigned != nullptr) {
    *out_unsigned = v;
    return true;
  }
  uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
  if (v > limit) {
    *overflow = true;
    return false;
  }
  *out_signed = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

bool ReadInteger(Decoder& d, const YAML::Node& n, const YAML::Mark& mark, std::string_view path,
                 bool allow_negative, int64_t* out_signed, uint64_t* out_unsigned) {
  std::string_view what = allow_negative ? "an integer" : "a non-negative integer";
  if (!n.IsScalar()) {
    d.Error(mark, path, "expected " + std::string(what) + ", got " + std::string(DescribeNode(n)));
    return false;
  }
  bool overflow = false;
  if (!IsPlain(n) ||
      !ParseInteger(n.Scalar(), allow_negative, out_signed, out_unsigned, &overflow)) {
    d.Error(mark, path,
            (overflow ? "integer out of range: " : "expected " + std::string(what) + ", got ") +
                Quote(n.Scalar()) + (IsPlain(n) ? "" : " (quoted: a string, not a number)"));
    return false;
  }
  return true;
}

}  // namespace

bool ReadString(Decoder& d, const YAML::Node& n, const YAML::Mark& mark, std::string_view path,
                std::string* out) {
  if (IsNullNode(n)) {
    out->clear();
    return true;
  }
  if (!n.IsScalar()) {
    d.Error(mark, path, "expected a string, got " + std::string(DescribeNode(n)));
    return false;
  }
  *out = n.Scalar();
  return true;
}

bool ReadBool(Decoder& d, const YAML::Node& n, const YAML::Mark& mark, std::string_view path,
              bool* out) {
  if (!n.IsScalar()) {
    d.Error(mark, path, "expected a boolean, got " + std::string(DescribeNode(n)));
    return false;
  }
  static constexpr std::string_view kTrue[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
                                               "on",   "On",   "ON",   "y",   "Y"};
  static constexpr std::string_view kFalse[] = {"false", "False", "FALSE", "no", "No", "NO",
                                                "off",   "Off",   "OFF",   "n",  "N"};
  const std::string& s = n.Scalar();
  if (IsPlain(n)) {
    for (std::string_view t : kTrue) {
      if (s == t) {
        *out = true;
        return true;
      }
    }
    for (std::string_view f : kFalse) {
      if (s == f) {
        *out = false;
        return true;
      }
    }
  }
  d.Error(mark, path,
          "expected a boolean (true or false), got " + Quote(s) +
              (IsPlain(n) ? "" : " (quoted: a string, not a boolean)"));
  return false;
}

bool ReadInt(Decoder& d, const YAML::Node& n, const YAML::Mark& mark, std::string_view path,
             int64_t* out) {
  return ReadInteger(d, n, mark, path, true, out, nullptr);
}

bool ReadUint(Decoder& d, const YAML::Node& n, const YAML::Mark& mark, std::string_view path,
              uint64_t* out) {
  return ReadInteger(d, n, mark, path, false, nullptr, out);
}

bool ReadDuration(Decoder& d, const YAML::Node& n, const YAML::Mark& mark, std::string_view path,
                  Duration* out) {
  if (!n.IsScalar()) {
    d.Error(mark, path, "expected a duration, got " + std::string(DescribeNode(n)));
    return false;
  }
  Result<Duration> r = ParseDuration(n.Scalar());
  if (!r.ok()) {
    d.Error(mark, path, r.status().message());
    return false;
  }
  *out = *r;
  return true;
}

MapReader::MapReader(Decoder& d, const YAML::Node& node, const YAML::Mark& mark, std::string path)
    : d_(d), mark_(mark), path_(std::move(path)) {
  if (IsNullNode(node)) {
    is_map_ = true;
    return;
  }
  if (!node.IsMap()) {
    d_.Error(mark_, path_, "expected a mapping, got " + std::string(DescribeNode(node)));
    return;
  }
  is_map_ = true;
  std::vector<YAML::Node> merges;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: the iterator yields temporaries
    if (!key.IsScalar()) {
      d_.Error(key.Mark(), path_,
               "mapping keys must be strings, got " + std::string(DescribeNode(key)));
      continue;
    }
    if (key.Scalar() == "<<" && key.Tag() == "?") {  // YAML merge key: `<<: *anchor`
      if (it->second.IsSequence()) {
        for (const YAML::Node& m : it->second) merges.push_back(m);
      } else {
        merges.push_back(it->second);
      }
      continue;
    }
    if (const Entry* first = Find(key.Scalar())) {
      d_.Error(key.Mark(), KeyPath(key.Scalar()),
               "duplicate key (first set at line " + std::to_string(first->mark.line + 1) + ")");
      continue;
    }
    entries_.push_back({key.Scalar(), key.Mark(), it->second, false});
  }
  // Merged keys never override the mapping's own, and earlier merges win.
  for (const YAML::Node& m : merges) {
    if (!m.IsMap()) {
      d_.Error(m.Mark(), path_,
               "a merge (<<) needs a mapping, got " + std::string(DescribeNode(m)));
      continue;
    }
    for (auto it = m.begin(); it != m.end(); ++it) {
      if (it->first.IsScalar() && Find(it->first.Scalar()) == nullptr) {
        entries_.push_back({it->first.Scalar(), it->first.Mark(), it->second, false});
      }
    }
  }
}

const MapReader::Entry* MapReader::Find(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

bool MapReader::Has(std::string_view key) const { return Find(key) != nullptr; }

YAML::Node MapReader::Get(std::string_view key) {
  for (Entry& e : entries_) {
    if (e.key == key) {
      e.used = true;
      return e.value;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Mark MapReader::KeyMark(std::string_view key) const {
  const Entry* e = Find(key);
  return e != nullptr ? e->mark : mark_;
}

std::string MapReader::KeyPath(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::vector<std::string> MapReader::Keys() const {
  std::vector<std::string> keys;
  for (const Entry& e : entries_) keys.push_back(e.key);
  return keys;
}

void MapReader::Error(std::string_view key, std::string_view msg) {
  d_.Error(KeyMark(key), KeyPath(key), msg);
}

void MapReader::ErrorHere(std::string_view msg) { d_.Error(mark_, path_, msg); }

bool MapReader::String(std::string_view key, std::string* out) {
  YAML::Node n = Get(key);
  if (IsNullNode(n)) return false;
  return ReadString(d_, n, KeyMark(key), KeyPath(key), out);
}

bool MapReader::Bool(std::string_view key, bool* out) {
  YAML::Node n = Get(key);
  if (IsNullNode(n)) return false;
  return ReadBool(d_, n, KeyMark(key), KeyPath(key), out);
}

bool MapReader::Int(std::string_view key, int64_t* out) {
  YAML::Node n = Get(key);
  if (IsNullNode(n)) return false;
  return ReadInt(d_, n, KeyMark(key), KeyPath(key), out);
}

bool MapReader::Uint(std::string_view key, uint64_t* out) {
  YAML::Node n = Get(key);
  if (IsNullNode(n)) return false;
  return ReadUint(d_, n, KeyMark(key), KeyPath(key), out);
}

bool MapReader::Duration(std::string_view key, vigil::Duration* out) {
  YAML::Node n = Get(key);
  if (IsNullNode(n)) return false;
  return ReadDuration(d_, n, KeyMark(key), KeyPath(key), out);
}

bool MapReader::Secret(std::string_view key, config::Secret* out) {
  std::string value;
  if (!String(key, &value)) return false;
  *out = config::Secret(std::move(value));
  return true;
}

bool MapReader::FilePath(std::string_view key, std::string* out) {
  if (!String(key, out)) return false;
  *out = d_.ResolvePath(*out);
  return true;
}

bool MapReader::StringList(std::string_view key, std::vector<std::string>* out) {
  size_t errors = d_.error_count();
  std::vector<std::string> items;
  bool present = List(key, &items,
                      [this](const YAML::Node& n, const YAML::Mark& m, const std::string& p,
                             std::string* s) { ReadString(d_, n, m, p, s); });
  if (!present || d_.error_count() != errors) return false;
  *out = std::move(items);
  return true;
}

bool MapReader::LabelNameList(std::string_view key, std::vector<std::string>* out) {
  if (!StringList(key, out)) return false;
  const YAML::Node n = Get(key);
  bool ok = true;
  for (size_t i = 0; i < out->size(); ++i) {
    if (!IsValidLabelName((*out)[i])) {
      d_.Error(n[i].Mark(), KeyPath(key) + "[" + std::to_string(i) + "]",
               Quote((*out)[i]) + " is not a valid label name");
      ok = false;
    }
  }
  return ok;
}

bool MapReader::StringMap(std::string_view key, std::map<std::string, std::string>* out) {
  return ReadStringMap(key, /*keys_are_label_names=*/false, out);
}

bool MapReader::LabelMap(std::string_view key, std::map<std::string, std::string>* out) {
  return ReadStringMap(key, /*keys_are_label_names=*/true, out);
}

bool MapReader::ReadStringMap(std::string_view key, bool keys_are_label_names,
                              std::map<std::string, std::string>* out) {
  YAML::Node n = Get(key);
  if (IsNullNode(n)) return false;
  MapReader sub(d_, n, KeyMark(key), KeyPath(key));
  if (!sub.is_map()) return false;
  bool ok = true;
  for (const std::string& k : sub.Keys()) {
    if (keys_are_label_names && !IsValidLabelName(k)) {
      sub.Error(k, Quote(k) + " is not a valid label name");
      ok = false;
    }
    std::string value;
    if (ReadString(d_, sub.Get(k), sub.KeyMark(k), sub.KeyPath(k), &value)) {
      (*out)[k] = std::move(value);
    } else {
      ok = false;
    }
  }
  return ok;
}

bool MapReader::Required(std::string_view key) {
  const Entry* e = Find(key);
  if (e == nullptr || IsNullNode(e->value) || (e->value.IsScalar() && e->value.Scalar().empty())) {
    ErrorHere("missing required key " + Quote(key));
    return false;
  }
  return true;
}

void MapReader::Unsupported(std::string_view key, std::string_view why) {
  if (!Has(key)) return;
  Get(key);
  Error(key, std::string(key) + " is not supported by vigil" + std::string(why));
}

void MapReader::Done() {
  if (done_) return;
  done_ = true;
  for (const Entry& e : entries_) {
    if (!e.used) d_.Error(e.mark, KeyPath(e.key), "unknown key");
  }
}

}  // namespace vigil::config::internal
