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
              "global:\n  scrape_interval: 200ms\n  scrape_timeout: 200ms\n"
              "  external_labels:\n    dc: eu1\nscrape_configs:\n"
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

TEST_F(QueryTest, QueryCanceledWhenTheClientGoesAway) {
  EXPECT_EQ(vigil_->Metric("vigil_api_queries_canceled_total"), 0.0);
  {
    auto conn = HttpConnection::Open(vigil_->port());
    ASSERT_TRUE(conn.ok());
    // 11001 steps, each a quantile over a day of 1s points: minutes of work.
    ASSERT_TRUE(conn->SendRaw("GET /api/v1/query_range?query=quantile_over_time(0.5%2C"
                              "vector(1)%5B1d%3A1s%5D)&start=100000&end=111000&step=1 "
                              "HTTP/1.1\r\nHost: x\r\n\r\n")
                    .ok());
  }  // the client goes away
  bool canceled = false;
  for (int i = 0; i < 600 && !canceled; ++i) {
    canceled = vigil_->Metric("vigil_api_queries_canceled_total") == 1.0;
    if (!canceled) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(canceled);
  EXPECT_EQ(GetJson("/api/v1/query?query=up")["status"], "success");
}

TEST_F(QueryTest, MetadataFromScrapes) {
  // Metadata is published after a scrape; SetUp waited for two.
  auto one = GetJson("/api/v1/metadata?metric=vigil_ready");
  ASSERT_EQ(one["data"]["vigil_ready"].size(), 1u) << one.dump();
  EXPECT_EQ(one["data"]["vigil_ready"][0]["type"], "gauge");
  EXPECT_EQ(one["data"]["vigil_ready"][0]["help"],
            "Whether vigil has started and serves requests.");
  EXPECT_EQ(one["data"]["vigil_ready"][0]["unit"], "");
  auto all = GetJson("/api/v1/metadata");
  EXPECT_GT(all["data"].size(), 5u);
  EXPECT_EQ(all["data"]["vigil_http_requests_total"][0]["type"], "counter");
  EXPECT_EQ(GetJson("/api/v1/metadata?limit=2")["data"].size(), 2u);
  EXPECT_EQ(GetJson("/api/v1/metadata?metric=absent")["data"], nlohmann::json::object());
  EXPECT_EQ(GetJson("/api/v1/metadata?limit=x", 400)["errorType"], "bad_data");

  auto target = GetJson("/api/v1/targets/metadata?match_target=%7Bjob%3D%22self%22%7D"
                        "&metric=vigil_ready");
  ASSERT_EQ(target["data"].size(), 1u) << target.dump();
  EXPECT_EQ(target["data"][0]["target"]["job"], "self");
  EXPECT_EQ(target["data"][0]["type"], "gauge");
  EXPECT_FALSE(target["data"][0].contains("metric"));
  auto listed = GetJson("/api/v1/targets/metadata?limit=1");
  EXPECT_GT(listed["data"].size(), 1u);  // the limit is checked per target, as Prometheus
  EXPECT_TRUE(listed["data"][0].contains("metric"));
  EXPECT_EQ(GetJson("/api/v1/targets/metadata?match_target=%7Bjob%3D%22other%22%7D")["data"],
            nlohmann::json::array());
  EXPECT_EQ(GetJson("/api/v1/targets/metadata?match_target=%7B", 400)["errorType"], "bad_data");
}

TEST_F(QueryTest, StatusFlagsAndRuntimeInfo) {
  auto flags = GetJson("/api/v1/status/flags")["data"];
  EXPECT_EQ(flags["web.enable-lifecycle"], "true");
  EXPECT_EQ(flags["query.lookback-delta"], "5m");
  EXPECT_EQ(flags["query.max-concurrency"], "20");
  EXPECT_EQ(flags["config.file"], vigil_->config_path());
  EXPECT_FALSE(flags.contains("help"));

  auto info = GetJson("/api/v1/status/runtimeinfo")["data"];
  EXPECT_EQ(info["reloadConfigSuccess"], true);
  EXPECT_NE(info["lastConfigTime"], "0001-01-01T00:00:00Z");
  EXPECT_EQ(info["storageRetention"], "15d");
  EXPECT_EQ(info["corruptionCount"], 0);
  EXPECT_GT(info["goroutineCount"].get<int>(), 2);  // threads: I/O, workers, storage
  EXPECT_GE(info["GOMAXPROCS"].get<int>(), 1);
  EXPECT_FALSE(info["CWD"].get<std::string>().empty());
  EXPECT_EQ(info["startTime"].get<std::string>().substr(0, 2), "20");
}

TEST_F(QueryTest, TsdbStatusCardinality) {
  auto data = GetJson("/api/v1/status/tsdb")["data"];
  const auto& head = data["headStats"];
  EXPECT_GT(head["numSeries"].get<int64_t>(), 20);
  EXPECT_GT(head["chunkCount"].get<int64_t>(), 0);
  EXPECT_GT(head["numLabelPairs"].get<int64_t>(), 20);
  auto now = GetJson("/api/v1/query?query=time()")["data"]["result"][0].get<double>() * 1000;
  EXPECT_LE(head["minTime"].get<int64_t>(), head["maxTime"].get<int64_t>());
  EXPECT_GT(head["maxTime"].get<double>(), now - 60'000);
  for (const char* table : {"seriesCountByMetricName", "labelValueCountByLabelName",
                            "memoryInBytesByLabelName", "seriesCountByLabelValuePair"}) {
    const auto& rows = data[table];
    ASSERT_GT(rows.size(), 1u) << table;
    EXPECT_LE(rows.size(), 10u) << table;
    for (size_t i = 1; i < rows.size(); ++i) {
      EXPECT_GE(rows[i - 1]["value"].get<int64_t>(), rows[i]["value"].get<int64_t>()) << table;
    }
  }
  // Every series is the self job's: job=self is on all of them.
  const auto& pairs = data["seriesCountByLabelValuePair"];
  auto job = std::find_if(pairs.begin(), pairs.end(),
                          [](const auto& p) { return p["name"] == "job=self"; });
  ASSERT_NE(job, pairs.end()) << pairs.dump();
  EXPECT_EQ((*job)["value"], pairs[0]["value"]);
  EXPECT_EQ(data["labelValueCountByLabelName"][0]["name"], "__name__");
}

TEST_F(QueryTest, QueryExemplarsAreEmptyButValidated) {
  auto r = GetJson("/api/v1/query_exemplars?query=up&start=1&end=2");
  EXPECT_EQ(r["status"], "success");
  EXPECT_EQ(r["data"], nlohmann::json::array());
  EXPECT_TRUE(GetJson("/api/v1/query_exemplars?query=1%2B1")["data"].is_null());
  EXPECT_EQ(GetJson("/api/v1/query_exemplars?query=up(", 400)["errorType"], "bad_data");
  EXPECT_EQ(GetJson("/api/v1/query_exemplars?query=up&start=x", 400)["error"],
            "invalid parameter \"start\": cannot parse \"x\" to a valid timestamp");
  EXPECT_EQ(GetJson("/api/v1/query_exemplars?query=up&start=5&end=1", 400)["error"],
            "end timestamp must not be before start timestamp");
}

TEST_F(QueryTest, FederateLatestSamplesWithExternalLabels) {
  auto r = vigil_->Get("/federate?match[]=up&match[]=%7Bjob%3D%22self%22%2C__name__%3D%22up%22%7D");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string prefix = "# TYPE up untyped\nup{instance=\"127.0.0.1:" +
                             std::to_string(vigil_->port()) + "\",job=\"self\",dc=\"eu1\"} 1 ";
  ASSERT_EQ(r->body.rfind(prefix, 0), 0u) << r->body;
  // One series (both selectors pick it), with its own millisecond timestamp.
  std::string ts = r->body.substr(prefix.size());
  ASSERT_FALSE(ts.empty());
  EXPECT_EQ(ts.back(), '\n');
  EXPECT_EQ(ts.find('\n'), ts.size() - 1) << r->body;
  EXPECT_GT(std::stoll(ts), 1'600'000'000'000LL);

  auto several = vigil_->Get("/federate?match[]=%7B__name__%3D~%22scrape_.%2B%22%7D");
  ASSERT_TRUE(several.ok());
  EXPECT_NE(several->body.find("# TYPE scrape_duration_seconds untyped\n"), std::string::npos);
  EXPECT_NE(several->body.find("# TYPE scrape_samples_scraped untyped\n"), std::string::npos);
  EXPECT_EQ(vigil_->Get("/federate")->body, "");
  auto bad = vigil_->Get("/federate?match[]=up%7B");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400);
}

// `vigil query` prints exactly what `promtool query` prints for the same
// request, errors included.
TEST_F(QueryTest, QueryCommandMatchesPromtool) {
  auto now = GetJson("/api/v1/query?query=time()");
  const std::string t = std::to_string(static_cast<int64_t>(now["data"]["result"][0].get<double>()) - 1);
  const std::string start = std::to_string(std::stoll(t) - 3);
  const std::vector<std::vector<std::string>> cases = {
      {"instant", "--time=" + t, url_, "up"},
      {"instant", "--time=" + t, url_, "sum by (job) (up) * 1e6"},
      {"instant", "--time=" + t, url_, "up{job=\"none\"}"},
      {"instant", "--time=" + t, url_, "scalar(up) / 3"},
      {"range", "--start=" + start, "--end=" + t, "--step=1s", url_, "up"},
      {"range", "--start=" + start, "--end=" + t, "--step=1s", url_,
       "label_replace(up, \"x\", \"a\\\"b\", \"\", \"\") or vector(1)"},
      {"instant", url_, "sum("},
      {"instant", url_, "label_replace(up, \"x\", \"y\", \"job\", \"(\")"},
      {"series", "--match=up", url_},
      {"labels", url_, "job"},
  };
  for (const auto& args : cases) {
    std::vector<std::string> promtool = {VIGIL_PROMTOOL, "query"};
    std::vector<std::string> vigil = {VIGIL_BINARY, "query"};
    promtool.insert(promtool.end(), args.begin(), args.end());
    vigil.insert(vigil.end(), args.begin(), args.end());
    CommandResult want = RunCommand(promtool);
    CommandResult got = RunCommand(vigil);
    EXPECT_EQ(got.exit_code, want.exit_code) << args.back();
    EXPECT_EQ(got.output, want.output) << args.back();
  }
  CommandResult unreachable = RunCommand({VIGIL_BINARY, "query", "instant", "http://127.0.0.1:1", "up"});
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_EQ(unreachable.output.rfind("query error: ", 0), 0u) << unreachable.output;
  EXPECT_EQ(RunCommand({VIGIL_BINARY, "query", "instant", url_}).exit_code, 2);
}

}  // namespace
}  // namespace vigil::testing
