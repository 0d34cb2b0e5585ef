#include "discovery.h"

#include <gtest/gtest.h>

#include "process.h"

namespace vigil::scrape {
namespace {

using model::Labels;

TEST(FileSd, ParsesJsonAndYaml) {
  auto json = ParseFileSd(
      R"([{"targets": ["a:1", "b:2"], "labels": {"env": "prod"}}, {"targets": ["c:3"]}])",
      "/sd/x.json");
  ASSERT_TRUE(json.ok()) << json.status().message();
  ASSERT_EQ(json->size(), 2u);
  EXPECT_EQ((*json)[0].targets[1], Labels::FromStrings({"__address__", "b:2", "env", "prod",
                                                        "__meta_filepath", "/sd/x.json"}));
  auto yaml = ParseFileSd("- targets: ['a:1']\n  labels:\n    env: dev\n", "/sd/y.yml");
  ASSERT_TRUE(yaml.ok()) << yaml.status().message();
  EXPECT_EQ((*yaml)[0].targets[0], Labels::FromStrings({"__address__", "a:1", "env", "dev",
                                                        "__meta_filepath", "/sd/y.yml"}));
}

TEST(FileSd, RejectsMalformedFiles) {
  EXPECT_FALSE(ParseFileSd("{", "x.json").ok());
  EXPECT_FALSE(ParseFileSd(R"([{"targets": "a:1"}])", "x.json").ok());
  EXPECT_FALSE(ParseFileSd(R"([{"targets": ["a:1"], "labels": {"bad-name": "x"}}])", "x.json").ok());
  EXPECT_FALSE(ParseFileSd("- targets: [a:1]", "x.txt").ok());
}

TEST(FileSd, ABrokenFileKeepsItsPreviousTargets) {
  std::string dir = testing::MakeTempDir();
  testing::WriteFile(dir + "/a.json", R"([{"targets": ["a:1"]}])");
  testing::WriteFile(dir + "/b.json", R"([{"targets": ["b:1"]}])");
  config::FileSdConfig cfg;
  cfg.files = {dir + "/*.json"};
  std::map<std::string, std::vector<TargetGroup>> first, second;
  std::vector<std::string> errors;
  auto groups = ReadFileSd({cfg}, {}, &first, &errors);
  EXPECT_EQ(groups.size(), 2u);
  EXPECT_TRUE(errors.empty());
  testing::WriteFile(dir + "/a.json", "[{broken");
  groups = ReadFileSd({cfg}, first, &second, &errors);
  ASSERT_EQ(errors.size(), 1u);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].targets[0].Get("__address__"), "a:1");
}

TEST(StaticGroups, OneGroupPerStaticConfig) {
  config::StaticConfig s;
  s.targets = {"localhost:9090"};
  s.labels = {{"team", "core"}};
  auto groups = StaticGroups({s});
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].targets[0],
            Labels::FromStrings({"__address__", "localhost:9090", "team", "core"}));
}

}  // namespace
}  // namespace vigil::scrape
