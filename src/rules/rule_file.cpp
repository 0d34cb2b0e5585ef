// Rule-file parsing as Prometheus 2.42's rulefmt: a strict decode first (type
// mismatches and unknown keys are "yaml: unmarshal errors", and stop there),
// then the semantic checks of RuleGroups.Validate, every error with the
// position of the node it is about.
#include "vigil/rules/rule_file.h"

#include <yaml-cpp/yaml.h>

#include <glob.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "rule_validate.h"

namespace vigil::rules {
namespace {

FilePos PosOf(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  if (m.is_null()) return {};
  return {m.line + 1, m.column + 1};
}

// The strict decode: builds specs and collects go-yaml style type errors.
class Decoder {
 public:
  std::vector<std::string> errors;  // "line N: ..."

  void TypeError(const YAML::Node& n, std::string_view what) {
    errors.push_back("line " + std::to_string(PosOf(n).line) + ": " + std::string(what));
  }

  // Go's message for a value that does not fit the target type.
  void CannotUnmarshal(const YAML::Node& n, std::string_view go_type) {
    std::string tag = n.IsSequence() ? "!!seq" : n.IsMap() ? "!!map" : "!!str";
    std::string shown = n.IsScalar() ? " `" + n.Scalar() + "`" : "";
    TypeError(n, "cannot unmarshal " + tag + shown + " into " + std::string(go_type));
  }

  bool String(const YAML::Node& n, std::string* out) {
    if (n.IsNull()) return true;
    if (!n.IsScalar()) {
      CannotUnmarshal(n, "string");
      return false;
    }
    *out = n.Scalar();
    return true;
  }

  void Duration(const YAML::Node& n, vigil::Duration* out, FilePos* pos) {
    std::string text;
    if (!String(n, &text) || text.empty()) return;
    Result<vigil::Duration> d = ParseDuration(text);
    if (!d.ok()) {
      TypeError(n, d.status().message());
      return;
    }
    *out = *d;
    if (pos) *pos = PosOf(n);
  }

  void Int(const YAML::Node& n, int* out) {
    if (n.IsNull()) return;
    try {
      *out = n.as<int>();
    } catch (const YAML::Exception&) {
      CannotUnmarshal(n, "int");
    }
  }

  void StringMap(const YAML::Node& n, std::map<std::string, std::string>* out) {
    if (n.IsNull()) return;
    if (!n.IsMap()) {
      CannotUnmarshal(n, "map[string]string");
      return;
    }
    for (const auto& kv : n) {
      std::string key, value;
      if (!String(kv.first, &key) || !String(kv.second, &value)) continue;
      (*out)[key] = value;
    }
  }

  // Calls fn(key, value) for each key of a mapping; unknown keys are errors
  // naming Go's type, as yaml.v3 with KnownFields.
  template <typename Fn>
  void Fields(const YAML::Node& n, std::string_view go_type,
              std::initializer_list<std::string_view> known, Fn fn) {
    if (n.IsNull()) return;
    if (!n.IsMap()) {
      CannotUnmarshal(n, go_type);
      return;
    }
    for (const auto& kv : n) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      bool is_known = false;
      for (std::string_view k : known) is_known |= (k == key);
      if (!is_known) {
        TypeError(kv.first, "field " + key + " not found in type " + std::string(go_type));
        continue;
      }
      fn(key, kv.first, kv.second);
    }
  }
};

void DecodeRule(Decoder& d, const YAML::Node& n, RuleSpec* rule) {
  rule->pos = PosOf(n);
  d.Fields(n, "rulefmt.RuleNode",
           {"record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"},
           [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
             (void)k;
             if (key == "record") {
               d.String(v, &rule->record);
               rule->record_pos = PosOf(v);
             } else if (key == "alert") {
               d.String(v, &rule->alert);
               rule->alert_pos = PosOf(v);
             } else if (key == "expr") {
               d.String(v, &rule->expr);
               rule->expr_pos = PosOf(v);
             } else if (key == "for") {
               d.Duration(v, &rule->for_duration, nullptr);
             } else if (key == "keep_firing_for") {
               d.Duration(v, &rule->keep_firing_for, nullptr);
             } else if (key == "labels") {
               d.StringMap(v, &rule->labels);
             } else {
               d.StringMap(v, &rule->annotations);
             }
           });
}

void DecodeGroup(Decoder& d, const YAML::Node& n, GroupSpec* group) {
  group->pos = PosOf(n);
  d.Fields(n, "rulefmt.RuleGroup", {"name", "interval", "limit", "rules"},
           [&](const std::string& key, const YAML::Node&, const YAML::Node& v) {
             if (key == "name") {
               d.String(v, &group->name);
             } else if (key == "interval") {
               d.Duration(v, &group->interval, nullptr);
             } else if (key == "limit") {
               d.Int(v, &group->limit);
             } else if (!v.IsNull()) {
               if (!v.IsSequence()) {
                 d.CannotUnmarshal(v, "[]rulefmt.RuleNode");
                 return;
               }
               for (const YAML::Node& r : v) DecodeRule(d, r, &group->rules.emplace_back());
             }
           });
}

}  // namespace

