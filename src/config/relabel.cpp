// Relabel rules, validated with Prometheus 2.42's per-action rules
// (model/relabel/relabel.go), messages kept as Prometheus words them.
#include <re2/re2.h>

#include "internal.h"
#include "vigil/model/matcher.h"

namespace vigil::config::internal {
namespace {

// ^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$ : label-name characters and
// $1 / ${name} references, as Prometheus's relabelTarget.
bool IsValidRelabelTarget(std::string_view s) {
  static const RE2 kTarget(R"(^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$)");
  return RE2::FullMatch(s, kTarget);
}

struct Explicit {
  bool source_labels = false;
  bool regex = false;
};

// Prometheus's relabel.Config.Validate. Returns "" when valid.
std::string Validate(const RelabelConfig& c, const Explicit& set) {
  using A = RelabelAction;
  const A a = c.action;
  const std::string name(RelabelActionName(a));
  const RelabelConfig defaults;
  if (c.modulus == 0 && a == A::kHashMod) {
    return "relabel configuration for hashmod requires non-zero modulus";
  }
  bool needs_target = a == A::kReplace || a == A::kHashMod || a == A::kLowercase ||
                      a == A::kUppercase || a == A::kKeepEqual || a == A::kDropEqual;
  if (needs_target && c.target_label.empty()) {
    return "relabel configuration for " + name + " action requires 'target_label' value";
  }
  bool has_dollar = c.target_label.find('$') != std::string::npos;
  if (a == A::kReplace && ((!has_dollar && !IsValidLabelName(c.target_label)) ||
                           (has_dollar && !IsValidRelabelTarget(c.target_label)))) {
    return Quote(c.target_label) + " is invalid 'target_label' for " + name + " action";
  }
  bool plain_target = a == A::kLowercase || a == A::kUppercase || a == A::kKeepEqual ||
                      a == A::kDropEqual || a == A::kHashMod;
  if (plain_target && !IsValidLabelName(c.target_label)) {
    return Quote(c.target_label) + " is invalid 'target_label' for " + name + " action";
  }
  if ((a == A::kLowercase || a == A::kUppercase || a == A::kKeepEqual || a == A::kDropEqual) &&
      c.replacement != defaults.replacement) {
    return "'replacement' can not be set for " + name + " action";
  }
  if (a == A::kLabelMap && !IsValidRelabelTarget(c.replacement)) {
    return Quote(c.replacement) + " is invalid 'replacement' for " + name + " action";
  }
  if ((a == A::kDropEqual || a == A::kKeepEqual) &&
      (set.regex || c.modulus != defaults.modulus || c.separator != defaults.separator ||
       c.replacement != defaults.replacement)) {
    return name + " action requires only 'source_labels' and `target_label`, and no other fields";
  }
  if ((a == A::kLabelDrop || a == A::kLabelKeep) &&
      (set.source_labels || c.target_label != defaults.target_label ||
       c.modulus != defaults.modulus || c.separator != defaults.separator ||
       c.replacement != defaults.replacement)) {
    return name + " action requires only 'regex', and no other fields";
  }
  return "";
}

void DecodeRelabelConfig(Decoder& d, const YAML::Node& node, const YAML::Mark& mark,
                         const std::string& path, RelabelConfig* out) {
  if (IsNullNode(node)) {
    d.Error(mark, path, "empty or null relabeling rule");
    return;
  }
  MapReader r(d, node, mark, path);
  if (!r.is_map()) return;
  size_t errors = d.error_count();
  Explicit set;
  set.source_labels = r.Has("source_labels") && !IsNullNode(r.Get("source_labels"));
  r.LabelNameList("source_labels", &out->source_labels);
  r.String("separator", &out->separator);
  set.regex = r.String("regex", &out->regex);
  auto compiled = model::CompileAnchored(out->regex);
  if (compiled.ok()) {
    out->compiled_regex = *compiled;
  } else {
    r.Error("regex", compiled.status().message());
  }
  r.Uint("modulus", &out->modulus);
  r.String("target_label", &out->target_label);
  r.String("replacement", &out->replacement);
  std::string action;
  if (r.String("action", &action)) {
    if (action.empty()) {
      r.Error("action", "relabel action cannot be empty");
    } else if (auto parsed = ParseRelabelAction(action)) {
      out->action = *parsed;
    } else {
      r.Error("action", "unknown relabel action " + Quote(action));
    }
  }
  r.Done();
  if (d.error_count() != errors) return;  // per-action rules only make sense on clean input
  if (std::string err = Validate(*out, set); !err.empty()) {
    r.Error(r.Has("action") ? "action" : "target_label", err);
  }
}

}  // namespace

void DecodeRelabelConfigs(MapReader& r, std::string_view key, std::vector<RelabelConfig>* out) {
  r.List(key, out,
         [&r](const YAML::Node& n, const YAML::Mark& m, const std::string& p, RelabelConfig* c) {
           DecodeRelabelConfig(r.decoder(), n, m, p, c);
         });
}

}  // namespace vigil::config::internal
