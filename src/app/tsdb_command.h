// `vigil tsdb analyze` and `vigil tsdb dump`: look into a data directory
// (vigil must not be running on it: the storage is locked while open).
#pragma once

#include <string>
#include <vector>

namespace vigil::app {

// `args` follow "tsdb"; returns the exit code.
int TsdbCommand(const std::vector<std::string>& args);

}  // namespace vigil::app
