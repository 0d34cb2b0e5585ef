// Good config files load with Prometheus's defaults and the values written.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <chrono>
#include <sstream>
#include <string>

#include "vigil/config/config.h"

namespace vigil::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

const std::string kTestdata = VIGIL_CONFIG_TESTDATA;

std::shared_ptr<const Config> MustLoad(const std::string& path) {
  auto r = LoadConfigFile(path);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : nullptr;
}

TEST(ConfigLoadTest, MinimalFileGetsPrometheusDefaults) {
  auto c = MustLoad(kTestdata + "/minimal.yml");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->global.scrape_interval, minutes(1));
  EXPECT_EQ(c->global.scrape_timeout, seconds(10));
  EXPECT_EQ(c->global.evaluation_interval, minutes(1));
  EXPECT_TRUE(c->global.external_labels.empty());
  EXPECT_TRUE(c->rule_files.empty());
  EXPECT_FALSE(c->notifications.has_value());
  ASSERT_EQ(c->scrape_configs.size(), 1u);
  const ScrapeConfig& s = c->scrape_configs[0];
  EXPECT_EQ(s.job_name, "node");
  EXPECT_EQ(s.scrape_interval, minutes(1));
  EXPECT_EQ(s.scrape_timeout, seconds(10));
  EXPECT_EQ(s.metrics_path, "/metrics");
  EXPECT_EQ(s.scheme, "http");
  EXPECT_FALSE(s.honor_labels);
  EXPECT_TRUE(s.honor_timestamps);
  EXPECT_EQ(s.sample_limit, 0u);
  EXPECT_EQ(s.body_size_limit, 0);
  EXPECT_FALSE(s.strict);
  EXPECT_TRUE(s.http.follow_redirects);
  EXPECT_TRUE(s.http.enable_http2);
  EXPECT_FALSE(s.http.basic_auth.has_value());
  EXPECT_FALSE(s.http.authorization.has_value());
  ASSERT_EQ(s.static_configs.size(), 1u);
  EXPECT_EQ(s.static_configs[0].targets, std::vector<std::string>{"localhost:9100"});
  EXPECT_EQ(c->source_file, kTestdata + "/minimal.yml");
  EXPECT_EQ(c->base_dir, kTestdata);
}

TEST(ConfigLoadTest, EmptyFileIsAValidConfig) {
  auto r = ParseConfig("", "empty.yml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE((*r)->scrape_configs.empty());
  EXPECT_EQ((*r)->global.scrape_interval, minutes(1));
}

TEST(ConfigLoadTest, FullFileGlobalAndScrapeValues) {
  auto c = MustLoad(kTestdata + "/full.yml");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->global.scrape_interval, seconds(30));
  EXPECT_EQ(c->global.scrape_timeout, seconds(20));
  EXPECT_EQ(c->global.evaluation_interval, seconds(45));
  EXPECT_EQ(c->global.external_labels.at("region"), "eu-west");
  EXPECT_EQ(c->global.external_labels.at("replica"), "1");
  // Relative rule globs are resolved against the config file's directory.
  EXPECT_EQ(c->rule_files,
            (std::vector<std::string>{kTestdata + "/rules/*.yml", "/etc/vigil/extra/*.yml"}));

  ASSERT_EQ(c->scrape_configs.size(), 3u);
  const ScrapeConfig& api = c->scrape_configs[0];
  EXPECT_EQ(api.job_name, "api");
  EXPECT_EQ(api.scrape_interval, seconds(10));
  EXPECT_EQ(api.scrape_timeout, seconds(10));  // global 20s capped at the job's interval
  EXPECT_EQ(api.metrics_path, "/internal/metrics");
  EXPECT_EQ(api.scheme, "https");
  EXPECT_EQ(api.params.at("module"), (std::vector<std::string>{"http_2xx", "tcp"}));
  EXPECT_TRUE(api.honor_labels);
  EXPECT_FALSE(api.honor_timestamps);
  EXPECT_EQ(api.sample_limit, 5000u);
  EXPECT_EQ(api.label_limit, 30u);
  EXPECT_EQ(api.label_name_length_limit, 100u);
  EXPECT_EQ(api.label_value_length_limit, 200u);
  EXPECT_EQ(api.target_limit, 50u);
  EXPECT_EQ(api.body_size_limit, 10 * 1024 * 1024);
  ASSERT_TRUE(api.http.basic_auth.has_value());
  EXPECT_EQ(api.http.basic_auth->username, "scraper");
  EXPECT_EQ(api.http.basic_auth->password.Reveal(), "hunter2");
  EXPECT_EQ(api.http.tls_config.ca_file, kTestdata + "/certs/ca.pem");
  EXPECT_EQ(api.http.tls_config.cert_file, "/etc/certs/client.pem");
  EXPECT_EQ(api.http.tls_config.server_name, "api.internal");
  EXPECT_EQ(api.http.tls_config.min_version, "TLS12");
  EXPECT_EQ(api.http.proxy_url, "http://proxy.internal:3128");
  EXPECT_FALSE(api.http.follow_redirects);
  EXPECT_FALSE(api.http.enable_http2);
  EXPECT_TRUE(api.strict);
  ASSERT_EQ(api.static_configs.size(), 1u);
  EXPECT_EQ(api.static_configs[0].targets.size(), 2u);
  EXPECT_EQ(api.static_configs[0].labels.at("env"), "prod");
  ASSERT_EQ(api.file_sd_configs.size(), 1u);
  EXPECT_EQ(api.file_sd_configs[0].files,
            (std::vector<std::string>{kTestdata + "/targets/*.json", "/etc/vigil/targets.yml"}));
  EXPECT_EQ(api.file_sd_configs[0].refresh_interval, minutes(1));

  const ScrapeConfig& legacy = c->scrape_configs[1];
  EXPECT_EQ(legacy.scrape_interval, seconds(30));
  EXPECT_EQ(legacy.scrape_timeout, seconds(20));
  ASSERT_TRUE(legacy.http.authorization.has_value());  // bearer_token, the older form
  EXPECT_EQ(legacy.http.authorization->type, "Bearer");
  EXPECT_EQ(legacy.http.authorization->credentials.Reveal(), "s3cr3t");

  const ScrapeConfig& file = c->scrape_configs[2];
  EXPECT_EQ(file.scrape_timeout, seconds(5));
  ASSERT_TRUE(file.http.authorization.has_value());
  EXPECT_EQ(file.http.authorization->credentials_file, kTestdata + "/secrets/token");
}

