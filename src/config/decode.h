// The generic YAML decoding helpers the config loader is built on (private to
// the config module; yaml-cpp stays out of public headers).
//
// A Decoder collects every error of one file, each with its 1-based
// line:column and key path. A MapReader reads one YAML mapping: typed getters
// mark keys as known, Done() reports the rest as unknown, and duplicate keys
// are reported when the reader is built. A missing key or a null value leaves
// the output at its default, as Go's YAML decoder does.
// Thread-safety: single-threaded use during one load.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/model/labels.h"
#include "vigil/base/duration.h"
#include "vigil/config/common.h"

namespace vigil::config::internal {

class Decoder {
 public:
  // `base_dir` is where relative paths are resolved from ("" or "." for as-is).
  Decoder(std::string filename, std::string base_dir);

  const std::string& filename() const { return filename_; }
  const std::string& base_dir() const { return base_dir_; }

  // An error at `mark` (0-based, as yaml-cpp gives it) about `path`.
  void Error(const YAML::Mark& mark, std::string_view path, std::string_view msg);
  // An error already formatted (e.g. from another file's decoder).
  void AddFormatted(std::string line, int sort_line = 0, int sort_column = 0);
  bool ok() const { return errors_.empty(); }
  // Every error, sorted by position, one per line.
  std::string ErrorText() const;
  // Number of errors so far; lets a caller see whether a section added any.
  size_t error_count() const { return errors_.size(); }

  // `path` joined to base_dir when relative (and non-empty), normalised.
  std::string ResolvePath(const std::string& path) const;

 private:
  struct Entry {
    int line;
    int column;
    std::string text;
  };
  std::string filename_;
  std::string base_dir_;
  std::vector<Entry> errors_;
};

// Scalar conversions used by MapReader and for list items. Each reports its
// own error against (mark, path) and returns false on failure; a null node is
// an error here (callers skip nulls where Go would).
bool ReadString(Decoder& d, const YAML::Node& n, const YAML::Mark& mark, std::string_view path,
                std::string* out);
bool ReadBool(Decoder& d, const YAML::Node& n, const YAML::Mark& mark, std::string_view path,
              bool* out);
bool ReadInt(Decoder& d, const YAML::Node& n, const YAML::Mark& mark, std::string_view path,
             int64_t* out);
bool ReadUint(Decoder& d, const YAML::Node& n, const YAML::Mark& mark, std::string_view path,
              uint64_t* out);
bool ReadDuration(Decoder& d, const YAML::Node& n, const YAML::Mark& mark, std::string_view path,
                  Duration* out);

// What a node is, for messages: "a mapping", "a list", "a string", "null".
std::string_view DescribeNode(const YAML::Node& n);
bool IsNullNode(const YAML::Node& n);   // undefined or null
std::string Quote(std::string_view s);  // "s" with \ and " escaped
// The position of `key` in mapping `map`, or the map's own when absent.
YAML::Mark KeyMarkOf(const YAML::Node& map, std::string_view key);
using model::IsValidLabelName;  // [a-zA-Z_][a-zA-Z0-9_]*
// An http or https URL with a host (Alertmanager's and Prometheus's check).
// Returns "" when valid, else why not.
std::string CheckHttpUrl(std::string_view url);
// A URL Go's url.Parse accepts (lenient: no spaces or control characters,
// valid %-escapes). Returns "" when valid, else why not.
std::string CheckUrlSyntax(std::string_view url);

class MapReader {
 public:
  // Reports an error when `node` is neither a mapping nor null (null reads as
  // empty). `mark` locates the node for errors (the key's mark, usually).
  MapReader(Decoder& d, const YAML::Node& node, const YAML::Mark& mark, std::string path);
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;

  Decoder& decoder() { return d_; }
  const std::string& path() const { return path_; }
  const YAML::Mark& mark() const { return mark_; }
  bool is_map() const { return is_map_; }

  bool Has(std::string_view key) const;
  // The value of `key` (marked as known), or an undefined node.
  YAML::Node Get(std::string_view key);
  // The key's position (or the map's when absent) and "path.key".
  YAML::Mark KeyMark(std::string_view key) const;
  std::string KeyPath(std::string_view key) const;
  // Every key in file order.
  std::vector<std::string> Keys() const;

  void Error(std::string_view key, std::string_view msg);  // at the key
  void ErrorHere(std::string_view msg);                    // at the map

  // Typed getters: true when the key is present, non-null and valid. On a bad
  // value they report it and leave *out unchanged.
  bool String(std::string_view key, std::string* out);
  bool Bool(std::string_view key, bool* out);
  bool Int(std::string_view key, int64_t* out);
  bool Uint(std::string_view key, uint64_t* out);
  bool Duration(std::string_view key, vigil::Duration* out);
  bool Secret(std::string_view key, config::Secret* out);
  bool FilePath(std::string_view key, std::string* out);  // a string resolved with ResolvePath
  bool StringList(std::string_view key, std::vector<std::string>* out);
  bool StringMap(std::string_view key, std::map<std::string, std::string>* out);
  // A string list whose items must be valid label names.
  bool LabelNameList(std::string_view key, std::vector<std::string>* out);
  // A map of label name -> value.
  bool LabelMap(std::string_view key, std::map<std::string, std::string>* out);

  // Reports `required` when the key is absent, null or an empty string.
  bool Required(std::string_view key);
  // Reports "<key> is not supported by vigil<why>" when the key is present.
  void Unsupported(std::string_view key, std::string_view why = "");

  // A list of items, each decoded by fn(item_node, item_mark, item_path, T*);
  // items whose decoding added errors are still appended.
  template <typename T, typename Fn>
  bool List(std::string_view key, std::vector<T>* out, Fn fn) {
    YAML::Node n = Get(key);
    if (IsNullNode(n)) return false;
    if (!n.IsSequence()) {
      Error(key, std::string("expected a list, got ") + std::string(DescribeNode(n)));
      return false;
    }
    std::string base = KeyPath(key);
    for (size_t i = 0; i < n.size(); ++i) {
      YAML::Node item = n[i];
      T value{};
      // yaml-cpp places a null item at the token after it; use the list's key.
      YAML::Mark mark = IsNullNode(item) ? KeyMark(key) : item.Mark();
      fn(item, mark, base + "[" + std::to_string(i) + "]", &value);
      out->push_back(std::move(value));
    }
    return true;
  }

  // A nested mapping decoded by fn(MapReader&); Done() is called after fn.
  // False (and fn not called) when absent, null or not a mapping.
  template <typename Fn>
  bool Object(std::string_view key, Fn fn) {
    YAML::Node n = Get(key);
    if (IsNullNode(n)) return false;
    MapReader sub(d_, n, KeyMark(key), KeyPath(key));
    if (!sub.is_map()) return false;
    fn(sub);
    sub.Done();
    return true;
  }

  // Reports every key no getter asked for; later calls do nothing.
  void Done();

 private:
  // StringMap and LabelMap; the latter also checks every key is a label name.
  bool ReadStringMap(std::string_view key, bool keys_are_label_names,
                     std::map<std::string, std::string>* out);

  struct Entry {
    std::string key;
    YAML::Mark mark;
    YAML::Node value;
    bool used = false;
  };
  const Entry* Find(std::string_view key) const;

  Decoder& d_;
  YAML::Mark mark_;
  std::string path_;
  bool is_map_ = false;
  bool done_ = false;
  std::vector<Entry> entries_;
};

}  // namespace vigil::config::internal
