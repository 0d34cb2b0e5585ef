// One test of a rule unit-test file, run as promtool 2.42 runs it (see
// vigil/rules/unit_test.h). Internal to the rules module.
// Thread-safety: runs on the calling thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "unit_test_file.h"
#include "vigil/base/duration.h"
#include "vigil/promql/test_runner.h"

namespace vigil::rules::internal {

struct TestGroupEnv {
  Duration evaluation_interval{};
  // Group name → its place in group_eval_order; groups not listed are 0.
  std::map<std::string, int> group_order;
  std::vector<std::string> rule_files;  // resolved paths
  const promql::StorageFactory* storage = nullptr;
};

// Runs the test; returns its failures as promtool words them (empty: passed).
std::vector<std::string> RunTestGroup(const TestGroup& test, const TestGroupEnv& env);

}  // namespace vigil::rules::internal
