// Rule-file parsing: the shared conformance corpus (valid files with the rule
// counts promtool 2.42 found, invalid files with its error texts) and the
// errors promtool reports for other mistakes.
#include "vigil/rules/rule_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace vigil::rules {
namespace {

const std::string kCorpus = VIGIL_CONFORMANCE_DIR "/";

// Rows of a tab-separated file, the header skipped.
std::vector<std::vector<std::string>> ReadTsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    rows.push_back(cols);
  }
  return rows;
}

std::string ErrorOf(std::string_view text) {
  Result<RuleFile> f = ParseRuleText(text, "r.yml");
  return f.ok() ? "" : f.status().message();
}

TEST(RuleFileCorpus, EveryValidFileLoadsWithPromtoolsRuleCount) {
  auto rows = ReadTsv(kCorpus + "rules/EXPECTED.tsv");
  ASSERT_GT(rows.size(), 50u);
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 2u);
    Result<RuleFile> f = ParseRuleFile(kCorpus + "rules/" + row[0]);
    ASSERT_TRUE(f.ok()) << row[0] << ": " << f.status().message();
    EXPECT_EQ(f->RuleCount(), std::stoul(row[1])) << row[0];
  }
}

TEST(RuleFileCorpus, EveryInvalidFileFailsWithPromtoolsFirstError) {
  auto rows = ReadTsv(kCorpus + "rules-invalid/EXPECTED.tsv");
  ASSERT_FALSE(rows.empty());
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 3u);
    const std::string path = kCorpus + "rules-invalid/" + row[0];
    Result<RuleFile> f = ParseRuleFile(path);
    ASSERT_FALSE(f.ok()) << row[0];
    const std::string& msg = f.status().message();
    EXPECT_NE(msg.find(row[1]), std::string::npos) << row[0] << ": " << msg;
    // promtool's whole first line, with the file name in place of <file>.
    std::string expected = row[2];
    expected.replace(expected.find("<file>"), 6, path);
    // The corpus escapes quotes inside the rule name as Go's %q prints them.
    EXPECT_EQ(msg.substr(0, msg.find('\n')), expected) << row[0];
  }
}

TEST(RuleFile, ParsesEveryField) {
  Result<RuleFile> f = ParseRuleText(R"Y(groups:
  - name: g
    interval: 30s
    limit: 10
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
        labels: {team: a}
      - alert: Down
        expr: up == 0
        for: 5m
        keep_firing_for: 1m
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.instance }} is down"
)Y",
                                     "r.yml");
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_EQ(f->groups.size(), 1u);
  const GroupSpec& g = f->groups[0];
  EXPECT_EQ(g.name, "g");
  EXPECT_EQ(g.interval, std::chrono::seconds(30));
  EXPECT_EQ(g.limit, 10);
  EXPECT_EQ(g.pos.line, 2);
  ASSERT_EQ(g.rules.size(), 2u);
  EXPECT_EQ(g.rules[0].record, "job:up:sum");
  EXPECT_EQ(g.rules[0].labels.at("team"), "a");
  EXPECT_EQ(g.rules[1].alert, "Down");
  EXPECT_EQ(g.rules[1].for_duration, std::chrono::minutes(5));
  EXPECT_EQ(g.rules[1].keep_firing_for, std::chrono::minutes(1));
  EXPECT_EQ(g.rules[1].annotations.at("summary"), "{{ $labels.instance }} is down");
  EXPECT_EQ(g.rules[1].expr_pos.line, 10);
  EXPECT_EQ(g.rules[1].expr_pos.column, 15);
}

TEST(RuleFile, EmptyFileHasNoGroups) {
  Result<RuleFile> f = ParseRuleText("", "r.yml");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->groups.empty());
}

TEST(RuleFile, UnknownKeysAreUnmarshalErrorsNamingGoTypes) {
  EXPECT_EQ(ErrorOf("groups:\n  - name: a\n    rules:\n      - record: x\n        expr: 1\n"
                    "        xyz: 2\n"),
            "r.yml: yaml: unmarshal errors:\n  line 6: field xyz not found in type "
            "rulefmt.RuleNode");
  EXPECT_EQ(ErrorOf("groups:\n  - name: a\n    intervl: 1m\n"),
            "r.yml: yaml: unmarshal errors:\n  line 3: field intervl not found in type "
            "rulefmt.RuleGroup");
  EXPECT_EQ(ErrorOf("grups: []\n"),
            "r.yml: yaml: unmarshal errors:\n  line 1: field grups not found in type "
            "rulefmt.RuleGroups");
}

