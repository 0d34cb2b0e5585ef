// Retention by time and size: whole buckets leave RocksDB, old chunks leave
// the head, series without samples leave the head and the index.
#include <gtest/gtest.h>

#include "test_util.h"
#include "vigil/base/metrics.h"
#include "vigil/tsdb/db.h"

namespace vigil::tsdb {
namespace {

using model::Labels;
using model::MatchType;
using testutil::M;

class RetentionTest : public ::testing::Test {
 protected:
  void Open(int64_t retention_ms, uint64_t retention_bytes) {
    db_.reset();
    registry_ = std::make_unique<metrics::Registry>();
    Options o;
    o.max_samples_per_chunk = 8;
    o.chunk_range_ms = 10'000;
    o.background = false;
    o.registry = registry_.get();
    o.retention_time_ms = retention_ms;
    o.retention_size_bytes = retention_bytes;
    Result<std::unique_ptr<DB>> db = DB::Open(dir_.path(), o);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  // Series `name`, one sample a second in [from, to).
  void Fill(const std::string& name, TimestampMs from, TimestampMs to) {
    auto app = db_->NewAppender();
    for (TimestampMs t = from; t < to; t += 1000) {
      ASSERT_TRUE(app->Append(0, Labels::FromStrings({"__name__", name}), t, 1).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  TimestampMs FirstTime(const std::string& name) {
    auto all = testutil::ReadAll(*db_, kMinTime, kMaxTime, {M(MatchType::kEqual, "__name__", name)});
    return all.empty() ? -1 : all.begin()->second.front().t;
  }
  double Metric(const std::string& name) {
    std::string text = registry_->Render();
    size_t pos = text.find("\n" + name + " ");
    if (pos == std::string::npos) return -1;
    return std::stod(text.substr(pos + name.size() + 2));
  }
  static constexpr TimestampMs kMinTime = std::numeric_limits<int64_t>::min();
  static constexpr TimestampMs kMaxTime = std::numeric_limits<int64_t>::max();

  std::unique_ptr<metrics::Registry> registry_;
  testutil::TempDir dir_;
  std::unique_ptr<DB> db_;
};

TEST_F(RetentionTest, TimeRetentionDropsWholeBuckets) {
  Open(25'000, 0);
  Fill("a", 0, 60'000);
  ASSERT_TRUE(db_->ApplyRetention().ok());
  // Newest 59 s, cutoff 34 s: buckets [0,10), [10,20), [20,30) s go; the
  // bucket holding the cutoff stays whole.
  EXPECT_EQ(FirstTime("a"), 30'000);
  EXPECT_EQ(Metric("vigil_tsdb_retention_buckets_deleted_total"), 3);
  EXPECT_EQ(Metric("vigil_tsdb_lowest_timestamp_seconds"), 30);
  // Older samples are out of bounds now, even for a new series.
  auto app = db_->NewAppender();
  EXPECT_TRUE(IsOutOfOrder(app->Append(0, Labels::FromStrings({"__name__", "b"}), 29'999, 1).status()));
  EXPECT_TRUE(app->Append(0, Labels::FromStrings({"__name__", "b"}), 30'000, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  app.reset();
  // Nothing more to drop: a second pass is a no-op.
  ASSERT_TRUE(db_->ApplyRetention().ok());
  EXPECT_EQ(Metric("vigil_tsdb_retention_buckets_deleted_total"), 3);
  // The floor survives a restart.
  Open(25'000, 0);
  EXPECT_EQ(FirstTime("a"), 30'000);
  app = db_->NewAppender();
  EXPECT_TRUE(IsOutOfOrder(app->Append(0, Labels::FromStrings({"__name__", "c"}), 100, 1).status()));
}

TEST_F(RetentionTest, SeriesWithoutSamplesLeaveTheHeadAndTheIndex) {
  Open(25'000, 0);
  Fill("old", 0, 15'000);
  Fill("new", 0, 60'000);
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_EQ(db_->Stats().head_series, 2u);
  ASSERT_TRUE(db_->ApplyRetention().ok());
  EXPECT_EQ(db_->Stats().head_series, 1u);
  auto q = db_->NewQuerier(kMinTime, kMaxTime);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*(*q)->LabelValues("__name__", {}), (std::vector<std::string>{"new"}));
  q->reset();
  EXPECT_EQ(FirstTime("old"), -1);
  // Gone from RocksDB too: a restart does not bring it back.
  Open(25'000, 0);
  EXPECT_EQ(db_->Stats().head_series, 1u);
  // The same labels make a new series.
  Fill("old", 55'000, 56'000);
  EXPECT_EQ(FirstTime("old"), 55'000);
}

TEST_F(RetentionTest, AnOpenBatchKeepsItsSeries) {
  Open(25'000, 0);
  Fill("held", 0, 5'000);
  Fill("new", 0, 60'000);
  auto app = db_->NewAppender();
  Labels held = Labels::FromStrings({"__name__", "held"});
  ASSERT_TRUE(app->Append(0, held, 58'000, 7).ok());
  ASSERT_TRUE(db_->ApplyRetention().ok());  // "held" has no sample left, but a batch
  EXPECT_EQ(db_->Stats().head_series, 2u);
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(FirstTime("held"), 58'000);
}

TEST_F(RetentionTest, AQuerierKeepsRemovedSeriesReadable) {
  Open(25'000, 0);
  Fill("old", 0, 5'000);
  Fill("new", 0, 60'000);
  auto q = db_->NewQuerier(kMinTime, kMaxTime);
  ASSERT_TRUE(q.ok());
  auto set = (*q)->Select(true, nullptr, {M(MatchType::kEqual, "__name__", "old")});
  ASSERT_TRUE(db_->ApplyRetention().ok());
  EXPECT_EQ(db_->Stats().head_series, 1u);
  ASSERT_TRUE(set->Next());  // its snapshot still reads (ASan checks the memory)
  EXPECT_EQ(set->At().labels().ToString(), "old");
  auto it = set->At().Iterator();
  EXPECT_TRUE(it->Next());
}

TEST_F(RetentionTest, SizeRetentionDropsOldestBuckets) {
  Open(0, 0);
  Fill("a", 0, 60'000);
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->ApplyRetention().ok());  // no limits: nothing happens
  EXPECT_EQ(FirstTime("a"), 0);
  Open(0, 1);  // a limit nothing fits in: every bucket but the newest goes
  ASSERT_TRUE(db_->ApplyRetention().ok());
  EXPECT_EQ(Metric("vigil_tsdb_retention_buckets_deleted_total"), 5);
  EXPECT_EQ(FirstTime("a"), 50'000);
  Fill("a", 60'000, 61'000);
  EXPECT_EQ(FirstTime("a"), 50'000);
}

}  // namespace
}  // namespace vigil::tsdb
