// Runs every case of ../shared/conformance/exposition, unchanged, and checks
// the two verdicts: a body is fatal exactly when Prometheus 2.42's scraper
// rejected it; otherwise it has semantic violations exactly when the spec
// (OpenMetrics `shouldParse`, text `expfmt_should_parse`) calls it invalid.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "vigil/expfmt/check.h"
#include "vigil/expfmt/parser.h"

namespace vigil::expfmt {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = VIGIL_EXPOSITION_CONFORMANCE_DIR;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Verdict TSV: first column → the other columns.
std::map<std::string, std::vector<std::string>> ReadTsv(const fs::path& path) {
  std::map<std::string, std::vector<std::string>> rows;
  std::istringstream in(ReadFile(path));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cols;
    std::string col;
    std::istringstream ls(line);
    while (std::getline(ls, col, '\t')) cols.push_back(col);
    std::string key = cols.front();
    cols.erase(cols.begin());
    rows[key] = cols;
  }
  return rows;
}

struct Case {
  std::string name;  // for the test name
  fs::path file;     // the body
  Format format;
  bool spec_valid;       // shouldParse / expfmt_should_parse
  bool scraper_accepts;  // prometheus_2.42_scrape_accepts
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::vector<Case> OpenMetricsCases() {
  std::vector<Case> cases;
  auto verdicts = ReadTsv(kDir / "openmetrics-prometheus-2.42-verdicts.tsv");
  for (const auto& entry : fs::directory_iterator(kDir / "openmetrics")) {
    std::string name = entry.path().filename().string();
    auto json = nlohmann::json::parse(ReadFile(entry.path() / "test.json"));
    Case c;
    c.name = "om_" + name;
    c.file = entry.path() / json.at("file").get<std::string>();
    c.format = Format::kOpenMetrics;
    c.spec_valid = json.at("shouldParse").get<bool>();
    c.scraper_accepts = verdicts.at(name).at(1) == "yes";
    cases.push_back(c);
  }
  std::sort(cases.begin(), cases.end(),
            [](const Case& a, const Case& b) { return a.name < b.name; });
  return cases;
}

std::vector<Case> TextCases() {
  std::vector<Case> cases;
  for (const auto& [file, cols] : ReadTsv(kDir / "text" / "prometheus-2.42-verdicts.tsv")) {
    Case c;
    c.name = "text_" + fs::path(file).filename().string();
    std::replace(c.name.begin(), c.name.end(), '.', '_');
    std::replace(c.name.begin(), c.name.end(), '-', '_');
    c.file = kDir / "text" / file;
    c.format = Format::kText;
    c.spec_valid = cols.at(0) == "yes";
    c.scraper_accepts = cols.at(1) == "yes";
    cases.push_back(c);
  }
  return cases;
}

class ConformanceTest : public ::testing::TestWithParam<Case> {};

TEST_P(ConformanceTest, Verdicts) {
  const Case& c = GetParam();
  std::string body = ReadFile(c.file);
  std::unique_ptr<Parser> parser = Parser::New(body, c.format);
  Status fatal;
  int series = 0;
  for (;;) {
    Result<Parser::Entry> e = parser->Next();
    if (!e.ok()) {
      fatal = e.status();
      break;
    }
    if (*e == Parser::Entry::kEnd) break;
    if (*e == Parser::Entry::kSeries) ++series;
  }
  std::string semantic;
  for (const Violation& v : parser->SemanticViolations()) semantic += v.ToString() + "\n";

  // Verdict 1: fatal exactly when Prometheus 2.42's scraper rejected it.
  EXPECT_EQ(!fatal.ok(), !c.scraper_accepts) << fatal.ToString() << "\n" << semantic;
  if (fatal.ok()) {
    // Verdict 2: a violation exactly when the spec says invalid.
    EXPECT_EQ(!parser->SemanticViolations().empty(), !c.spec_valid) << semantic;
  } else {
    EXPECT_EQ(fatal.code(), StatusCode::kInvalidArgument);
    // A fatal error keeps coming back.
    EXPECT_EQ(parser->Next().status(), fatal);
  }

  // `vigil check metrics`: fails exactly on spec-invalid bodies, except the
  // one text case the scraper rejects although Go's text parser accepts it
  // (from_test_parse_3: a negative timestamp, `decoy -1 -2`). vigil follows
  // the scraper there: the body is fatal for the scrape and for the check.
  CheckResult check = CheckExposition(body, c.format);
  bool scraper_over_spec = c.spec_valid && !c.scraper_accepts;
  if (scraper_over_spec) {
    EXPECT_EQ(c.name, "text_from_test_parse_3");
    EXPECT_FALSE(check.ok());
  } else {
    EXPECT_EQ(check.ok(), c.spec_valid) << ::testing::PrintToString(check.problems);
  }
}

INSTANTIATE_TEST_SUITE_P(OpenMetrics, ConformanceTest, ::testing::ValuesIn(OpenMetricsCases()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Text, ConformanceTest, ::testing::ValuesIn(TextCases()),
                         [](const auto& info) { return info.param.name; });

TEST(Conformance, CorpusIsComplete) {
  EXPECT_EQ(OpenMetricsCases().size(), 150u);
  EXPECT_EQ(TextCases().size(), 21u);
}

// The from_test_parse_3 decision, pinned on its own: the Go text parser takes
// a negative timestamp, Prometheus 2.42's scraper does not, and vigil follows
// the scraper.
TEST(Conformance, NegativeTextTimestampIsFatalAsInTheScraper) {
  std::unique_ptr<Parser> p = Parser::New("decoy -1 -2\n", Format::kText);
  Result<Parser::Entry> e = p->Next();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), "1:10: expected timestamp or new record");
}

}  // namespace
}  // namespace vigil::expfmt
