// `vigil test promql FILE|DIR...`: runs PromQL test scripts (Prometheus's
// promql test format) against the real storage engine, one throwaway data
// directory per script.
// `vigil test rules TESTFILE...`: runs rule unit tests in promtool's format
// (as `promtool test rules`), one throwaway data directory per test.
#pragma once

#include <string>
#include <vector>

namespace vigil::app {

// `args` follow "test"; returns the exit code.
int TestCommand(const std::vector<std::string>& args);

}  // namespace vigil::app
