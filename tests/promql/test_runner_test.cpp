// Tests of the PromQL test-script runner: the format's parsing, its
// comparison rules and its report.
#include "vigil/promql/test_runner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "engine_test_util.h"
#include "test_script.h"
#include "vigil/model/value.h"

namespace vigil::promql {
namespace {

using internal::ParseSeriesValues;
using internal::ParseTestScript;

TEST(TestScript, ExpandsSeriesNotation) {
  auto v = ParseSeriesValues("1 -2.5 1e3 Inf -Inf NaN 0+10x2 5-1x2 3x2 _ _x2 stale -1+1x1");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  std::vector<std::optional<double>> want = {1,  -2.5, 1000, INFINITY, -INFINITY, NAN, 0, 10, 20, 5,
                                             4,  3,    3,    3,        3,         std::nullopt,
                                             std::nullopt, std::nullopt, model::StaleNaN(), -1, 0};
  ASSERT_EQ(v->size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(i);
    ASSERT_EQ((*v)[i].has_value(), want[i].has_value());
    if (!want[i]) continue;
    if (std::isnan(*want[i])) {
      EXPECT_TRUE(std::isnan(*(*v)[i]));
      EXPECT_EQ(model::IsStaleNaN(*(*v)[i]), model::IsStaleNaN(*want[i]));
    } else {
      EXPECT_EQ(*(*v)[i], *want[i]);
    }
  }
  EXPECT_FALSE(ParseSeriesValues("0x1f").ok());
  EXPECT_FALSE(ParseSeriesValues("abc").ok());
}

TEST(TestScript, ParsesCommands) {
  auto cmds = ParseTestScript(
      "# comment\n"
      "load 5m\n"
      "  m{a=\"x y\"} 1 2\n"
      "\n"
      "eval instant at 10m m\n"
      "  m{a=\"x y\"} 2\n"
      "\n"
      "EVAL_ORDERED instant at 1h sort(m)\n"
      "\n"
      "eval_fail instant at 0 foo(\n"
      "\n"
      "eval range from 0 to 10m step 5m m\n"
      "  m{a=\"x y\"} 1 2 _\n"
      "\n"
      "clear\n");
  ASSERT_TRUE(cmds.ok()) << cmds.status().ToString();
  ASSERT_EQ(cmds->size(), 6u);
  EXPECT_EQ((*cmds)[0].step_ms, 300'000);
  EXPECT_EQ((*cmds)[0].series[0].labels.Get("a"), "x y");
  EXPECT_EQ((*cmds)[1].line, 5);
  EXPECT_EQ((*cmds)[1].start, 600'000);
  EXPECT_TRUE((*cmds)[2].ordered);
  EXPECT_TRUE((*cmds)[3].fail);
  EXPECT_TRUE((*cmds)[4].range);
  EXPECT_EQ((*cmds)[4].interval_ms, 300'000);
  EXPECT_EQ((*cmds)[4].expected[0].values.size(), 3u);
  EXPECT_FALSE(ParseTestScript("bogus command\n").ok());
}

std::string RunScript(const std::string& script, TestSummary* summary,
                const TestRunOptions& options = {}) {
  std::ostringstream out;
  *summary = RunTestScript("t.test", script, MemoryStorageFactory(), out, options);
  return out.str();
}

TEST(TestRunner, PassesAndFailsWithFileLineExpectedAndGot) {
  TestSummary s;
  std::string out = RunScript(
      "load 1m\n"
      "  m{i=\"1\"} 0+1x10\n"
      "  m{i=\"2\"} 0+2x10\n"
      "\n"
      "eval instant at 5m m\n"
      "  m{i=\"1\"} 5\n"
      "  m{i=\"2\"} 10\n"
      "\n"
      "eval instant at 5m m\n"
      "  m{i=\"1\"} 5\n"
      "  m{i=\"2\"} 11\n"
      "\n"
      "eval instant at 5m sum(m)\n"
      "  {} 15.0000001\n"
      "\n"
      "eval_fail instant at 5m m\n",
      &s);
  EXPECT_EQ(s.passed, 2);
  EXPECT_EQ(s.failed, 2);
  EXPECT_NE(out.find("t.test:9: "), std::string::npos) << out;
  EXPECT_NE(out.find("expected 11 for m{i=\"2\"} but got 10"), std::string::npos) << out;
  EXPECT_NE(out.find("t.test:16: expected error"), std::string::npos) << out;
}

TEST(TestRunner, OrderedAndScalarResults) {
  TestSummary s;
  std::string out = RunScript(
      "load 1m\n"
      "  m{i=\"1\"} 3\n"
      "  m{i=\"2\"} 1\n"
      "\n"
      "eval_ordered instant at 0 sort(m)\n"
      "  m{i=\"2\"} 1\n"
      "  m{i=\"1\"} 3\n"
      "\n"
      "eval_ordered instant at 0 sort(m)\n"
      "  m{i=\"1\"} 3\n"
      "  m{i=\"2\"} 1\n"
      "\n"
      "eval instant at 0 scalar(m{i=\"1\"}) * 2\n"
      "  6\n",
      &s);
  EXPECT_EQ(s.passed, 2) << out;
  EXPECT_EQ(s.failed, 1) << out;
  EXPECT_NE(out.find("t.test:9: "), std::string::npos) << out;
}

TEST(TestRunner, AtModifierCheckCatchesTimeDependence) {
  // `m` changes over time, so its value differs with `@ t` at other times
  // only if the engine ignores @; this must pass.
  TestSummary s;
  std::string out = RunScript(
      "load 1m\n"
      "  m 0+1x100\n"
      "\n"
      "eval instant at 10m rate(m[5m]) + m\n"
      "  {} 10.016666666666667\n"
      "\n"
      "eval instant at 10m m[2m:1m]\n",
      &s);
  EXPECT_EQ(s.passed, 1) << out;
  EXPECT_EQ(s.failed, 1) << out;
  EXPECT_NE(out.find("received range result on instant evaluation"), std::string::npos) << out;
}

TEST(TestRunner, RangeEvalForm) {
  TestSummary s;
  std::string out = RunScript(
      "load 1m\n"
      "  m 1 2 _ 4\n"
      "\n"
      "eval range from 0 to 3m step 1m m\n"
      "  m 1 2 2 4\n"
      "\n"
      "eval range from 0 to 3m step 1m m offset 1m\n"
      "  m _ 1 2 2\n"
      "\n"
      "eval range from 0 to 3m step 1m m\n"
      "  m 1 2 3 4\n",
      &s);
  EXPECT_EQ(s.passed, 2) << out;
  EXPECT_EQ(s.failed, 1) << out;
  EXPECT_NE(out.find("t.test:10: "), std::string::npos) << out;
}

TEST(TestRunner, SkipListAndFinalLine) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("vigil_runner_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "a.test") << "load 1m\n  m 1\n\neval instant at 0 m\n  m 2\n\n"
                                   "eval instant at 0 m\n  m 1\n";
  TestRunOptions options;
  options.skip["a.test:4"] = "known difference";
  std::ostringstream out;
  int rc = RunTestFiles({dir.string()}, MemoryStorageFactory(), out, options);
  EXPECT_EQ(rc, 0);
  std::string text = out.str();
  EXPECT_NE(text.find("SKIP a.test:4: known difference"), std::string::npos) << text;
  EXPECT_TRUE(text.ends_with("1 passed, 0 failed\n")) << text;
  options.skip.clear();
  std::ostringstream out2;
  EXPECT_EQ(RunTestFiles({(dir / "a.test").string()}, MemoryStorageFactory(), out2, options), 1);
  EXPECT_TRUE(out2.str().ends_with("1 passed, 1 failed\n")) << out2.str();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vigil::promql
