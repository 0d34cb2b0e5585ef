// analyze and dump.
#include "vigil/tsdb/tools.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "test_util.h"
#include "vigil/tsdb/db.h"

namespace vigil::tsdb {
namespace {

using model::Labels;
using model::MatchType;
using testutil::M;

class ToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options o;
    o.max_samples_per_chunk = 8;
    o.chunk_range_ms = 10'000;
    o.background = false;
    Result<std::unique_ptr<DB>> db = DB::Open(dir_.path(), o);
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    // job=api: i=0,1; job=db: i=2. 50 samples each at 0, 100, ... 4900.
    auto app = db_->NewAppender();
    for (TimestampMs t = 0; t < 5000; t += 100) {
      for (int i = 0; i < 3; ++i) {
        Labels l = Labels::FromStrings(
            {"__name__", "up", "job", i < 2 ? "api" : "db", "i", std::to_string(i)});
        ASSERT_TRUE(app->Append(0, l, t, static_cast<double>(i)).ok());
      }
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  testutil::TempDir dir_;
  std::unique_ptr<DB> db_;
};

TEST_F(ToolsTest, AnalyzeCountsHeadAndPersistedData) {
  ASSERT_TRUE(db_->Flush().ok());
  Result<AnalyzeReport> r = Analyze(*db_, 2);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->series, 3u);
  EXPECT_EQ(r->samples, 150u);
  EXPECT_EQ(r->persisted_samples, 144u);  // 6 full chunks of 8 per series
  EXPECT_EQ(r->persisted_chunks, 18u);
  EXPECT_EQ(r->head_samples, 6u);
  EXPECT_GT(r->chunk_bytes, 0u);
  EXPECT_GT(r->disk_bytes, r->chunk_bytes);
  EXPECT_GT(r->bytes_per_sample, 0);
  EXPECT_EQ(r->min_time, 0);
  EXPECT_EQ(r->max_time, 4900);
  // i has 3 values, job 2, __name__ 1.
  ASSERT_EQ(r->top_names.size(), 2u);
  EXPECT_EQ(r->top_names[0], (std::pair<std::string, uint64_t>{"i", 3}));
  EXPECT_EQ(r->top_names[1], (std::pair<std::string, uint64_t>{"job", 2}));
  ASSERT_EQ(r->top_pairs.size(), 2u);
  EXPECT_EQ(r->top_pairs[0], (std::pair<std::string, uint64_t>{"__name__=up", 3}));
  EXPECT_EQ(r->top_pairs[1], (std::pair<std::string, uint64_t>{"job=api", 2}));
  std::string text = FormatAnalyzeReport(*r);
  EXPECT_NE(text.find("series: 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  3 i\n"), std::string::npos) << text;
}

TEST_F(ToolsTest, AnalyzeOfAnEmptyDB) {
  testutil::TempDir empty;
  Options o;
  o.background = false;
  Result<std::unique_ptr<DB>> db = DB::Open(empty.path(), o);
  ASSERT_TRUE(db.ok());
  Result<AnalyzeReport> r = Analyze(**db, 10);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->series, 0u);
  EXPECT_EQ(r->samples, 0u);
  EXPECT_EQ(r->bytes_per_sample, 0);
  EXPECT_TRUE(r->top_names.empty());
}

TEST_F(ToolsTest, DumpWritesSamplesInRangeAsText) {
  ASSERT_TRUE(db_->Flush().ok());  // the range spans RocksDB and the head
  std::ostringstream out;
  ASSERT_TRUE(Dump(*db_, 4700, 4900, {M(MatchType::kEqual, "job", "api")}, out).ok());
  EXPECT_EQ(out.str(),
            "up{i=\"0\", job=\"api\"} 0 4700\n"
            "up{i=\"0\", job=\"api\"} 0 4800\n"
            "up{i=\"0\", job=\"api\"} 0 4900\n"
            "up{i=\"1\", job=\"api\"} 1 4700\n"
            "up{i=\"1\", job=\"api\"} 1 4800\n"
            "up{i=\"1\", job=\"api\"} 1 4900\n");
}

TEST_F(ToolsTest, DumpFormatsSpecialValues) {
  auto app = db_->NewAppender();
  Labels l = Labels::FromStrings({"__name__", "x"});
  ASSERT_TRUE(app->Append(0, l, 1, std::numeric_limits<double>::infinity()).ok());
  ASSERT_TRUE(app->Append(0, l, 2, -std::numeric_limits<double>::infinity()).ok());
  ASSERT_TRUE(app->Append(0, l, 3, std::nan("")).ok());
  ASSERT_TRUE(app->Append(0, l, 4, 0.25).ok());
  ASSERT_TRUE(app->Commit().ok());
  std::ostringstream out;
  ASSERT_TRUE(Dump(*db_, 0, 10, {M(MatchType::kEqual, "__name__", "x")}, out).ok());
  EXPECT_EQ(out.str(), "x +Inf 1\nx -Inf 2\nx NaN 3\nx 0.25 4\n");
}

}  // namespace
}  // namespace vigil::tsdb