size_t RuleFile::RuleCount() const {
  size_t n = 0;
  for (const GroupSpec& g : groups) n += g.rules.size();
  return n;
}

Result<RuleFile> ParseRuleText(std::string_view yaml_text, std::string_view filename) {
  const std::string prefix = std::string(filename) + ": ";
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::ParserException& e) {
    return InvalidArgument(prefix + "yaml: line " + std::to_string(e.mark.line + 1) + ": " +
                           e.msg);
  }
  RuleFile file;
  file.path = std::string(filename);
  Decoder d;
  d.Fields(root, "rulefmt.RuleGroups", {"groups"},
           [&](const std::string&, const YAML::Node&, const YAML::Node& v) {
             if (v.IsNull()) return;
             if (!v.IsSequence()) {
               d.CannotUnmarshal(v, "[]rulefmt.RuleGroup");
               return;
             }
             for (const YAML::Node& g : v) DecodeGroup(d, g, &file.groups.emplace_back());
           });
  if (!d.errors.empty()) {
    std::string msg = prefix + "yaml: unmarshal errors:";
    for (const std::string& e : d.errors) msg += "\n  " + e;
    return InvalidArgument(msg);
  }
  std::vector<std::string> errors = ValidateRuleFile(file);
  if (!errors.empty()) {
    std::string msg;
    for (const std::string& e : errors) msg += (msg.empty() ? "" : "\n") + prefix + e;
    return InvalidArgument(msg);
  }
  return file;
}

Result<RuleFile> ParseRuleFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(path + ": cannot read rule file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return ParseRuleText(text.str(), path);
}

Result<std::vector<std::string>> ExpandRuleFileGlobs(const std::vector<std::string>& globs,
                                                     const std::string& base_dir) {
  std::set<std::string> files;
  for (const std::string& pattern : globs) {
    std::filesystem::path p(pattern);
    if (p.is_relative() && !base_dir.empty()) p = std::filesystem::path(base_dir) / p;
    glob_t g{};
    int rc = glob(p.c_str(), 0, nullptr, &g);
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) files.insert(g.gl_pathv[i]);
    }
    globfree(&g);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      return IoError("cannot expand rule file pattern \"" + pattern + "\"");
    }
  }
  return std::vector<std::string>(files.begin(), files.end());
}

std::vector<DuplicateRule> FindDuplicateRules(const RuleFile& file) {
  using Key = std::pair<std::string, std::map<std::string, std::string>>;
  std::map<Key, int> seen;
  for (const GroupSpec& g : file.groups) {
    for (const RuleSpec& r : g.rules) ++seen[{r.name(), r.labels}];
  }
  std::vector<DuplicateRule> duplicates;
  for (const auto& [key, count] : seen) {
    if (count > 1) duplicates.push_back({key.first, key.second});
  }
  return duplicates;
}

}  // namespace vigil::rules
