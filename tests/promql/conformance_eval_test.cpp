// Runs every PromQL test script of the conformance corpus (Prometheus
// 2.42's promql/testdata, unchanged) through the test runner, with the
// in-memory storage, and requires every eval to pass.
#include <gtest/gtest.h>

#include <iostream>
#include <sstream>

#include "engine_test_util.h"

namespace vigil::promql {
namespace {

// Evals that cannot pass yet: "<file>:<line>" → reason. Keep empty.
const std::map<std::string, std::string>& SkipList() {
  static const std::map<std::string, std::string> kSkip = {};
  return kSkip;
}

TEST(ConformanceEval, EveryScriptPasses) {
  TestRunOptions options;
  options.skip = SkipList();
  std::ostringstream out;
  int rc = RunTestFiles({std::string(VIGIL_CONFORMANCE_DIR) + "/promql"}, MemoryStorageFactory(),
                        out, options);
  std::cout << out.str();
  EXPECT_EQ(rc, 0) << out.str();
  EXPECT_NE(out.str().find(" passed, 0 failed"), std::string::npos);
}

}  // namespace
}  // namespace vigil::promql
