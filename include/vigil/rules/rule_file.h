// Rule files in Prometheus 2.42's format (rulefmt): `groups`, each with a
// `name`, optional `interval` and `limit`, and `rules` that are either
// recording rules (`record`, `expr`, `labels`) or alerting rules (`alert`,
// `expr`, `for`, `keep_firing_for`, `labels`, `annotations`).
//
// Parsing validates everything Prometheus validates and reports every error
// of a file, one per line, with promtool's wording and positions (line:col of
// the offending YAML node, 1-based):
//   rules.yml: 5:15: group "g", rule 1, "r": could not parse expression: 1:6: parse error: ...
//   rules.yml: 3:5: groupname: "g" is repeated in the same file
//   rules.yml: yaml: unmarshal errors:\n  line 6: field xyz not found in type rulefmt.RuleNode
// Label and annotation templates are parsed (with Prometheus's rule-template
// functions) so a template that does not parse is a load error.
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/duration.h"
#include "vigil/base/result.h"

namespace vigil::rules {

// A position in the rule file; 0:0 when the node is absent (as Prometheus).
struct FilePos {
  int line = 0;
  int column = 0;
};

struct RuleSpec {
  std::string record;  // exactly one of record and alert is set
  std::string alert;
  std::string expr;
  Duration for_duration{};      // alerting rules only
  Duration keep_firing_for{};   // alerting rules only
  std::map<std::string, std::string> labels;       // values are templates (alerts)
  std::map<std::string, std::string> annotations;  // alerting rules only; templates
  FilePos pos;         // the rule's first key
  FilePos record_pos;  // the values of `record`, `alert` and `expr`; 0:0 when absent
  FilePos alert_pos;
  FilePos expr_pos;

  bool is_alert() const { return !alert.empty(); }
  const std::string& name() const { return is_alert() ? alert : record; }
};

struct GroupSpec {
  std::string name;
  Duration interval{};  // 0: the global evaluation_interval
  int limit = 0;        // most series (recording) / alerts a rule may produce; 0: no limit
  std::vector<RuleSpec> rules;
  FilePos pos;  // the group's first key
};

struct RuleFile {
  std::string path;  // as given to ParseRuleFile (or the name given to ParseRuleText)
  std::vector<GroupSpec> groups;

  size_t RuleCount() const;
};

// Reads and validates a rule file. An empty file has no groups (as Prometheus).
Result<RuleFile> ParseRuleFile(const std::string& path);
// Validates rule-file text; `filename` prefixes the errors.
Result<RuleFile> ParseRuleText(std::string_view yaml_text, std::string_view filename);

// Expands `rule_files` globs (already absolute, or relative to `base_dir`) to
// the sorted, de-duplicated list of files they match. A glob matching nothing
// is not an error (as Prometheus); a malformed one is.
Result<std::vector<std::string>> ExpandRuleFileGlobs(const std::vector<std::string>& globs,
                                                     const std::string& base_dir);

// promtool's duplicate-rules lint: rules (recording or alerting) with the
// same name and labels in one file. One entry per duplicated (name, labels),
// in name-then-labels order.
struct DuplicateRule {
  std::string metric;
  std::map<std::string, std::string> labels;
};
std::vector<DuplicateRule> FindDuplicateRules(const RuleFile& file);

}  // namespace vigil::rules
