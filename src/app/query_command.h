// `vigil query instant|range|series|labels`: the command-line client of a
// running server's query API, printing results as `promtool query` does
// (client_golang's text forms: `name{l="v"} => 1 @[1700000000.5]`). An API
// or connection error goes to stderr as "query error: ..." with exit code 1.
#pragma once

#include <string>
#include <vector>

namespace vigil::app {

// `args` follow the word "query". Returns the process exit code.
int QueryCommand(const std::vector<std::string>& args);

}  // namespace vigil::app
