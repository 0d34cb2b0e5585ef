// One scrape, end to end below HTTP: the samples, labels and timestamps that
// reach storage, staleness markers, limits and failures — as Prometheus 2.42.
#include "scrape_append.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "memory_storage.h"
#include "vigil/config/config.h"
#include "vigil/model/value.h"

namespace vigil::scrape {
namespace {

using model::Labels;
using testing::MemoryStorage;

constexpr std::string_view kText = "text/plain; version=0.0.4";

class ScrapeAppendTest : public ::testing::Test {
 protected:
  void Configure(const std::string& extra = "") {
    auto cfg = config::ParseConfig("scrape_configs:\n  - job_name: j\n" + extra, "t.yml");
    ASSERT_TRUE(cfg.ok()) << cfg.status().message();
    config_ = (*cfg)->scrape_configs.at(0);
  }

  ScrapeOutcome Scrape(std::string_view body, TimestampMs ts, Status fetch_error = Status()) {
    ScrapeInput in{fetch_error, body, kText, ts, 0.25};
    return CommitScrape(in, target_, config_, &cache_, &report_, &storage_);
  }

  std::vector<testing::StoredSample> Samples(std::initializer_list<std::string_view> labels) {
    return storage_.Samples(Labels::FromStrings(labels));
  }

  const Labels target_ = Labels::FromStrings({"instance", "t:1", "job", "j"});
  config::ScrapeConfig config_;
  SeriesCache cache_;
  ReportSeries report_{target_};
  MemoryStorage storage_;
};

TEST_F(ScrapeAppendTest, SamplesGetTargetLabelsAndTimestamps) {
  Configure();
  auto out = Scrape(
      "# TYPE http_requests_total counter\n"
      "http_requests_total{code=\"200\",job=\"exposed\"} 10\n"
      "http_requests_total{code=\"500\"} 2 1700000000000\n"
      "temperature -3.5e-1\n",
      1000);
  ASSERT_TRUE(out.error.ok()) << out.error.message();
  EXPECT_EQ(out.stats.scraped, 3u);
  EXPECT_EQ(out.stats.appended, 3u);
  EXPECT_EQ(out.stats.series_added, 3u);
  // A scraped label that clashes with a target label becomes exported_<name>.
  auto ok = Samples({"__name__", "http_requests_total", "code", "200", "exported_job", "exposed",
                     "instance", "t:1", "job", "j"});
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].t, 1000);
  EXPECT_EQ(ok[0].v, 10);
  // honor_timestamps (the default) keeps the exposed timestamp.
  auto err = Samples({"__name__", "http_requests_total", "code", "500", "instance", "t:1", "job",
                      "j"});
  ASSERT_EQ(err.size(), 1u);
  EXPECT_EQ(err[0].t, 1700000000000);
  EXPECT_EQ(Samples({"__name__", "temperature", "instance", "t:1", "job", "j"})[0].v, -0.35);

  auto up = Samples({"__name__", "up", "instance", "t:1", "job", "j"});
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].v, 1);
  EXPECT_EQ(Samples({"__name__", "scrape_samples_scraped", "instance", "t:1", "job", "j"})[0].v, 3);
  EXPECT_EQ(Samples({"__name__", "scrape_series_added", "instance", "t:1", "job", "j"})[0].v, 3);
  EXPECT_EQ(Samples({"__name__", "scrape_duration_seconds", "instance", "t:1", "job", "j"})[0].v,
            0.25);
}

TEST_F(ScrapeAppendTest, HonorLabelsKeepsExposedValues) {
  Configure("    honor_labels: true\n    honor_timestamps: false\n");
  auto out = Scrape("m{job=\"exposed\"} 1 5\n", 1000);
  ASSERT_TRUE(out.error.ok());
  auto s = Samples({"__name__", "m", "instance", "t:1", "job", "exposed"});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].t, 1000);  // honor_timestamps: false
}

