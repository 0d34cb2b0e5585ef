// Rendering a loaded config back to YAML: secrets never appear, and the
// rendered text loads back to the same config.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "vigil/config/config.h"

namespace vigil::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kTestdata = VIGIL_CONFIG_TESTDATA;

// Receiver configs of kinds vigil does not deliver to render as comments and
// so do not survive a round trip; everything else must.
std::string WithoutComments(const std::string& yaml) {
  std::string out;
  size_t pos = 0;
  while (pos < yaml.size()) {
    size_t end = yaml.find('\n', pos);
    if (end == std::string::npos) end = yaml.size();
    std::string line = yaml.substr(pos, end - pos);
    line = line.substr(0, line.find("  # "));
    if (line.find_first_not_of(' ') == std::string::npos ||
        line[line.find_first_not_of(' ')] != '#') {
      out += line + "\n";
    }
    pos = end + 1;
  }
  return out;
}

TEST(RenderTest, SecretsAreRedacted) {
  auto r = LoadConfigFile(kTestdata + "/full.yml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::string yaml = RenderConfigYaml(**r);
  EXPECT_THAT(yaml, HasSubstr("<secret>"));
  for (const char* secret : {"hunter2", "s3cr3t", "rw-token", "mailpass", "hooktoken",
                             "hooks.slack.com", "hooks.example.org"}) {
    EXPECT_THAT(yaml, Not(HasSubstr(secret))) << secret;
  }
  // Non-secret values and filled-in defaults are there.
  EXPECT_THAT(yaml, HasSubstr("job_name: \"api\""));
  EXPECT_THAT(yaml, HasSubstr("max_shards: 200"));
  EXPECT_THAT(yaml, HasSubstr("scrape_timeout: 20s"));
  EXPECT_THAT(yaml, HasSubstr("pagerduty_configs entry"));
}

TEST(RenderTest, RenderedConfigLoadsBackUnchanged) {
  for (const char* file : {"/full.yml", "/minimal.yml", "/with_am_file.yml"}) {
    SCOPED_TRACE(file);
    auto first = LoadConfigFile(kTestdata + file);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    std::string yaml = RenderConfigYaml(**first);
    // No directory in the name: paths are already resolved.
    auto second = ParseConfig(yaml, "rendered.yml");
    ASSERT_TRUE(second.ok()) << second.status().ToString() << "\n" << yaml;
    EXPECT_EQ(WithoutComments(RenderConfigYaml(**second)), WithoutComments(yaml));
  }
}

TEST(RenderTest, AlertmanagerConfigRoundTrips) {
  auto first = LoadAlertmanagerConfigFile(kTestdata + "/am/alertmanager.yml");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::string yaml = RenderNotificationConfigYaml(**first);
  EXPECT_THAT(yaml, HasSubstr("url: <secret>"));
  auto second = ParseAlertmanagerConfig(yaml, "rendered.yml");
  ASSERT_TRUE(second.ok()) << second.status().ToString() << "\n" << yaml;
  EXPECT_EQ(RenderNotificationConfigYaml(**second), yaml);
}

}  // namespace
}  // namespace vigil::config
