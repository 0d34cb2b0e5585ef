#include "rule_validate.h"

#include <set>

#include "alert_template.h"
#include "vigil/model/labels.h"
#include "vigil/promql/parser.h"

namespace vigil::rules {
namespace {

// Go's %q for the texts rule names hold: quotes, backslashes and control
// characters escaped.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string PosText(FilePos p) {
  return std::to_string(p.line) + ":" + std::to_string(p.column) + ": ";
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
    if (extra < 0 || i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += extra + 1;
  }
  return true;
}

// One error about a rule, located at `node` (and `alt`) when given, as
// rulefmt's Error.Error.
struct RuleError {
  std::string message;
  const FilePos* node = nullptr;
  const FilePos* alt = nullptr;
};

std::vector<RuleError> ValidateRule(const RuleSpec& r) {
  std::vector<RuleError> errs;
  if (!r.record.empty() && !r.alert.empty()) {
    errs.push_back({"only one of 'record' and 'alert' must be set", &r.record_pos, &r.alert_pos});
  }
  if (r.record.empty() && r.alert.empty()) {
    errs.push_back({"one of 'record' or 'alert' must be set", &r.record_pos});
  }
  if (r.expr.empty()) {
    errs.push_back({"field 'expr' must be set in rule", &r.expr_pos});
  } else if (Result<promql::ExprPtr> e = promql::ParseExpr(r.expr); !e.ok()) {
    errs.push_back({"could not parse expression: " + e.status().message(), &r.expr_pos});
  }
  if (!r.record.empty()) {
    if (!r.annotations.empty()) {
      errs.push_back({"invalid field 'annotations' in recording rule", &r.record_pos});
    }
    if (r.for_duration.count() != 0) {
      errs.push_back({"invalid field 'for' in recording rule", &r.record_pos});
    }
    if (r.keep_firing_for.count() != 0) {
      errs.push_back({"invalid field 'keep_firing_for' in recording rule", &r.record_pos});
    }
    if (!model::IsValidMetricName(r.record)) {
      errs.push_back({"invalid recording rule name: " + r.record, &r.record_pos});
    }
  }
  for (const auto& [name, value] : r.labels) {
    if (!model::IsValidLabelName(name) || name == model::kMetricName) {
      errs.push_back({"invalid label name: " + name});
    }
    if (!IsValidUtf8(value)) errs.push_back({"invalid label value: " + value});
  }
  for (const auto& [name, value] : r.annotations) {
    if (!model::IsValidLabelName(name)) errs.push_back({"invalid annotation name: " + name});
  }
  if (!r.alert.empty()) {
    for (const auto& [name, text] : r.labels) {
      if (Status s = CheckAlertTemplate(r.alert, text); !s.ok()) {
        errs.push_back({"label " + Quote(name) + ": " + s.message()});
      }
    }
    for (const auto& [name, text] : r.annotations) {
      if (Status s = CheckAlertTemplate(r.alert, text); !s.ok()) {
        errs.push_back({"annotation " + Quote(name) + ": " + s.message()});
      }
    }
  }
  return errs;
}

}  // namespace

std::vector<std::string> ValidateRuleFile(const RuleFile& file) {
  std::vector<std::string> errors;
  std::set<std::string> names;
  for (const GroupSpec& g : file.groups) {
    if (g.name.empty()) errors.push_back(PosText(g.pos) + "Groupname must not be empty");
    if (!names.insert(g.name).second) {
      errors.push_back(PosText(g.pos) + "groupname: " + Quote(g.name) +
                       " is repeated in the same file");
    }
    for (size_t i = 0; i < g.rules.size(); ++i) {
      const RuleSpec& r = g.rules[i];
      const std::string where = "group " + Quote(g.name) + ", rule " + std::to_string(i + 1) +
                                ", " + Quote(r.alert.empty() ? r.record : r.alert) + ": ";
      for (const RuleError& e : ValidateRule(r)) {
        std::string pos;
        if (e.node) pos += PosText(*e.node);
        if (e.alt) pos += PosText(*e.alt);
        errors.push_back(pos + where + e.message);
      }
    }
  }
  return errors;
}

}  // namespace vigil::rules