TEST_F(ScrapeAppendTest, DisappearedSeriesGetStalenessMarkers) {
  Configure();
  ASSERT_TRUE(Scrape("a 1\nb 1\n", 1000).error.ok());
  auto out = Scrape("a 2\n", 2000);
  ASSERT_TRUE(out.error.ok());
  EXPECT_EQ(out.stats.series_added, 0u);
  auto b = Samples({"__name__", "b", "instance", "t:1", "job", "j"});
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[1].t, 2000);
  EXPECT_TRUE(model::IsStaleNaN(b[1].v));
  // Marked once, not again on the next scrape.
  ASSERT_TRUE(Scrape("a 3\n", 3000).error.ok());
  EXPECT_EQ(Samples({"__name__", "b", "instance", "t:1", "job", "j"}).size(), 2u);
  // Back again: a fresh sample and counted as added.
  auto back = Scrape("a 4\nb 4\n", 4000);
  EXPECT_EQ(back.stats.series_added, 0u);  // still in the cache
  EXPECT_EQ(Samples({"__name__", "b", "instance", "t:1", "job", "j"}).back().v, 4);
}

// The cache keeps refs, not labels: a series the storage removed meanwhile
// is added again under the labels of its line (escapes, target labels and
// metric relabeling applied again), and one that disappears meanwhile is
// marked stale under the labels of its cached text.
TEST_F(ScrapeAppendTest, SeriesTheStorageRemovedGetTheirLabelsFromTheirLine) {
  Configure(
      "    metric_relabel_configs:\n"
      "      - source_labels: [x]\n"
      "        target_label: y\n");
  const Labels a = Labels::FromStrings({"__name__", "a", "exported_job", "exported", "instance",
                                        "t:1", "job", "j", "x", "1\\\"2", "y", "1\\\"2"});
  const Labels b = Labels::FromStrings({"__name__", "b", "instance", "t:1", "job", "j"});
  ASSERT_TRUE(Scrape(R"(a{job="exported",x="1\\\"2"} 1
b 1
)",
                     1000)
                  .error.ok());
  ASSERT_EQ(storage_.Samples(a).size(), 1u);
  storage_.Remove(a);
  storage_.Remove(b);

  auto out = Scrape(R"(a{job="exported",x="1\\\"2"} 2
)",
                    2000);
  ASSERT_TRUE(out.error.ok()) << out.error.message();
  EXPECT_EQ(out.stats.series_added, 0u);  // still in the cache
  auto a_again = storage_.Samples(a);
  ASSERT_EQ(a_again.size(), 1u);
  EXPECT_EQ(a_again[0].t, 2000);
  EXPECT_EQ(a_again[0].v, 2);
  auto b_stale = storage_.Samples(b);
  ASSERT_EQ(b_stale.size(), 1u);
  EXPECT_EQ(b_stale[0].t, 2000);
  EXPECT_TRUE(model::IsStaleNaN(b_stale[0].v));
  EXPECT_EQ(storage_.Series().size(), 2u + ReportSeries::kCount);
}

TEST_F(ScrapeAppendTest, ReorderedAndChangedLinesKeepTheirSeries) {
  Configure();
  ASSERT_TRUE(Scrape("a 1\nb{x=\"1\"} 1\nc 1\n", 1000).error.ok());
  // Same lines in another order, one gone, one new, one twice.
  auto out = Scrape("c 2\nd 2\na 2\nb{x=\"1\"} 2\n", 2000);
  ASSERT_TRUE(out.error.ok()) << out.error.message();
  EXPECT_EQ(out.stats.series_added, 1u);
  out = Scrape("c 3\na 3\nc 3\n", 3000);
  ASSERT_TRUE(out.error.ok()) << out.error.message();
  EXPECT_EQ(out.stats.series_added, 0u);
  auto a = Samples({"__name__", "a", "instance", "t:1", "job", "j"});
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[2].v, 3);
  auto c = Samples({"__name__", "c", "instance", "t:1", "job", "j"});
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[1].v, 2);
  auto d = Samples({"__name__", "d", "instance", "t:1", "job", "j"});
  ASSERT_EQ(d.size(), 2u);
  EXPECT_TRUE(model::IsStaleNaN(d[1].v));
  auto b = Samples({"__name__", "b", "instance", "t:1", "job", "j", "x", "1"});
  ASSERT_EQ(b.size(), 3u);
  EXPECT_TRUE(model::IsStaleNaN(b[2].v));
}

