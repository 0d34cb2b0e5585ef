// The query API of the real vigil, read by Debian's promtool 2.42 (unpacked
// by scripts/setup.sh --test-peers) and by plain HTTP: shapes, errors and
// status codes as Prometheus's.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "vigil_process.h"

namespace vigil::testing {
namespace {

using std::chrono::seconds;

class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // vigil scrapes itself; its port is only known once it runs, so the
    // config is rewritten and reloaded.
    auto v = VigilProcess::Start("global:\n  scrape_interval: 200ms\n", {"--web.enable-lifecycle"});
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    vigil_ = std::make_unique<VigilProcess>(std::move(*v));
    url_ = "http://127.0.0.1:" + std::to_string(vigil_->port());
    WriteFile(vigil_->config_path(),
              "global:\n  scrape_interval: 200ms\n  scrape_timeout: 200ms\nscrape_configs:\n"
              "  - job_name: self\n    static_configs:\n      - targets: ['127.0.0.1:" +
                  std::to_string(vigil_->port()) + "']\n");
    ASSERT_EQ(vigil_->Post("/-/reload")->status, 200);
    // Until two scrapes are stored.
    for (int i = 0; i < 200; ++i) {
      auto r = vigil_->Get("/api/v1/query?query=count_over_time(up%5B1m%5D)");
      if (r.ok() && r->body.find("\"2\"") != std::string::npos) return;
      if (r.ok() && r->body.find("\"3\"") != std::string::npos) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "vigil did not store two scrapes";
  }

  nlohmann::json GetJson(const std::string& target, int want_status = 200) {
    auto r = vigil_->Get(target);
    EXPECT_TRUE(r.ok());
    if (!r.ok()) return {};
    EXPECT_EQ(r->status, want_status) << target << ": " << r->body;
    return nlohmann::json::parse(r->body);
  }

  std::unique_ptr<VigilProcess> vigil_;
  std::string url_;
};

TEST_F(QueryTest, PromtoolQueriesVigil) {
  CommandResult instant = RunCommand({VIGIL_PROMTOOL, "query", "instant", url_, "up"});
  EXPECT_EQ(instant.exit_code, 0) << instant.output;
  EXPECT_NE(instant.output.find("up{instance=\"127.0.0.1:" + std::to_string(vigil_->port()) +
                                "\", job=\"self\"} => 1 @["),
            std::string::npos)
      << instant.output;
  CommandResult range = RunCommand({VIGIL_PROMTOOL, "query", "range", "--step=1s", url_,
                                    "sum by (job) (up)"});
  EXPECT_EQ(range.exit_code, 0) << range.output;
  EXPECT_NE(range.output.find("{job=\"self\"} =>"), std::string::npos) << range.output;
  CommandResult series = RunCommand({VIGIL_PROMTOOL, "query", "series", "--match=up", url_});
  EXPECT_EQ(series.exit_code, 0) << series.output;
  EXPECT_NE(series.output.find("job=\"self\""), std::string::npos) << series.output;
  CommandResult values = RunCommand({VIGIL_PROMTOOL, "query", "labels", url_, "job"});
  EXPECT_EQ(values.exit_code, 0) << values.output;
  EXPECT_NE(values.output.find("self"), std::string::npos) << values.output;
}

TEST_F(QueryTest, ShapesAndErrors) {
  auto v = GetJson("/api/v1/query?query=up");
  EXPECT_EQ(v["status"], "success");
  EXPECT_EQ(v["data"]["resultType"], "vector");
  EXPECT_EQ(v["data"]["result"][0]["value"][1], "1");
  auto s = GetJson("/api/v1/query?query=1%2B1&time=1700000000");
  EXPECT_EQ(s["data"]["resultType"], "scalar");
  EXPECT_EQ(s["data"]["result"][0], 1700000000.0);
  EXPECT_EQ(s["data"]["result"][1], "2");
  auto m = GetJson("/api/v1/query?query=up%5B1m%5D");
  EXPECT_EQ(m["data"]["resultType"], "matrix");

  auto bad = GetJson("/api/v1/query?query=sum(", 400);
  EXPECT_EQ(bad["status"], "error");
  EXPECT_EQ(bad["errorType"], "bad_data");
  EXPECT_EQ(bad["error"], "1:5: parse error: unclosed left parenthesis");
  auto bad_time = GetJson("/api/v1/query?query=up&time=yesterday", 400);
  EXPECT_EQ(bad_time["error"], "invalid parameter \"time\": cannot parse \"yesterday\" to a valid "
                               "timestamp");
  auto backwards = GetJson("/api/v1/query_range?query=up&start=10&end=1&step=1", 400);
  EXPECT_EQ(backwards["error"], "end timestamp must not be before start time");
  auto zero_step = GetJson("/api/v1/query_range?query=up&start=1&end=10&step=0", 400);
  EXPECT_EQ(zero_step["errorType"], "bad_data");
  auto many = GetJson("/api/v1/query_range?query=up&start=0&end=100000&step=1", 400);
  EXPECT_NE(many["error"].get<std::string>().find("11,000 points"), std::string::npos);
  auto exec = GetJson("/api/v1/query?query=label_replace(up,%22x%22,%22y%22,%22job%22,%22(%22)",
                      422);
  EXPECT_EQ(exec["errorType"], "execution");

  auto rfc = GetJson("/api/v1/query?query=time()&time=2023-11-14T22:13:20.5Z");
  EXPECT_EQ(rfc["data"]["result"][1], "1700000000.5");
  auto series = GetJson("/api/v1/series?match[]=up");
  EXPECT_EQ(series["data"][0]["job"], "self");
  GetJson("/api/v1/series", 400);
  auto labels = GetJson("/api/v1/labels");
  EXPECT_NE(std::find(labels["data"].begin(), labels["data"].end(), "job"), labels["data"].end());
  auto jobs = GetJson("/api/v1/label/job/values");
  EXPECT_EQ(jobs["data"], nlohmann::json::array({"self"}));
  auto formatted = GetJson("/api/v1/format_query?query=sum(rate(x%5B5m%5D))by(a)");
  EXPECT_EQ(formatted["data"], "sum by (a) (rate(x[5m]))");
}

}  // namespace
}  // namespace vigil::testing
