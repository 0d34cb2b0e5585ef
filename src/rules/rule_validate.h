// The semantic checks of a decoded rule file (Prometheus 2.42's
// RuleGroups.Validate and RuleNode.Validate), with promtool's wording.
// Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "vigil/rules/rule_file.h"

namespace vigil::rules {

// Every error of the file, in file order, without the file-name prefix:
//   5:15: group "g", rule 1, "r": could not parse expression: 1:6: parse error: ...
std::vector<std::string> ValidateRuleFile(const RuleFile& file);

}  // namespace vigil::rules
