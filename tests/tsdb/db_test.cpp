#include <atomic>
#include <limits>
#include <thread>
#include <gtest/gtest.h>

#include "test_util.h"
#include "vigil/model/value.h"
#include "vigil/tsdb/db.h"

namespace vigil::tsdb {
namespace {

using model::Labels;
using model::MatchType;
using testutil::M;
using testutil::P;
using testutil::Point;

Options TestOptions() {
  Options o;
  o.max_samples_per_chunk = 8;
  o.chunk_range_ms = 10'000;
  o.background = false;
  return o;
}

class DBTest : public ::testing::Test {
 protected:
  void Open() {
    db_.reset();
    Result<std::unique_ptr<DB>> db = DB::Open(dir_.path(), TestOptions());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  void SetUp() override { Open(); }

  // Three series, samples every 100 ms in [0, 5000).
  void Fill() {
    auto app = db_->NewAppender();
    std::vector<SeriesRef> refs(3, 0);
    for (TimestampMs t = 0; t < 5000; t += 100) {
      for (int i = 0; i < 3; ++i) {
        Labels l = Labels::FromStrings({"__name__", i < 2 ? "up" : "other", "job",
                                        i == 0 ? "api" : "db", "i", std::to_string(i)});
        Result<SeriesRef> r = app->Append(refs[i], l, t, static_cast<double>(t + i));
        ASSERT_TRUE(r.ok());
        refs[i] = *r;
      }
      if (t % 1000 == 900) {
        ASSERT_TRUE(app->Commit().ok());
      }
    }
    ASSERT_TRUE(app->Commit().ok());
  }

  testutil::TempDir dir_;
  std::unique_ptr<DB> db_;
};

TEST_F(DBTest, SelectReturnsSortedSeriesWithSamplesInRange) {
  Fill();
  auto all = testutil::ReadAll(*db_, 1000, 1999, {M(MatchType::kEqual, "__name__", "up")});
  ASSERT_EQ(all.size(), 2u);
  auto it = all.begin();
  EXPECT_EQ(it->first, R"(up{i="0", job="api"})");
  ASSERT_EQ(it->second.size(), 10u);
  EXPECT_EQ(it->second.front(), P(1000, 1000));
  EXPECT_EQ(it->second.back(), P(1900, 1900));
  ++it;
  EXPECT_EQ(it->first, R"(up{i="1", job="db"})");
  EXPECT_EQ(it->second.front(), P(1000, 1001));

  auto regex = testutil::ReadAll(*db_, 0, 10'000, {M(MatchType::kRegexMatch, "job", "api|db")});
  EXPECT_EQ(regex.size(), 3u);
  auto none = testutil::ReadAll(*db_, 6000, 7000, {M(MatchType::kRegexMatch, "job", "api|db")});
  EXPECT_TRUE(none.empty());
}

TEST_F(DBTest, IteratorSeek) {
  Fill();
  auto q = db_->NewQuerier(500, 4000);
  ASSERT_TRUE(q.ok());
  auto set = (*q)->Select(true, nullptr, {M(MatchType::kEqual, "i", "0")});
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  ASSERT_TRUE(it->Seek(0));  // clamps to mint
  EXPECT_EQ(it->AtT(), 500);
  ASSERT_TRUE(it->Seek(2050));
  EXPECT_EQ(it->AtT(), 2100);
  ASSERT_TRUE(it->Seek(100));  // never backwards
  EXPECT_EQ(it->AtT(), 2100);
  ASSERT_TRUE(it->Next());
  EXPECT_EQ(it->AtT(), 2200);
  ASSERT_TRUE(it->Seek(4000));
  EXPECT_EQ(it->AtT(), 4000);
  EXPECT_FALSE(it->Next());
  EXPECT_FALSE(it->Seek(4001));
  EXPECT_FALSE(set->Next());
}

TEST_F(DBTest, LabelNamesAndValues) {
  Fill();
  auto q = db_->NewQuerier(0, 10'000);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*(*q)->LabelNames({}), (std::vector<std::string>{"__name__", "i", "job"}));
  EXPECT_EQ(*(*q)->LabelValues("job", {}), (std::vector<std::string>{"api", "db"}));
  EXPECT_EQ(*(*q)->LabelValues("job", {M(MatchType::kEqual, "__name__", "other")}),
            (std::vector<std::string>{"db"}));
  EXPECT_EQ(*(*q)->LabelValues("i", {M(MatchType::kRegexMatch, "job", "ap.*")}),
            (std::vector<std::string>{"0"}));
}

TEST_F(DBTest, BitExactValuesSurviveRestart) {
  auto app = db_->NewAppender();
  Labels l = Labels::FromStrings({"__name__", "x"});
  std::vector<double> values = {0.0, -0.0, std::numeric_limits<double>::infinity(),
                                -std::numeric_limits<double>::infinity(), model::StaleNaN(),
                                std::bit_cast<double>(0x7ff8dead0000beefULL), 1e308};
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_TRUE(app->Append(0, l, static_cast<TimestampMs>(i), values[i]).ok());
  }
  ASSERT_TRUE(app->Commit().ok());
  app.reset();
  Open();
  auto all = testutil::ReadAll(*db_, 0, 100);
  ASSERT_EQ(all.size(), 1u);
  std::vector<Point> want;
  for (size_t i = 0; i < values.size(); ++i) want.push_back(P(static_cast<TimestampMs>(i), values[i]));
  EXPECT_EQ(all.begin()->second, want);
}

TEST_F(DBTest, RestartReplaysWalAndKeepsOrderingRules) {
  Fill();
  auto before = testutil::ReadAll(*db_, 0, 10'000);
  Open();
  EXPECT_EQ(testutil::ReadAll(*db_, 0, 10'000), before);
  auto app = db_->NewAppender();
  Result<SeriesRef> r =
      app->Append(0, Labels::FromStrings({"__name__", "up", "i", "0", "job", "api"}), 100, 1);
  EXPECT_TRUE(IsOutOfOrder(r.status()));
}

TEST_F(DBTest, CheckpointBoundsReplayAndKeepsData) {
  Fill();
  ASSERT_TRUE(db_->Checkpoint().ok());
  // More data after the checkpoint, then a second checkpoint and more again.
  auto app = db_->NewAppender();
  Labels l = Labels::FromStrings({"__name__", "late"});
  ASSERT_TRUE(app->Append(0, l, 6000, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_TRUE(db_->Checkpoint().ok());
  ASSERT_TRUE(app->Append(0, l, 7000, 2).ok());
  ASSERT_TRUE(app->Commit().ok());
  app.reset();
  auto before = testutil::ReadAll(*db_, 0, 10'000);
  Open();
  EXPECT_EQ(testutil::ReadAll(*db_, 0, 10'000), before);
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path() + "/wal")) {
    (void)e;
    ++files;
  }
  EXPECT_LE(files, 3u);  // one checkpoint, the segment after it, the new one
}

TEST_F(DBTest, CommitIsAtomicForReaders) {
  // A reader never sees half a batch: both series always have as many samples.
  std::atomic<bool> done{false};
  std::thread writer([&] {
    auto app = db_->NewAppender();
    Labels a = Labels::FromStrings({"__name__", "a"});
    Labels b = Labels::FromStrings({"__name__", "b"});
    for (TimestampMs t = 1; t <= 300; ++t) {
      ASSERT_TRUE(app->Append(0, a, t, 1).ok());
      ASSERT_TRUE(app->Append(0, b, t, 1).ok());
      ASSERT_TRUE(app->Commit().ok());
    }
    done = true;
  });
  while (!done) {
    auto all = testutil::ReadAll(*db_, 0, 1000);
    if (all.size() == 2) {
      EXPECT_EQ(all["a"].size(), all["b"].size());
    }
  }
  writer.join();
}

}  // namespace
}  // namespace vigil::tsdb
