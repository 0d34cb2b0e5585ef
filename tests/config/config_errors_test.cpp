// Every class of mistake gives its own clear error, naming file:line:column
// and the key path; all errors of a file are reported together.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>

#include "vigil/config/config.h"

namespace vigil::config {
namespace {

using ::testing::HasSubstr;

// The error text of a config that must not load.
std::string Errors(std::string_view yaml) {
  auto r = ParseConfig(yaml, "vigil.yml");
  EXPECT_FALSE(r.ok()) << "loaded:\n" << yaml;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return r.status().message();
}

TEST(ConfigErrorsTest, UnknownKey) {
  EXPECT_EQ(Errors("global:\n"
                   "  scrape_intervl: 15s\n"),
            "vigil.yml:2:3: global.scrape_intervl: unknown key");
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  - job_name: a\n"
                   "    static_config:\n"
                   "      - targets: ['a:1']\n"),
            "vigil.yml:3:5: scrape_configs[0].static_config: unknown key");
  EXPECT_EQ(Errors("scrap_configs: []\n"), "vigil.yml:1:1: scrap_configs: unknown key");
}

TEST(ConfigErrorsTest, WrongType) {
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  - job_name: [a, b]\n"),
            "vigil.yml:2:5: scrape_configs[0].job_name: expected a string, got a list");
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  - job_name: a\n"
                   "    sample_limit: abc\n"),
            "vigil.yml:3:5: scrape_configs[0].sample_limit: expected a non-negative integer, "
            "got \"abc\"");
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  - job_name: a\n"
                   "    honor_labels: maybe\n"),
            "vigil.yml:3:5: scrape_configs[0].honor_labels: expected a boolean (true or false), "
            "got \"maybe\"");
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  job_name: a\n"),
            "vigil.yml:1:1: scrape_configs: expected a list, got a mapping");
  EXPECT_EQ(Errors("global: 15s\n"), "vigil.yml:1:1: global: expected a mapping, got a string");
  EXPECT_EQ(Errors("- a\n- b\n"), "vigil.yml:1:1: expected a mapping, got a list");
}

TEST(ConfigErrorsTest, QuotedBooleansAndNumbersAreStrings) {
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  - job_name: a\n"
                   "    honor_labels: 'true'\n"
                   "    sample_limit: \"10\"\n"),
            "vigil.yml:3:5: scrape_configs[0].honor_labels: expected a boolean (true or false), "
            "got \"true\" (quoted: a string, not a boolean)\n"
            "vigil.yml:4:5: scrape_configs[0].sample_limit: expected a non-negative integer, got "
            "\"10\" (quoted: a string, not a number)");
}

TEST(ConfigErrorsTest, MergeKeysAndNullItems) {
  auto ok = ParseConfig(
      "scrape_configs:\n"
      "  - &base\n"
      "    job_name: a\n"
      "    scrape_interval: 7s\n"
      "  - <<: *base\n"
      "    job_name: b\n",
      "vigil.yml");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)->scrape_configs[1].job_name, "b");
  EXPECT_EQ((*ok)->scrape_configs[1].scrape_interval, std::chrono::seconds(7));
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  -\n"),
            "vigil.yml:1:1: scrape_configs[0]: missing required key \"job_name\"");
}

TEST(ConfigErrorsTest, BadDuration) {
  EXPECT_EQ(Errors("global:\n"
                   "  scrape_interval: 15s\n"
                   "scrape_configs:\n"
                   "  - job_name: a\n"
                   "    static_configs:\n"
                   "      - targets: ['x:1']\n"
                   "    scrape_interval: 5x\n"),
            "vigil.yml:7:5: scrape_configs[0].scrape_interval: not a valid duration string: "
            "\"5x\"");
  EXPECT_EQ(Errors("global:\n"
                   "  evaluation_interval: 1.5m\n"),
            "vigil.yml:2:3: global.evaluation_interval: not a valid duration string: \"1.5m\"");
}

TEST(ConfigErrorsTest, DuplicateJobName) {
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  - job_name: node\n"
                   "  - job_name: api\n"
                   "  - job_name: node\n"),
            "vigil.yml:4:5: scrape_configs[2].job_name: found multiple scrape configs with job "
            "name \"node\" (first at line 2)");
}

TEST(ConfigErrorsTest, MissingJobName) {
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  - static_configs:\n"
                   "      - targets: ['a:1']\n"),
            "vigil.yml:2:5: scrape_configs[0]: missing required key \"job_name\"");
}

TEST(ConfigErrorsTest, DuplicateKeyInOneMapping) {
  EXPECT_EQ(Errors("global:\n"
                   "  scrape_interval: 15s\n"
                   "  scrape_interval: 30s\n"),
            "vigil.yml:3:3: global.scrape_interval: duplicate key (first set at line 2)");
}

