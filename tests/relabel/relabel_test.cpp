// Every relabel action, table-driven, with the results Prometheus 2.42
// documents and its own relabel tests give.
#include "vigil/relabel/relabel.h"

#include <gtest/gtest.h>

#include "vigil/config/config.h"

namespace vigil::relabel {
namespace {

using model::Labels;

// Parses relabel rules written as in a config file (a YAML list).
std::vector<config::RelabelConfig> Rules(const std::string& yaml_list) {
  std::string indented;
  size_t start = 0;
  while (start < yaml_list.size()) {
    size_t end = yaml_list.find('\n', start);
    if (end == std::string::npos) end = yaml_list.size();
    indented += "      " + yaml_list.substr(start, end - start) + "\n";
    start = end + 1;
  }
  std::string doc = "scrape_configs:\n  - job_name: t\n    relabel_configs:\n" + indented;
  auto cfg = config::ParseConfig(doc, "test.yml");
  EXPECT_TRUE(cfg.ok()) << cfg.status().message() << "\n" << doc;
  if (!cfg.ok()) return {};
  return (*cfg)->scrape_configs[0].relabel_configs;
}

struct Case {
  const char* name;
  Labels input;
  const char* rules;
  std::optional<Labels> output;  // nullopt: dropped
};

class RelabelTest : public ::testing::TestWithParam<Case> {};

TEST_P(RelabelTest, GivesPrometheusResult) {
  const Case& c = GetParam();
  std::optional<Labels> got = Process(c.input, Rules(c.rules));
  if (!c.output) {
    EXPECT_FALSE(got.has_value()) << got->ToString();
  } else {
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->ToString(), c.output->ToString());
  }
}

const Labels kAbc = Labels::FromStrings({"a", "foo", "b", "bar", "c", "baz"});

INSTANTIATE_TEST_SUITE_P(
    Actions, RelabelTest,
    ::testing::Values(
        Case{"replace_with_groups", kAbc,
             "- source_labels: [a]\n  regex: f(.*)\n  target_label: d\n"
             "  replacement: ch${1}-ch${1}",
             Labels::FromStrings({"a", "foo", "b", "bar", "c", "baz", "d", "choo-choo"})},
        Case{"replace_multiple_sources", kAbc,
             "- source_labels: [a, b]\n  regex: f(.*);(.*)r\n  target_label: a\n"
             "  replacement: b${1}${2}m",
             Labels::FromStrings({"a", "boobam", "b", "bar", "c", "baz"})},
        Case{"replace_no_match_keeps_labels", kAbc,
             "- source_labels: [a]\n  regex: nope(.*)\n  target_label: d",
             kAbc},
        Case{"replace_empty_result_deletes", kAbc,
             "- source_labels: [a]\n  regex: (.*)\n  target_label: b\n  replacement: ''",
             Labels::FromStrings({"a", "foo", "c", "baz"})},
        Case{"replace_default_copies_value", kAbc,
             "- source_labels: [c]\n  target_label: z",
             Labels::FromStrings({"a", "foo", "b", "bar", "c", "baz", "z", "baz"})},
        Case{"replace_target_from_group", kAbc,
             "- source_labels: [a]\n  regex: (f)oo\n  target_label: ${1}${1}\n"
             "  replacement: x",
             Labels::FromStrings({"a", "foo", "b", "bar", "c", "baz", "ff", "x"})},
        Case{"replace_invalid_target_is_skipped", kAbc,
             "- source_labels: [a]\n  regex: (.*)\n  target_label: ${1}\n  replacement: x",
             Labels::FromStrings({"a", "foo", "b", "bar", "c", "baz", "foo", "x"})},
        Case{"replace_name_ends_at_non_word_char", kAbc,
             "- source_labels: [a]\n  regex: (.*)\n  target_label: d\n"
             "  replacement: $1:80 $1x $$ $",
             Labels::FromStrings({"a", "foo", "b", "bar", "c", "baz", "d", "foo:80  $ $"})},
        Case{"replace_named_group", kAbc,
             "- source_labels: [a]\n  regex: (?P<first>f)(?P<rest>.*)\n  target_label: d\n"
             "  replacement: ${rest}-$first",
             Labels::FromStrings({"a", "foo", "b", "bar", "c", "baz", "d", "oo-f"})},
        Case{"keep_matching", kAbc, "- source_labels: [a]\n  regex: f.*\n  action: keep", kAbc},
        Case{"keep_non_matching_drops", kAbc,
             "- source_labels: [a]\n  regex: o.*\n  action: keep", std::nullopt},
        Case{"keep_is_anchored", kAbc,
             "- source_labels: [a]\n  regex: fo\n  action: keep", std::nullopt},
        Case{"drop_matching", kAbc, "- source_labels: [a]\n  regex: f.*\n  action: drop",
             std::nullopt},
        Case{"drop_missing_label_matches_empty", kAbc,
             "- source_labels: [missing]\n  regex: ''\n  action: drop", std::nullopt},
        Case{"keepequal", Labels::FromStrings({"a", "1", "b", "1"}),
             "- source_labels: [a]\n  target_label: b\n  action: keepequal",
             Labels::FromStrings({"a", "1", "b", "1"})},
        Case{"keepequal_drops", Labels::FromStrings({"a", "1", "b", "2"}),
             "- source_labels: [a]\n  target_label: b\n  action: keepequal", std::nullopt},
        Case{"dropequal", Labels::FromStrings({"a", "1", "b", "1"}),
             "- source_labels: [a]\n  target_label: b\n  action: dropequal", std::nullopt},
        Case{"hashmod", kAbc,
             "- source_labels: [c]\n  target_label: d\n  modulus: 1000\n  action: hashmod",
             Labels::FromStrings({"a", "foo", "b", "bar", "c", "baz", "d", "976"})},
        Case{"labelmap", Labels::FromStrings({"__meta_my_bar", "aaa", "__meta_my_baz", "bbb",
                                              "__meta_other", "ccc"}),
             "- regex: __meta_my_(.+)\n  action: labelmap",
             Labels::FromStrings({"__meta_my_bar", "aaa", "__meta_my_baz", "bbb", "__meta_other",
                                  "ccc", "bar", "aaa", "baz", "bbb"})},
        Case{"labelmap_replacement", Labels::FromStrings({"__meta_x", "1"}),
             "- regex: __meta_(.+)\n  replacement: copied_${1}\n  action: labelmap",
             Labels::FromStrings({"__meta_x", "1", "copied_x", "1"})},
        Case{"labeldrop", kAbc, "- regex: a|b\n  action: labeldrop",
             Labels::FromStrings({"c", "baz"})},
        Case{"labelkeep", kAbc, "- regex: a|b\n  action: labelkeep",
             Labels::FromStrings({"a", "foo", "b", "bar"})},
        Case{"lowercase", Labels::FromStrings({"a", "FoO"}),
             "- source_labels: [a]\n  target_label: low\n  action: lowercase",
             Labels::FromStrings({"a", "FoO", "low", "foo"})},
        Case{"uppercase", Labels::FromStrings({"a", "FoO"}),
             "- source_labels: [a]\n  target_label: up\n  action: uppercase",
             Labels::FromStrings({"a", "FoO", "up", "FOO"})},
        Case{"rules_apply_in_order", kAbc,
             "- source_labels: [a]\n  target_label: tmp\n"
             "- source_labels: [tmp]\n  regex: foo\n  action: drop",
             std::nullopt}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(Relabel, NoRulesIsIdentity) { EXPECT_EQ(*Process(kAbc, {}), kAbc); }

}  // namespace
}  // namespace vigil::relabel