TEST_F(ScrapeAppendTest, ChurningSeriesAreForgottenAndKeptOnesStillFound) {
  Configure();
  // Each scrape exposes one steady series and 500 new ones (~37 KB of series
  // text): the cache forgets a generation 11 scrapes after it was last seen,
  // and copies its live texts to a new arena once half of the old one is
  // forgotten texts (at scrape 22).
  const std::string pad(40, 'x');
  for (int i = 0; i < 26; ++i) {
    std::string body = "steady 1\n";
    for (int k = 0; k < 500; ++k) {
      body += "churn{gen=\"" + std::to_string(i) + "\",k=\"" + std::to_string(k) + "\",pad=\"" +
              pad + "\"} 1\n";
    }
    auto out = Scrape(body, 1000 * (i + 1));
    ASSERT_TRUE(out.error.ok()) << out.error.message();
    EXPECT_EQ(out.stats.series_added, i == 0 ? 501u : 500u) << "scrape " << i;
    EXPECT_LE(cache_.size(), 12u * 500 + 1) << "scrape " << i;
  }
  EXPECT_EQ(Samples({"__name__", "steady", "instance", "t:1", "job", "j"}).size(), 26u);
}

TEST_F(ScrapeAppendTest, SeriesWithExplicitTimestampsAreNotStaleMarked) {
  Configure();
  ASSERT_TRUE(Scrape("a 1 500\nb 1\n", 1000).error.ok());
  ASSERT_TRUE(Scrape("b 2\n", 2000).error.ok());
  EXPECT_EQ(Samples({"__name__", "a", "instance", "t:1", "job", "j"}).size(), 1u);
}

TEST_F(ScrapeAppendTest, FailedScrapeStoresNothingAndMarksEverythingStale) {
  Configure();
  ASSERT_TRUE(Scrape("a 1\nb 1\n", 1000).error.ok());
  auto out = Scrape("a 2\nb{ 2\n", 2000);  // malformed: the whole scrape is rejected
  ASSERT_FALSE(out.error.ok());
  auto a = Samples({"__name__", "a", "instance", "t:1", "job", "j"});
  ASSERT_EQ(a.size(), 2u);
  EXPECT_TRUE(model::IsStaleNaN(a[1].v));  // not the value 2
  auto up = Samples({"__name__", "up", "instance", "t:1", "job", "j"});
  EXPECT_EQ(up.back().v, 0);
  auto fetch = Scrape("", 3000, Unavailable("server returned HTTP status 500 Internal Server Error"));
  EXPECT_EQ(fetch.error.message(), "server returned HTTP status 500 Internal Server Error");
  EXPECT_EQ(Samples({"__name__", "up", "instance", "t:1", "job", "j"}).back().v, 0);
}

TEST_F(ScrapeAppendTest, MetricRelabelingDropsAndRewrites) {
  Configure(
      "    metric_relabel_configs:\n"
      "      - source_labels: [__name__]\n        regex: go_.*\n        action: drop\n"
      "      - source_labels: [code]\n        target_label: class\n        regex: (.).*\n"
      "        replacement: ${1}xx\n");
  auto out = Scrape("go_goroutines 8\nreq{code=\"503\"} 1\n", 1000);
  ASSERT_TRUE(out.error.ok());
  EXPECT_EQ(out.stats.scraped, 2u);
  EXPECT_EQ(out.stats.appended, 1u);
  EXPECT_TRUE(storage_.SeriesNamed("go_goroutines").empty());
  EXPECT_EQ(Samples({"__name__", "req", "class", "5xx", "code", "503", "instance", "t:1", "job",
                     "j"})
                .size(),
            1u);
  EXPECT_EQ(Samples({"__name__", "scrape_samples_post_metric_relabeling", "instance", "t:1",
                     "job", "j"})[0]
                .v,
            1);
}

TEST_F(ScrapeAppendTest, SampleLimitFailsTheScrape) {
  Configure("    sample_limit: 2\n");
  auto out = Scrape("a 1\nb 1\nc 1\n", 1000);
  EXPECT_EQ(out.error.message(), "sample limit exceeded");
  EXPECT_EQ(out.stats.scraped, 3u);
  EXPECT_TRUE(storage_.SeriesNamed("a").empty());
  EXPECT_EQ(Samples({"__name__", "up", "instance", "t:1", "job", "j"})[0].v, 0);
  EXPECT_EQ(Samples({"__name__", "scrape_samples_scraped", "instance", "t:1", "job", "j"})[0].v, 3);
}

TEST_F(ScrapeAppendTest, LabelLimitsFailTheScrape) {
  Configure("    label_limit: 3\n");
  auto out = Scrape("m{a=\"1\",b=\"2\"} 1\n", 1000);
  EXPECT_EQ(out.error.message(),
            "label_limit exceeded (metric: m, number of labels: 5, limit: 3)");
  Configure("    label_value_length_limit: 3\n");
  cache_ = SeriesCache();
  out = Scrape("m{a=\"long\"} 1\n", 2000);
  EXPECT_NE(out.error.message().find("label_value_length_limit exceeded"), std::string::npos);
}

