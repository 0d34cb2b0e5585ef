#include "check.h"

#include <iostream>

#include "vigil/config/config.h"
#include "vigil/rules/rule_file.h"

namespace vigil::app {

int CheckConfig(const std::vector<std::string>& files) {
  if (files.empty()) {
    std::cerr << "vigil check config: expected at least one FILE\n";
    return 2;
  }
  int exit_code = 0;
  for (const std::string& file : files) {
    std::cout << "Checking " << file << "\n";
    Result<std::shared_ptr<const config::Config>> c = config::LoadConfigFile(file);
    if (!c.ok()) {
      std::cout << "  FAILED:\n" << c.status().message() << "\n\n";
      exit_code = 1;
      continue;
    }
    // As promtool, the rule files the config names are checked too (their
    // globs were resolved against the config's directory when it loaded).
    Result<std::vector<std::string>> rule_files =
        rules::ExpandRuleFileGlobs((*c)->rule_files, /*base_dir=*/"");
    if (!rule_files.ok()) {
      std::cout << "  FAILED:\n" << rule_files.status().message() << "\n\n";
      exit_code = 1;
      continue;
    }
    std::cout << "  SUCCESS: " << rule_files->size() << " rule files found\n";
    std::cout << " SUCCESS: " << file << " is valid vigil config file syntax\n";
    std::cout << "  " << (*c)->scrape_configs.size() << " scrape configs, "
              << (*c)->rule_files.size() << " rule file patterns, "
              << ((*c)->notifications ? "notifications configured" : "no notifications")
              << "\n\n";
    if (!rule_files->empty() && CheckRules(*rule_files) != 0) exit_code = 1;
  }
  return exit_code;
}

int CheckAlertmanagerConfig(const std::vector<std::string>& files) {
  if (files.empty()) {
    std::cerr << "vigil check alertmanager-config: expected at least one FILE\n";
    return 2;
  }
  int exit_code = 0;
  for (const std::string& file : files) {
    std::cout << "Checking '" << file << "'";
    Result<std::shared_ptr<const config::NotificationConfig>> c =
        config::LoadAlertmanagerConfigFile(file);
    if (!c.ok()) {
      std::cout << "  FAILED: " << c.status().message() << "\n\n";
      exit_code = 1;
      continue;
    }
    std::cout << "  SUCCESS\nFound:\n"
              << " - global config\n"
              << " - route\n"
              << " - " << (*c)->inhibit_rules.size() << " inhibit rules\n"
              << " - " << (*c)->receivers.size() << " receivers\n"
              << " - " << (*c)->templates.size() << " templates\n\n";
  }
  return exit_code;
}

}  // namespace vigil::app