TEST(ConfigLoadTest, FullFileRelabelConfigs) {
  auto c = MustLoad(kTestdata + "/full.yml");
  ASSERT_NE(c, nullptr);
  const auto& rc = c->scrape_configs[0].relabel_configs;
  ASSERT_EQ(rc.size(), 7u);
  EXPECT_EQ(rc[0].action, RelabelAction::kReplace);
  EXPECT_EQ(rc[0].source_labels, std::vector<std::string>{"__address__"});
  EXPECT_EQ(rc[0].separator, ";");
  EXPECT_EQ(rc[0].regex, "(.*):8443");
  ASSERT_NE(rc[0].compiled_regex, nullptr);
  std::string host;
  EXPECT_TRUE(RE2::FullMatch("api-1:8443", *rc[0].compiled_regex, &host));
  EXPECT_EQ(host, "api-1");
  // Anchored: a partial match is no match.
  EXPECT_FALSE(RE2::PartialMatch("xapi-1:8443x", *rc[0].compiled_regex));
  EXPECT_EQ(rc[0].target_label, "host");
  EXPECT_EQ(rc[1].action, RelabelAction::kLabelMap);
  EXPECT_EQ(rc[1].replacement, "$1");
  EXPECT_EQ(rc[2].action, RelabelAction::kHashMod);
  EXPECT_EQ(rc[2].modulus, 4u);
  EXPECT_EQ(rc[3].action, RelabelAction::kKeep);
  EXPECT_EQ(rc[4].action, RelabelAction::kLabelDrop);
  EXPECT_EQ(rc[5].action, RelabelAction::kUppercase);
  EXPECT_EQ(rc[6].action, RelabelAction::kKeepEqual);  // actions are case-insensitive
  // The default regex is compiled too.
  ASSERT_NE(rc[5].compiled_regex, nullptr);
  EXPECT_EQ(rc[5].regex, "(.*)");
  ASSERT_EQ(c->scrape_configs[0].metric_relabel_configs.size(), 1u);
  EXPECT_EQ(c->scrape_configs[0].metric_relabel_configs[0].action, RelabelAction::kDrop);
}