TEST(ConfigErrorsTest, BadRegex) {
  std::string err = Errors(
      "scrape_configs:\n"
      "  - job_name: a\n"
      "    relabel_configs:\n"
      "      - source_labels: [__address__]\n"
      "        regex: 'a(b'\n"
      "        target_label: x\n");
  EXPECT_THAT(err, HasSubstr("vigil.yml:5:9: scrape_configs[0].relabel_configs[0].regex: "
                             "error parsing regexp: missing ): "));
  EXPECT_THAT(Errors("notifications:\n"
                     "  route:\n"
                     "    receiver: r\n"
                     "    routes:\n"
                     "      - match_re:\n"
                     "          service: '(foo'\n"
                     "  receivers:\n"
                     "    - name: r\n"),
              HasSubstr("vigil.yml:6:11: notifications.route.routes[0].match_re.service: error "
                        "parsing regexp: missing ): "));
}

TEST(ConfigErrorsTest, BadLabelNameAndUrl) {
  EXPECT_EQ(Errors("global:\n"
                   "  external_labels:\n"
                   "    1bad: x\n"),
            "vigil.yml:3:5: global.external_labels.1bad: \"1bad\" is not a valid label name");
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  - job_name: a\n"
                   "    relabel_configs:\n"
                   "      - source_labels: [ok, 'not-ok']\n"
                   "        target_label: x\n"),
            "vigil.yml:4:29: scrape_configs[0].relabel_configs[0].source_labels[1]: "
            "\"not-ok\" is not a valid label name");
  EXPECT_EQ(Errors("remote_write:\n"
                   "  - url: ftp://example.com/push\n"),
            "vigil.yml:2:5: remote_write[0].url: unsupported scheme \"ftp\" for URL");
  EXPECT_EQ(Errors("remote_write:\n"
                   "  - url: http:///push\n"),
            "vigil.yml:2:5: remote_write[0].url: missing host for URL");
  EXPECT_EQ(Errors("remote_write:\n"
                   "  - name: x\n"),
            "vigil.yml:2:5: remote_write[0]: missing required key \"url\"");
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  - job_name: a\n"
                   "    static_configs:\n"
                   "      - targets: ['http://a:1/metrics']\n"),
            "vigil.yml:4:9: scrape_configs[0].static_configs[0]: \"http://a:1/metrics\" is not a "
            "valid hostname (a target is host:port; set scheme and metrics_path separately)");
}

TEST(ConfigErrorsTest, MissingFile) {
  auto r = LoadConfigFile("/nonexistent/dir/vigil.yml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_EQ(r.status().message(),
            "/nonexistent/dir/vigil.yml: cannot read file: No such file or directory");
}

TEST(ConfigErrorsTest, YamlSyntaxError) {
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  - job_name: [a\n"
                   "  - job_name: b\n"),
            "vigil.yml:3:13: YAML syntax error: end of sequence flow not found");
  EXPECT_THAT(Errors("global:\n"
                     "  scrape_interval: a: b\n"),
              HasSubstr("vigil.yml:2:21: YAML syntax error: "));
}

TEST(ConfigErrorsTest, UnsupportedServiceDiscoveryAndSections) {
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  - job_name: k8s\n"
                   "    kubernetes_sd_configs:\n"
                   "      - role: pod\n"),
            "vigil.yml:3:5: scrape_configs[0].kubernetes_sd_configs: kubernetes_sd_configs is not "
            "supported by vigil (vigil discovers targets with static_configs and file_sd_configs "
            "only)");
  EXPECT_THAT(Errors("scrape_configs:\n"
                     "  - job_name: c\n"
                     "    consul_sd_configs: []\n"),
              HasSubstr("vigil.yml:3:5: scrape_configs[0].consul_sd_configs: consul_sd_configs is "
                        "not supported by vigil"));
  EXPECT_EQ(Errors("global:\n"
                   "  query_log_file: /tmp/q.log\n"),
            "vigil.yml:2:3: global.query_log_file: query_log_file is not supported by vigil");
  EXPECT_THAT(Errors("remote_read:\n  - url: http://a/read\n"),
              HasSubstr("vigil.yml:1:1: remote_read: remote_read is not supported by vigil"));
  EXPECT_THAT(Errors("storage:\n  tsdb:\n    out_of_order_time_window: 1h\n"),
              HasSubstr("vigil.yml:1:1: storage: storage is not supported by vigil"));
  EXPECT_EQ(Errors("alerting:\n"
                   "  alertmanagers:\n"
                   "    - api_version: v1\n"),
            "vigil.yml:3:7: alerting.alertmanagers[0].api_version: Alertmanager api_version v1 "
            "is not supported by vigil (use v2)");
}

TEST(ConfigErrorsTest, ScrapeTimeoutAboveInterval) {
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  - job_name: slow\n"
                   "    scrape_interval: 10s\n"
                   "    scrape_timeout: 20s\n"),
            "vigil.yml:4:5: scrape_configs[0].scrape_timeout: scrape timeout greater than scrape "
            "interval for scrape config with job name \"slow\" (20s > 10s)");
  // The inherited interval counts too.
  EXPECT_THAT(Errors("global:\n"
                     "  scrape_interval: 5s\n"
                     "scrape_configs:\n"
                     "  - job_name: slow\n"
                     "    scrape_timeout: 6s\n"),
              HasSubstr("vigil.yml:5:5: scrape_configs[0].scrape_timeout: scrape timeout greater "
                        "than scrape interval"));
  EXPECT_EQ(Errors("global:\n"
                   "  scrape_interval: 5s\n"
                   "  scrape_timeout: 6s\n"),
            "vigil.yml:3:3: global.scrape_timeout: global scrape timeout greater than scrape "
            "interval (6s > 5s)");
}

