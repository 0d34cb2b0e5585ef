// `vigil check rules FILE...`, as promtool 2.42's `check rules`: "Checking
// FILE" and "  SUCCESS: N rules found" on stdout, "  FAILED:" and the errors
// on stderr; the duplicate-rules lint is reported as a failure that only
// changes the exit code with --lint-fatal (3).
#include <iostream>

#include "check.h"
#include "vigil/rules/rule_file.h"

namespace vigil::app {
namespace {

std::string DuplicatesMessage(const std::vector<rules::DuplicateRule>& duplicates) {
  std::string msg = "lint error " + std::to_string(duplicates.size()) + " duplicate rule(s) found.\n";
  for (const rules::DuplicateRule& d : duplicates) {
    msg += "Metric: " + d.metric + "\nLabel(s):\n";
    for (const auto& [name, value] : d.labels) msg += "\t" + name + ": " + value + "\n";
  }
  return msg + "Might cause inconsistency while recording expressions";
}

}  // namespace

int CheckRules(const std::vector<std::string>& args) {
  bool lint_duplicates = true;
  bool lint_fatal = false;
  std::vector<std::string> files;
  for (const std::string& a : args) {
    if (a == "--lint=none") {
      lint_duplicates = false;
    } else if (a == "--lint=duplicate-rules" || a == "--lint=all") {
      lint_duplicates = true;
    } else if (a == "--lint-fatal") {
      lint_fatal = true;
    } else if (a.rfind("--", 0) == 0) {
      std::cerr << "vigil check rules: unknown flag " << a
                << " (expected --lint=all|duplicate-rules|none, --lint-fatal)\n";
      return 2;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::cerr << "vigil check rules: expected at least one FILE\n";
    return 2;
  }
  bool failed = false;
  bool lint_failed = false;
  for (const std::string& file : files) {
    std::cout << "Checking " << file << std::endl;
    Result<rules::RuleFile> parsed = rules::ParseRuleFile(file);
    if (!parsed.ok()) {
      std::cerr << "  FAILED:\n" << parsed.status().message() << std::endl;
      failed = true;
    } else if (std::vector<rules::DuplicateRule> d = rules::FindDuplicateRules(*parsed);
               lint_duplicates && !d.empty()) {
      std::cerr << "  FAILED:\n" << DuplicatesMessage(d) << std::endl;
      lint_failed = true;
    } else {
      std::cout << "  SUCCESS: " << parsed->RuleCount() << " rules found\n";
    }
    std::cout << std::endl;
  }
  if (failed) return 1;
  return lint_failed && lint_fatal ? 3 : 0;
}

}  // namespace vigil::app
