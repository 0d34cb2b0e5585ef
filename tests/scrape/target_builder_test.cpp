// Target labels as Prometheus 2.42's populateLabels gives them.
#include "target_builder.h"

#include <gtest/gtest.h>

#include "vigil/config/config.h"

namespace vigil::scrape {
namespace {

using model::Labels;

config::ScrapeConfig Job(const std::string& yaml_job) {
  auto cfg = config::ParseConfig("scrape_configs:\n" + yaml_job, "t.yml");
  EXPECT_TRUE(cfg.ok()) << cfg.status().message();
  return (*cfg)->scrape_configs.at(0);
}

TEST(BuildTarget, JobInstanceAndUrl) {
  auto cfg = Job("  - job_name: node\n    scrape_interval: 15s\n");
  auto t = BuildTarget(Labels::FromStrings({"__address__", "host:9100", "zone", "eu"}), cfg);
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->has_value());
  const TargetSpec& s = **t;
  EXPECT_EQ(s.labels, Labels::FromStrings({"instance", "host:9100", "job", "node", "zone", "eu"}));
  EXPECT_EQ(s.Url(), "http://host:9100/metrics");
  EXPECT_EQ(s.interval, std::chrono::seconds(15));
  EXPECT_EQ(s.timeout, std::chrono::seconds(10));
}

TEST(BuildTarget, DefaultPortByScheme) {
  auto http = BuildTarget(Labels::FromStrings({"__address__", "example.com"}),
                          Job("  - job_name: a\n"));
  ASSERT_TRUE(http.ok());
  EXPECT_EQ((*http)->address, "example.com:80");
  EXPECT_EQ((*http)->labels.Get("instance"), "example.com:80");
  auto https = BuildTarget(Labels::FromStrings({"__address__", "example.com"}),
                           Job("  - job_name: a\n    scheme: https\n"));
  ASSERT_TRUE(https.ok());
  EXPECT_EQ((*https)->Url(), "https://example.com:443/metrics");
  auto v6 = BuildTarget(Labels::FromStrings({"__address__", "[::1]:9090"}), Job("  - job_name: a\n"));
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ((*v6)->address, "[::1]:9090");
}

TEST(BuildTarget, RelabelingShapesTheTarget) {
  auto cfg = Job(
      "  - job_name: blackbox\n"
      "    metrics_path: /probe\n"
      "    params:\n      module: [http_2xx]\n"
      "    relabel_configs:\n"
      "      - source_labels: [__address__]\n        target_label: __param_target\n"
      "      - source_labels: [__param_target]\n        target_label: instance\n"
      "      - target_label: __address__\n        replacement: 127.0.0.1:9115\n"
      "      - source_labels: [__meta_drop]\n        regex: yes\n        action: drop\n");
  auto t = BuildTarget(Labels::FromStrings({"__address__", "https://example.com"}), cfg);
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->has_value());
  EXPECT_EQ((*t)->Url(),
            "http://127.0.0.1:9115/probe?module=http_2xx&target=https%3A%2F%2Fexample.com");
  EXPECT_EQ((*t)->labels,
            Labels::FromStrings({"instance", "https://example.com", "job", "blackbox"}));
  auto dropped = BuildTarget(
      Labels::FromStrings({"__address__", "x:1", "__meta_drop", "yes"}), cfg);
  ASSERT_TRUE(dropped.ok());
  EXPECT_FALSE(dropped->has_value());
}

TEST(BuildTarget, MetaLabelsAreRemovedAndMayBeMapped) {
  auto cfg = Job(
      "  - job_name: a\n    relabel_configs:\n"
      "      - regex: __meta_(.+)\n        action: labelmap\n");
  auto t = BuildTarget(
      Labels::FromStrings({"__address__", "x:1", "__meta_rack", "r1", "__tmp_x", "y"}), cfg);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->labels, Labels::FromStrings({"instance", "x:1", "job", "a", "rack", "r1"}));
}

TEST(BuildTarget, DiscoveredLabelsWinOverDefaults) {
  auto t = BuildTarget(Labels::FromStrings({"__address__", "x:1", "job", "custom",
                                            "__scrape_interval__", "5s",
                                            "__scrape_timeout__", "2s"}),
                       Job("  - job_name: a\n"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->labels.Get("job"), "custom");
  EXPECT_EQ((*t)->interval, std::chrono::seconds(5));
}

TEST(BuildTarget, Errors) {
  auto cfg = Job("  - job_name: a\n");
  auto no_addr = BuildTarget(Labels::FromStrings({"x", "y"}), cfg);
  ASSERT_FALSE(no_addr.ok());
  EXPECT_EQ(no_addr.status().message(), "no address");
  auto bad_timeout = BuildTarget(Labels::FromStrings({"__address__", "x:1", "__scrape_interval__",
                                                      "5s", "__scrape_timeout__", "10s"}),
                                 cfg);
  ASSERT_FALSE(bad_timeout.ok());
  EXPECT_NE(bad_timeout.status().message().find("scrape timeout cannot be greater"),
            std::string::npos);
  EXPECT_FALSE(BuildTarget(Labels::FromStrings({"__address__", "x:1/path"}), cfg).ok());
}

}  // namespace
}  // namespace vigil::scrape
