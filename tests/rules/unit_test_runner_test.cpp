// The rule unit-test runner (`vigil test rules`) against promtool 2.42's
// recorded behaviour: the conformance corpus (../shared/conformance/
// rules-unittest) and this folder's testdata/unittest, each file run from
// inside its folder as promtool was, with its exit code and its complete
// output (stdout, then stderr) compared to promtool's. The goldens in
// testdata/unittest/expected-output were recorded with
//   cd testdata/unittest && promtool test rules F >o 2>e; cat o e
// Plus the rule files shipped in rules/, whose tests must pass.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "memory_storage.h"
#include "unit_test_format.h"
#include "unit_test_series.h"
#include "vigil/rules/unit_test.h"

namespace vigil::rules {
namespace {

class MemoryTestStorage : public promql::TestStorage {
 public:
  tsdb::Appendable& appendable() override { return storage_; }
  tsdb::Queryable& queryable() override { return storage_; }

 private:
  testing::MemoryStorage storage_;
};

Result<std::unique_ptr<promql::TestStorage>> MakeStorage() {
  return std::unique_ptr<promql::TestStorage>(new MemoryTestStorage());
}

struct RunOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `files` with `dir` as the working directory.
RunOutput RunIn(const std::string& dir, const std::vector<std::string>& files) {
  const std::filesystem::path saved = std::filesystem::current_path();
  std::filesystem::current_path(dir);
  std::ostringstream out;
  std::ostringstream err;
  RunOutput r;
  r.exit_code = RunRuleUnitTests(files, &MakeStorage, out, err);
  std::filesystem::current_path(saved);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// EXPECTED.tsv rows: file name → promtool's exit code.
std::vector<std::pair<std::string, int>> ReadExpected(const std::string& dir) {
  std::vector<std::pair<std::string, int>> rows;
  std::istringstream lines(ReadFile(dir + "/EXPECTED.tsv"));
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    rows.emplace_back(line.substr(0, tab), std::stoi(line.substr(tab + 1)));
  }
  return rows;
}

void ExpectSameAsPromtool(const std::string& dir, size_t min_files) {
  const auto rows = ReadExpected(dir);
  ASSERT_GE(rows.size(), min_files) << dir;
  for (const auto& [file, exit_code] : rows) {
    SCOPED_TRACE(file);
    RunOutput r = RunIn(dir, {file});
    EXPECT_EQ(r.exit_code, exit_code);
    EXPECT_EQ(r.out + r.err, ReadFile(dir + "/expected-output/" + file + ".promtool-2.42.txt"));
  }
}

TEST(RuleUnitTestRunner, ConformanceCorpusAsPromtool) {
  ExpectSameAsPromtool(VIGIL_CONFORMANCE_DIR "/rules-unittest", 5);
}

TEST(RuleUnitTestRunner, FailingAndPassingFilesAsPromtool) {
  ExpectSameAsPromtool(VIGIL_RULES_TESTDATA "/unittest", 6);
}

TEST(RuleUnitTestRunner, ShippedRuleTestsPass) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(VIGIL_SOURCE_DIR "/rules/tests")) {
    if (e.path().string().ends_with("_test.yml")) {
      files.push_back("rules/tests/" + e.path().filename().string());
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 3u);
  RunOutput r = RunIn(VIGIL_SOURCE_DIR, files);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  for (const std::string& f : files) {
    EXPECT_NE(r.out.find("Unit Testing:  " + f + "\n  SUCCESS\n"), std::string::npos) << f;
  }
}

TEST(RuleUnitTestRunner, MissingTestFileFails) {
  RunOutput r = RunIn(VIGIL_RULES_TESTDATA "/unittest", {"no-such-file.yml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "  FAILED:\nopen no-such-file.yml: no such file or directory\n");
}

TEST(RuleUnitTestFormat, GoFloatE) {
  EXPECT_EQ(internal::GoFloatE(1), "1E+00");
  EXPECT_EQ(internal::GoFloatE(0), "0E+00");
  EXPECT_EQ(internal::GoFloatE(0.1 + 0.2), "3.0000000000000004E-01");
  EXPECT_EQ(internal::GoFloatE(-1234.5), "-1.2345E+03");
  EXPECT_EQ(internal::GoFloatE(9218880000), "9.21888E+09");
  EXPECT_EQ(internal::GoFloatE(1e-300), "1E-300");
  EXPECT_EQ(internal::GoFloatE(NAN), "NaN");
  EXPECT_EQ(internal::GoFloatE(INFINITY), "+Inf");
  EXPECT_EQ(internal::GoFloatE(-INFINITY), "-Inf");
}

TEST(RuleUnitTestFormat, GoDurationString) {
  using std::chrono::milliseconds;
  EXPECT_EQ(internal::GoDurationString(milliseconds(0)), "0s");
  EXPECT_EQ(internal::GoDurationString(milliseconds(500)), "500ms");
  EXPECT_EQ(internal::GoDurationString(milliseconds(60'000)), "1m0s");
  EXPECT_EQ(internal::GoDurationString(milliseconds(3'723'500)), "1h2m3.5s");
  EXPECT_EQ(internal::GoDurationString(milliseconds(86'400'000)), "24h0m0s");
  EXPECT_EQ(internal::GoDurationString(milliseconds(-1500)), "-1.5s");
}

TEST(RuleUnitTestFormat, GoLabelsString) {
  EXPECT_EQ(internal::GoLabelsString(model::Labels()), "{}");
  EXPECT_EQ(internal::GoLabelsString(model::Labels::FromStrings(
                {"__name__", "up", "job", "a\"b\\c\nd"})),
            "{__name__=\"up\", job=\"a\\\"b\\\\c\\nd\"}");
}

TEST(RuleUnitTestSeries, ErrorsPointIntoTheLine) {
  Result<internal::InputSeriesValues> bad = internal::ParseInputSeries("y", "1 2 x");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().message().starts_with("1:7: parse error: ")) << bad.status().message();
  Result<internal::InputSeriesValues> good =
      internal::ParseInputSeries("up{job=\"a b\"}", "1+1x2 _ stale");
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_EQ(good->labels, model::Labels::FromStrings({"__name__", "up", "job", "a b"}));
  ASSERT_EQ(good->values.size(), 5u);
  EXPECT_EQ(*good->values[2], 3);
  EXPECT_FALSE(good->values[3].has_value());
}

}  // namespace
}  // namespace vigil::rules