TEST_F(ScrapeAppendTest, OutOfOrderAndDuplicatesAreCountedNotFatal) {
  Configure();
  ASSERT_TRUE(Scrape("a 1 5000\n", 1000).error.ok());
  auto out = Scrape("a 2 4000\nb 1 10\nb 2 10\n", 2000);
  ASSERT_TRUE(out.error.ok());
  EXPECT_EQ(out.stats.out_of_order, 1u);
  EXPECT_EQ(out.stats.duplicates, 1u);
  EXPECT_EQ(Samples({"__name__", "b", "instance", "t:1", "job", "j"}).size(), 1u);
}

TEST_F(ScrapeAppendTest, ValuesAreStoredBitExact) {
  Configure();
  ASSERT_TRUE(Scrape("nan NaN\npinf +Inf\nninf -Inf\nnegzero -0\n", 1000).error.ok());
  EXPECT_TRUE(std::isnan(Samples({"__name__", "nan", "instance", "t:1", "job", "j"})[0].v));
  EXPECT_EQ(Samples({"__name__", "pinf", "instance", "t:1", "job", "j"})[0].v, INFINITY);
  EXPECT_EQ(Samples({"__name__", "ninf", "instance", "t:1", "job", "j"})[0].v, -INFINITY);
  EXPECT_TRUE(std::signbit(Samples({"__name__", "negzero", "instance", "t:1", "job", "j"})[0].v));
}

TEST_F(ScrapeAppendTest, StrictJobRejectsSemanticViolations) {
  // A negative counter: ingested by default, as Prometheus 2.42 does.
  const char* body =
      "# TYPE c counter\nc_total -1\n# EOF\n";
  Configure();
  ScrapeInput in{Status(), body, "application/openmetrics-text; version=1.0.0", 1000, 0};
  auto lenient = CommitScrape(in, target_, config_, &cache_, &report_, &storage_);
  EXPECT_TRUE(lenient.error.ok()) << lenient.error.message();
  EXPECT_GE(lenient.stats.semantic_violations, 1u);
  Configure("    strict: true\n");
  cache_ = SeriesCache();
  in.timestamp = 2000;
  auto strict = CommitScrape(in, target_, config_, &cache_, &report_, &storage_);
  EXPECT_FALSE(strict.error.ok());
  EXPECT_EQ(strict.error.message().rfind("strict: ", 0), 0u);
}

TEST_F(ScrapeAppendTest, MetadataOfTypeHelpAndUnitLines) {
  Configure();
  auto out = Scrape(
      "# HELP http_requests_total Requests \\\\ served.\n"
      "# TYPE http_requests_total counter\n"
      "http_requests_total 1\n"
      "# TYPE free untyped\n"
      "free 2\n"
      "# HELP only_help Just help.\n"
      "only_help 3\n"
      "no_metadata 4\n",
      1000);
  ASSERT_TRUE(out.error.ok()) << out.error.message();
  MetadataByFamily want = {
      {"http_requests_total", {"counter", "Requests \\ served.", ""}},
      {"free", {"unknown", "", ""}},
      {"only_help", {"unknown", "Just help.", ""}},
  };
  EXPECT_EQ(out.stats.metadata, want);

  ScrapeInput in{Status(),
                 "# TYPE latency_seconds histogram\n# UNIT latency_seconds seconds\n"
                 "latency_seconds_bucket{le=\"+Inf\"} 1\nlatency_seconds_count 1\n# EOF\n",
                 "application/openmetrics-text; version=1.0.0", 2000, 0};
  auto om = CommitScrape(in, target_, config_, &cache_, &report_, &storage_);
  ASSERT_TRUE(om.error.ok()) << om.error.message();
  EXPECT_EQ(om.stats.metadata,
            (MetadataByFamily{{"latency_seconds", {"histogram", "", "seconds"}}}));
}

TEST(AttachTargetLabels, ExportedPrefixRepeatsWhileTaken) {
  Labels sample = Labels::FromStrings({"__name__", "m", "job", "a", "exported_job", "b"});
  Labels target = Labels::FromStrings({"job", "t"});
  EXPECT_EQ(AttachTargetLabels(sample, target, false).ToString(),
            "m{exported_exported_job=\"a\", exported_job=\"b\", job=\"t\"}");
}

}  // namespace
}  // namespace vigil::scrape