TEST(RuleFile, YamlSyntaxErrorNamesTheLine) {
  std::string msg = ErrorOf("groups:\n  - name: a\n    rules: [\n");
  EXPECT_EQ(msg.rfind("r.yml: yaml: line ", 0), 0u) << msg;
}

TEST(RuleFile, BadDurationNamesTheLine) {
  std::string msg = ErrorOf("groups:\n  - name: a\n    interval: 5x\n");
  EXPECT_NE(msg.find("line 3: not a valid duration string: \"5x\""), std::string::npos) << msg;
}

TEST(RuleFile, EveryErrorOfTheFileIsReported) {
  std::string msg = ErrorOf(R"Y(groups:
  - name: a
    rules:
      - record: bad-name
        expr: 1
      - alert: A
        expr: sum(
  - name: a
)Y");
  EXPECT_NE(msg.find("r.yml: 4:17: group \"a\", rule 1, \"bad-name\": invalid recording rule "
                     "name: bad-name"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("r.yml: 7:15: group \"a\", rule 2, \"A\": could not parse expression: "),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("r.yml: 8:5: groupname: \"a\" is repeated in the same file"),
            std::string::npos)
      << msg;
}

TEST(RuleFile, RecordingRulesTakeNoAlertFields) {
  EXPECT_NE(ErrorOf("groups:\n  - name: a\n    rules:\n      - record: x\n        expr: 1\n"
                    "        annotations: {a: b}\n")
                .find("invalid field 'annotations' in recording rule"),
            std::string::npos);
  EXPECT_NE(ErrorOf("groups:\n  - name: a\n    rules:\n      - record: x\n        expr: 1\n"
                    "        keep_firing_for: 1m\n")
                .find("invalid field 'keep_firing_for' in recording rule"),
            std::string::npos);
}

TEST(RuleFile, MissingExprAndMetricNameLabel) {
  std::string msg = ErrorOf(
      "groups:\n  - name: a\n    rules:\n      - alert: x\n        labels: {__name__: y}\n");
  EXPECT_NE(msg.find("field 'expr' must be set in rule"), std::string::npos) << msg;
  EXPECT_NE(msg.find("invalid label name: __name__"), std::string::npos) << msg;
}

TEST(RuleFile, TemplatesThatDoNotParseAreErrors) {
  std::string msg = ErrorOf(R"Y(groups:
  - name: a
    rules:
      - alert: A
        expr: up == 0
        annotations:
          summary: "{{ $labels.instance "
          other: "{{ nosuchfunc 1 }}"
)Y");
  EXPECT_NE(msg.find("group \"a\", rule 1, \"A\": annotation \"summary\": template: __alert_A:1:"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("annotation \"other\": template: __alert_A:1: function \"nosuchfunc\" not "
                     "defined"),
            std::string::npos)
      << msg;
}

TEST(RuleFile, DuplicateRulesLint) {
  Result<RuleFile> f = ParseRuleText(R"Y(groups:
  - name: a
    rules:
      - record: x
        expr: 1
      - record: x
        expr: 2
      - record: x
        expr: 1
        labels: {a: b}
  - name: b
    rules:
      - alert: x
        expr: 1
        labels: {a: b}
)Y",
                                     "r.yml");
  ASSERT_TRUE(f.ok()) << f.status().message();
  std::vector<DuplicateRule> d = FindDuplicateRules(*f);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].metric, "x");
  EXPECT_TRUE(d[0].labels.empty());
  EXPECT_EQ(d[1].labels.at("a"), "b");
}

TEST(RuleFile, GlobsExpandSortedAndRelativeToTheBaseDir) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "vigil-rules-glob-test";
  std::filesystem::create_directories(dir / "sub");
  for (const char* name : {"b.yml", "a.yml", "sub/c.yml", "x.txt"}) {
    std::ofstream(dir / name) << "";
  }
  Result<std::vector<std::string>> files =
      ExpandRuleFileGlobs({"*.yml", (dir / "sub/*.yml").string(), "nothing/*.yml"}, dir.string());
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0], (dir / "a.yml").string());
  EXPECT_EQ((*files)[1], (dir / "b.yml").string());
  EXPECT_EQ((*files)[2], (dir / "sub/c.yml").string());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil::rules
