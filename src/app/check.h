// `vigil check ...`: offline validation of files, in the output format of
// promtool and amtool so scripts written for them keep working.
#pragma once

#include <string>
#include <vector>

namespace vigil::app {

// `vigil check config FILE...`; returns the exit code (1 on any invalid file).
int CheckConfig(const std::vector<std::string>& files);
// `vigil check alertmanager-config FILE...`.
int CheckAlertmanagerConfig(const std::vector<std::string>& files);
// `vigil check rules [--lint=all|duplicate-rules|none] [--lint-fatal] FILE...`,
// as promtool check rules: exit 1 on an invalid file, 3 on a lint finding
// with --lint-fatal.
int CheckRules(const std::vector<std::string>& args);
// `vigil check metrics [--content-type=TYPE] < body`: every violation as
// "line:column: message" on stdout (exit 1 if any), lint warnings on stderr.
int CheckMetrics(const std::vector<std::string>& args);

}  // namespace vigil::app
