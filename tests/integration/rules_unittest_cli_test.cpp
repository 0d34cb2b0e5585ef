// `vigil test rules` through the real binary and the real storage engine:
// every unit-test file of the conformance corpus, unchanged, run from inside
// its folder with promtool 2.42's exit code and its key output lines; and
// agreement with Debian's promtool on the test files of rules/ (which must
// pass) and on tests/rules/testdata/unittest (which mostly must fail).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "process.h"

namespace vigil::testing {
namespace {

const std::string kConformance = VIGIL_SOURCE_DIR "/../shared/conformance/rules-unittest";
const std::string kTestdata = VIGIL_SOURCE_DIR "/tests/rules/testdata/unittest";

// Runs `binary test rules FILE` with `dir` as the working directory.
CommandResult TestRulesIn(const std::string& binary, const std::string& dir,
                          const std::string& file) {
  return RunCommand({"/bin/sh", "-c", "cd \"$0\" && exec \"$1\" test rules \"$2\"", dir, binary,
                     file});
}

std::vector<std::pair<std::string, int>> ReadExpected(const std::string& dir) {
  std::ifstream in(dir + "/EXPECTED.tsv");
  std::vector<std::pair<std::string, int>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    if (tab != std::string::npos) rows.emplace_back(line.substr(0, tab), std::stoi(line.substr(tab + 1)));
  }
  return rows;
}

// Every non-blank line of promtool's recorded output appears in vigil's
// (stdout and stderr interleave differently when captured together).
void ExpectKeyLines(const std::string& dir, const std::string& file, const std::string& output) {
  std::ifstream in(dir + "/expected-output/" + file + ".promtool-2.42.txt");
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++lines;
    EXPECT_NE(output.find(line), std::string::npos) << "missing line: " << line;
  }
  EXPECT_GT(lines, 0);
}

TEST(RulesUnitTestCli, ConformanceFilesAsPromtool) {
  const auto rows = ReadExpected(kConformance);
  ASSERT_EQ(rows.size(), 5u);
  for (const auto& [file, exit_code] : rows) {
    SCOPED_TRACE(file);
    CommandResult r = TestRulesIn(VIGIL_BINARY, kConformance, file);
    EXPECT_EQ(r.exit_code, exit_code) << r.output;
    ExpectKeyLines(kConformance, file, r.output);
  }
}

TEST(RulesUnitTestCli, MissingFileIsAnError) {
  CommandResult r = RunCommand({VIGIL_BINARY, "test", "rules", "/nonexistent/test.yml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("path '/nonexistent/test.yml' does not exist"), std::string::npos)
      << r.output;
}

class RulesUnitTestAgreement : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(VIGIL_PROMTOOL)) {
      GTEST_SKIP() << "no promtool at " VIGIL_PROMTOOL " (run scripts/setup.sh --test-peers)";
    }
  }
};

// The SLI rules shipped in rules/: both runners pass their tests, one test
// file per case.
std::vector<std::string> ShippedTestFiles() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(VIGIL_SOURCE_DIR "/rules/tests")) {
    const std::string name = e.path().filename().string();
    if (name.ends_with("_test.yml")) files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  return files;
}

class ShippedRuleTests : public RulesUnitTestAgreement,
                         public ::testing::WithParamInterface<std::string> {};

TEST_P(ShippedRuleTests, PassInBoth) {
  const std::string dir = VIGIL_SOURCE_DIR "/rules/tests";
  CommandResult promtool = TestRulesIn(VIGIL_PROMTOOL, dir, GetParam());
  CommandResult vigil = TestRulesIn(VIGIL_BINARY, dir, GetParam());
  EXPECT_EQ(promtool.exit_code, 0) << promtool.output;
  EXPECT_EQ(vigil.exit_code, 0) << vigil.output;
  EXPECT_NE(vigil.output.find("  SUCCESS"), std::string::npos) << vigil.output;
}

INSTANTIATE_TEST_SUITE_P(RulesDir, ShippedRuleTests, ::testing::ValuesIn(ShippedTestFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.find('_'));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// Deliberately failing files (and one passing): same exit code in both, and
// vigil reports what promtool reports.
TEST_F(RulesUnitTestAgreement, FailingFilesFailInBoth) {
  const auto rows = ReadExpected(kTestdata);
  ASSERT_GE(rows.size(), 6u);
  for (const auto& [file, exit_code] : rows) {
    SCOPED_TRACE(file);
    CommandResult promtool = TestRulesIn(VIGIL_PROMTOOL, kTestdata, file);
    CommandResult vigil = TestRulesIn(VIGIL_BINARY, kTestdata, file);
    EXPECT_EQ(promtool.exit_code, exit_code) << promtool.output;
    EXPECT_EQ(vigil.exit_code, exit_code) << vigil.output;
    ExpectKeyLines(kTestdata, file, vigil.output);
  }
}

}  // namespace
}  // namespace vigil::testing