// One relabel rule as the only metric_relabel_configs entry of a job.
std::string RelabelErrors(std::string_view rule) {
  return Errors(
      "scrape_configs:\n"
      "  - job_name: a\n"
      "    metric_relabel_configs:\n"
      "      - " +
      std::string(rule) + "\n");
}

TEST(ConfigErrorsTest, RelabelActionValidation) {
  const std::string at = "vigil.yml:4:9: scrape_configs[0].metric_relabel_configs[0].";
  EXPECT_EQ(RelabelErrors("source_labels: [a]"),
            at + "target_label: relabel configuration for replace action requires "
                 "'target_label' value");
  EXPECT_EQ(RelabelErrors("action: hashmod\n        target_label: x"),
            at + "action: relabel configuration for hashmod requires non-zero modulus");
  EXPECT_EQ(RelabelErrors("action: labeldrop\n        source_labels: [a]"),
            at + "action: labeldrop action requires only 'regex', and no other fields");
  EXPECT_EQ(RelabelErrors("action: labelkeep\n        target_label: x"),
            at + "action: labelkeep action requires only 'regex', and no other fields");
  EXPECT_EQ(RelabelErrors("action: lowercase\n        target_label: x\n        replacement: y"),
            at + "action: 'replacement' can not be set for lowercase action");
  EXPECT_EQ(RelabelErrors("action: dropequal\n        target_label: x\n        regex: a"),
            at + "action: dropequal action requires only 'source_labels' and `target_label`, "
                 "and no other fields");
  EXPECT_EQ(RelabelErrors("action: replace\n        target_label: 'bad-name'"),
            at + "action: \"bad-name\" is invalid 'target_label' for replace action");
  EXPECT_EQ(RelabelErrors("action: labelmap\n        replacement: '-x'"),
            at + "action: \"-x\" is invalid 'replacement' for labelmap action");
  EXPECT_EQ(RelabelErrors("action: explode"), at + "action: unknown relabel action \"explode\"");
  // Valid: ${1} templates in a replace target.
  auto ok = ParseConfig(
      "scrape_configs:\n  - job_name: a\n    relabel_configs:\n"
      "      - {source_labels: [a], regex: '(.*)', target_label: 'x_${1}'}\n",
      "vigil.yml");
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST(ConfigErrorsTest, HttpClientValidation) {
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  - job_name: a\n"
                   "    basic_auth:\n"
                   "      username: u\n"
                   "      password: p\n"
                   "      password_file: /p\n"),
            "vigil.yml:3:5: scrape_configs[0].basic_auth: at most one of basic_auth password & "
            "password_file must be configured");
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  - job_name: a\n"
                   "    bearer_token: t\n"
                   "    authorization:\n"
                   "      credentials: c\n"),
            "vigil.yml:4:5: scrape_configs[0].authorization: authorization is not compatible "
            "with bearer_token & bearer_token_file");
  EXPECT_EQ(Errors("scrape_configs:\n"
                   "  - job_name: a\n"
                   "    scheme: ftp\n"),
            "vigil.yml:3:5: scrape_configs[0].scheme: scheme must be \"http\" or \"https\", got "
            "\"ftp\"");
}

TEST(ConfigErrorsTest, NotificationRouteWithUnknownReceiver) {
  EXPECT_EQ(Errors("notifications:\n"
                   "  route:\n"
                   "    receiver: team\n"
                   "    routes:\n"
                   "      - receiver: nobody\n"
                   "  receivers:\n"
                   "    - name: team\n"),
            "vigil.yml:5:9: notifications.route.routes[0].receiver: undefined receiver \"nobody\" "
            "used in route");
}

TEST(ConfigErrorsTest, EveryErrorIsReportedInFileOrder) {
  EXPECT_EQ(Errors("global:\n"
                   "  scrape_interval: soon\n"
                   "scrape_configs:\n"
                   "  - job_name: a\n"
                   "    bogus: 1\n"
                   "  - job_name: a\n"
                   "    sample_limit: -1\n"),
            "vigil.yml:2:3: global.scrape_interval: not a valid duration string: \"soon\"\n"
            "vigil.yml:5:5: scrape_configs[0].bogus: unknown key\n"
            "vigil.yml:6:5: scrape_configs[1].job_name: found multiple scrape configs with job "
            "name \"a\" (first at line 4)\n"
            "vigil.yml:7:5: scrape_configs[1].sample_limit: expected a non-negative integer, got "
            "\"-1\"");
}

TEST(ConfigErrorsTest, NotificationsConfigFileErrors) {
  EXPECT_EQ(Errors("notifications:\n"
                   "  config_file: /nonexistent/am.yml\n"),
            "vigil.yml:2:3: notifications.config_file: cannot read \"/nonexistent/am.yml\": No "
            "such file or directory");
}

}  // namespace
}  // namespace vigil::config
