// Parses every eval expression of the PromQL conformance corpus
// (Prometheus 2.42's promql/testdata/*.test): `eval` and `eval_ordered`
// expressions must parse; `eval_fail` ones may fail at parse or at
// evaluation, and the ones that fail at parse are pinned here.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "vigil/promql/parser.h"
#include "vigil/promql/printer.h"

namespace vigil::promql {
namespace {

struct Eval {
  std::string where;  // file:line
  std::string command;
  std::string expr;
};

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<Eval> LoadEvals() {
  std::vector<Eval> evals;
  std::filesystem::path dir = std::filesystem::path(VIGIL_CONFORMANCE_DIR) / "promql";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      line = Trim(line);
      std::string lower = line.substr(0, 16);
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (!lower.starts_with("eval")) continue;
      // eval[_fail|_ordered] instant at <duration> <expr>
      size_t sp1 = line.find(' ');
      std::string command = line.substr(0, sp1);
      size_t at = line.find(" at ", sp1);
      EXPECT_NE(at, std::string::npos) << path << ":" << n;
      if (at == std::string::npos) continue;
      size_t dur_start = line.find_first_not_of(' ', at + 4);
      size_t dur_end = line.find(' ', dur_start);
      evals.push_back({path.filename().string() + ":" + std::to_string(n), command,
                       Trim(line.substr(dur_end))});
    }
  }
  return evals;
}

// The eval_fail expressions Prometheus 2.42's parser rejects (the others
// fail at evaluation).
const std::set<std::string>& ParseFailures() {
  static const std::set<std::string> kFailures = {
#include "testdata/conformance_parse_failures.inc"
  };
  return kFailures;
}

TEST(ConformanceParse, EveryEvalExpression) {
  std::vector<Eval> evals = LoadEvals();
  ASSERT_GE(evals.size(), 400u);
  int parsed = 0, parse_failed = 0;
  std::set<std::string> failed_exprs;
  for (const Eval& e : evals) {
    SCOPED_TRACE(e.where + ": " + e.expr);
    Result<ExprPtr> r = ParseExpr(e.expr);
    if (e.command == "eval_fail") {
      if (!r.ok()) {
        ++parse_failed;
        failed_exprs.insert(e.expr);
        EXPECT_TRUE(ParseFailures().count(e.expr)) << "unexpected parse failure: "
                                                   << r.status().message();
      } else {
        ++parsed;
        EXPECT_FALSE(ParseFailures().count(e.expr)) << "Prometheus fails to parse this";
      }
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.status().message();
    ++parsed;
    // The printed form is stable.
    std::string printed = Format(**r);
    Result<ExprPtr> again = ParseExpr(printed);
    ASSERT_TRUE(again.ok()) << printed << ": " << again.status().message();
    EXPECT_EQ(Format(**again), printed);
  }
  EXPECT_EQ(failed_exprs, ParseFailures());
  std::printf("conformance evals: %zu, parsed %d, eval_fail rejected at parse %d\n",
              evals.size(), parsed, parse_failed);
}

}  // namespace
}  // namespace vigil::promql