TEST(ConfigLoadTest, FullFileAlertingAndRemoteWrite) {
  auto c = MustLoad(kTestdata + "/full.yml");
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->alerting.alert_relabel_configs.size(), 1u);
  ASSERT_EQ(c->alerting.alertmanagers.size(), 1u);
  const AlertmanagerConfig& am = c->alerting.alertmanagers[0];
  EXPECT_EQ(am.scheme, "https");
  EXPECT_EQ(am.path_prefix, "/am");
  EXPECT_EQ(am.timeout, seconds(5));
  EXPECT_EQ(am.api_version, "v2");
  EXPECT_EQ(am.static_configs[0].targets, std::vector<std::string>{"am-1:9093"});
  EXPECT_EQ(am.http.basic_auth->password_file, kTestdata + "/am.pass");

  ASSERT_EQ(c->remote_write.size(), 2u);
  const RemoteWriteConfig& mimir = c->remote_write[0];
  EXPECT_EQ(mimir.url, "https://mimir.example.com/api/v1/push");
  EXPECT_EQ(mimir.name, "mimir");
  EXPECT_EQ(mimir.remote_timeout, minutes(1));
  EXPECT_EQ(mimir.headers.at("X-Scope-OrgID"), "tenant-1");
  EXPECT_EQ(mimir.write_relabel_configs.size(), 1u);
  EXPECT_EQ(mimir.http.authorization->credentials.Reveal(), "rw-token");
  EXPECT_EQ(mimir.queue_config.capacity, 10000);
  EXPECT_EQ(mimir.queue_config.max_shards, 50);
  EXPECT_EQ(mimir.queue_config.min_shards, 2);
  EXPECT_EQ(mimir.queue_config.max_samples_per_send, 2000);
  EXPECT_EQ(mimir.queue_config.batch_send_deadline, seconds(10));
  EXPECT_EQ(mimir.queue_config.min_backoff, milliseconds(100));
  EXPECT_EQ(mimir.queue_config.max_backoff, seconds(10));
  EXPECT_TRUE(mimir.queue_config.retry_on_http_429);
  EXPECT_FALSE(mimir.metadata_config.send);
  EXPECT_EQ(mimir.metadata_config.send_interval, minutes(2));

  // Prometheus 2.42's remote-write defaults.
  const RemoteWriteConfig& plain = c->remote_write[1];
  EXPECT_EQ(plain.remote_timeout, seconds(30));
  EXPECT_EQ(plain.queue_config.capacity, 2500);
  EXPECT_EQ(plain.queue_config.max_shards, 200);
  EXPECT_EQ(plain.queue_config.min_shards, 1);
  EXPECT_EQ(plain.queue_config.max_samples_per_send, 500);
  EXPECT_EQ(plain.queue_config.batch_send_deadline, seconds(5));
  EXPECT_EQ(plain.queue_config.min_backoff, milliseconds(30));
  EXPECT_EQ(plain.queue_config.max_backoff, seconds(5));
  EXPECT_FALSE(plain.queue_config.retry_on_http_429);
  EXPECT_TRUE(plain.metadata_config.send);
  EXPECT_EQ(plain.metadata_config.send_interval, minutes(1));
}

TEST(ConfigLoadTest, BodySizeLimitUsesBase2Units) {
  auto parse = [](const std::string& limit) -> int64_t {
    auto r = ParseConfig("scrape_configs:\n  - job_name: a\n    body_size_limit: " + limit + "\n",
                         "v.yml");
    EXPECT_TRUE(r.ok()) << limit << ": " << r.status().ToString();
    return r.ok() ? (*r)->scrape_configs[0].body_size_limit : -1;
  };
  EXPECT_EQ(parse("0"), 0);
  EXPECT_EQ(parse("512B"), 512);
  EXPECT_EQ(parse("1KB"), 1024);
  EXPECT_EQ(parse("10MB"), 10LL << 20);
  EXPECT_EQ(parse("1GiB"), 1LL << 30);
  EXPECT_EQ(parse("1.5MB"), 3LL << 19);
  EXPECT_EQ(parse("1GB512MB"), (1LL << 30) + (512LL << 20));
}

TEST(ConfigLoadTest, ShippedDefaultConfigLoads) {
  auto c = MustLoad(VIGIL_DEFAULT_CONFIG);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->global.scrape_interval, seconds(15));
  EXPECT_EQ(c->global.evaluation_interval, seconds(15));
  EXPECT_EQ(c->global.scrape_timeout, seconds(10));
  ASSERT_EQ(c->rule_files.size(), 1u);
  // config/../rules/*.yml, normalised.
  std::string expected_suffix = "/rules/*.yml";
  EXPECT_EQ(c->rule_files[0].substr(c->rule_files[0].size() - expected_suffix.size()),
            expected_suffix);
  EXPECT_EQ(c->rule_files[0].find(".."), std::string::npos);
  ASSERT_EQ(c->scrape_configs.size(), 2u);
  EXPECT_EQ(c->scrape_configs[0].job_name, "vigil");
  EXPECT_EQ(c->scrape_configs[0].static_configs[0].targets,
            std::vector<std::string>{"localhost:9090"});
  EXPECT_EQ(c->scrape_configs[1].job_name, "demo");
  EXPECT_EQ(c->scrape_configs[1].static_configs[0].targets,
            std::vector<std::string>{"localhost:8080"});
  EXPECT_EQ(c->scrape_configs[1].scrape_interval, seconds(15));
  ASSERT_TRUE(c->notifications.has_value());
  EXPECT_EQ(c->notifications->route.receiver, "default");
}

TEST(ConfigLoadTest, SecretsPrintRedacted) {
  Secret s("hunter2");
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "<secret>");
  EXPECT_EQ(s.Reveal(), "hunter2");
  std::ostringstream empty;
  empty << Secret();
  EXPECT_EQ(empty.str(), "");
}

}  // namespace
}  // namespace vigil::config
