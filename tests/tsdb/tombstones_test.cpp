// Deletion through tombstones (the admin API's delete_series and
// clean_tombstones): intervals, queries on head and persisted chunks,
// restarts, and the clean that rewrites the chunks.
#include "tombstones.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "db_impl.h"
#include "test_util.h"
#include "vigil/tsdb/db.h"
#include "vigil/tsdb/tools.h"

namespace vigil::tsdb {
namespace {

using model::Labels;
using model::MatchType;
using testutil::M;
using testutil::P;
using testutil::Point;

TEST(IntervalsTest, AddMergesOverlappingAndTouchingRanges) {
  Intervals iv;
  AddInterval(&iv, {10, 20});
  AddInterval(&iv, {40, 50});
  AddInterval(&iv, {0, 5});
  EXPECT_EQ(iv, (Intervals{{0, 5}, {10, 20}, {40, 50}}));
  AddInterval(&iv, {21, 30});  // touches [10, 20]
  EXPECT_EQ(iv, (Intervals{{0, 5}, {10, 30}, {40, 50}}));
  AddInterval(&iv, {3, 45});
  EXPECT_EQ(iv, (Intervals{{0, 50}}));
  AddInterval(&iv, {kMinTime, kMinTime});
  AddInterval(&iv, {kMaxTime, kMaxTime});
  EXPECT_EQ(iv, (Intervals{{kMinTime, kMinTime}, {0, 50}, {kMaxTime, kMaxTime}}));
}

TEST(IntervalsTest, ContainCoverOverlap) {
  Intervals iv{{10, 20}, {30, 40}};
  EXPECT_TRUE(IntervalsContain(iv, 10));
  EXPECT_TRUE(IntervalsContain(iv, 40));
  EXPECT_FALSE(IntervalsContain(iv, 25));
  EXPECT_FALSE(IntervalsContain(iv, 41));
  EXPECT_TRUE(IntervalsCover(iv, 11, 20));
  EXPECT_FALSE(IntervalsCover(iv, 15, 35));
  EXPECT_TRUE(IntervalsOverlap(iv, 15, 35));
  EXPECT_TRUE(IntervalsOverlap(iv, 0, 10));
  EXPECT_FALSE(IntervalsOverlap(iv, 21, 29));
  EXPECT_FALSE(IntervalsCover({}, 0, 0));
}

TEST(IntervalsTest, EncodingRoundTripsAndRejectsGarbage) {
  Intervals iv{{kMinTime, -5}, {7, 7}, {100, kMaxTime}};
  Result<Intervals> back = DecodeIntervals(EncodeIntervals(iv));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, iv);
  EXPECT_FALSE(DecodeIntervals("").ok());
  EXPECT_FALSE(DecodeIntervals(EncodeIntervals(iv) + "x").ok());
  EXPECT_FALSE(DecodeIntervals(EncodeIntervals(iv).substr(0, 4)).ok());
}

class TombstonesTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    db_.reset();
    Options o;
    o.max_samples_per_chunk = 8;
    o.chunk_range_ms = 10'000;
    o.background = false;
    Result<std::unique_ptr<DB>> db = DB::Open(dir_.path(), o);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  // Series `name`, sample value t/1000 every second in [from, to).
  void Fill(const std::string& name, TimestampMs from, TimestampMs to) {
    auto app = db_->NewAppender();
    for (TimestampMs t = from; t < to; t += 1000) {
      ASSERT_TRUE(app->Append(0, Labels::FromStrings({"__name__", name}), t, t / 1000).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  static std::vector<Point> Range(TimestampMs from, TimestampMs to) {
    std::vector<Point> out;
    for (TimestampMs t = from; t < to; t += 1000)
      out.push_back(P(t, static_cast<double>(t / 1000)));
    return out;
  }
  std::vector<Point> Read(const std::string& name) {
    auto all =
        testutil::ReadAll(*db_, kMinTime, kMaxTime, {M(MatchType::kEqual, "__name__", name)});
    return all.empty() ? std::vector<Point>() : all.begin()->second;
  }
  void Delete(const std::string& name, TimestampMs mint, TimestampMs maxt) {
    Status s = db_->DeleteSeries({M(MatchType::kEqual, "__name__", name)}, mint, maxt);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::vector<std::string> Names(TimestampMs mint = kMinTime, TimestampMs maxt = kMaxTime) {
    auto q = db_->NewQuerier(mint, maxt);
    EXPECT_TRUE(q.ok());
    auto values = (*q)->LabelValues("__name__", {});
    EXPECT_TRUE(values.ok());
    return *values;
  }
  size_t StoredTombstones() {
    size_t n = 0;
    auto* impl = dynamic_cast<DBImpl*>(db_.get());
    EXPECT_NE(impl, nullptr);
    Status s = impl->store()->LoadTombstones([&](SeriesRef, std::string_view) {
      ++n;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok());
    return n;
  }
  uint64_t StoredSamples() {
    auto report = Analyze(*db_, 1);
    EXPECT_TRUE(report.ok());
    return report->samples;
  }

  testutil::TempDir dir_;
  std::unique_ptr<DB> db_;
};

// 60 samples: [0, 40) s persisted (full chunks of 8 flushed), the rest in the head.
TEST_F(TombstonesTest, PartialDeleteHidesSamplesInHeadAndPersistedChunks) {
  Fill("a", 0, 40'000);
  ASSERT_TRUE(db_->Flush().ok());
  Fill("a", 40'000, 60'000);
  Fill("b", 0, 60'000);
  Delete("a", 5'000, 44'000);
  std::vector<Point> want = Range(0, 5'000);
  for (const Point& p : Range(45'000, 60'000)) want.push_back(p);
  EXPECT_EQ(Read("a"), want);
  EXPECT_EQ(Read("b"), Range(0, 60'000));
  // Seek lands after a deleted range.
  auto q = db_->NewQuerier(kMinTime, kMaxTime);
  auto set = (*q)->Select(true, nullptr, {M(MatchType::kEqual, "__name__", "a")});
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  ASSERT_TRUE(it->Seek(10'000));
  EXPECT_EQ(it->AtT(), 45'000);
  // A query of the deleted range alone finds no series.
  EXPECT_TRUE(
      testutil::ReadAll(*db_, 6'000, 40'000, {M(MatchType::kEqual, "__name__", "a")}).empty());
  EXPECT_EQ(Names(6'000, 40'000), (std::vector<std::string>{"b"}));
}

TEST_F(TombstonesTest, FullyDeletedSeriesDisappearsAndLaterAppendsShow) {
  Fill("a", 0, 30'000);
  ASSERT_TRUE(db_->Flush().ok());
  Fill("a", 30'000, 35'000);
  Fill("b", 0, 35'000);
  Delete("a", kMinTime, kMaxTime);
  EXPECT_TRUE(Read("a").empty());
  EXPECT_EQ(Names(), (std::vector<std::string>{"b"}));
  auto q = db_->NewQuerier(kMinTime, kMaxTime);
  EXPECT_EQ(*(*q)->LabelNames({M(MatchType::kEqual, "__name__", "a")}), std::vector<std::string>{});
  q->reset();
  // The tombstone ends at the newest sample: what comes later is kept, and
  // older samples stay refused.
  auto app = db_->NewAppender();
  EXPECT_TRUE(
      IsOutOfOrder(app->Append(0, Labels::FromStrings({"__name__", "a"}), 1'000, 1).status()));
  app.reset();
  Fill("a", 35'000, 37'000);
  EXPECT_EQ(Read("a"), Range(35'000, 37'000));
  EXPECT_EQ(Names(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(TombstonesTest, TombstonesSurviveARestart) {
  Fill("a", 0, 40'000);
  ASSERT_TRUE(db_->Flush().ok());
  Fill("a", 40'000, 50'000);  // only in the WAL
  Delete("a", 20'000, 45'000);
  Delete("a", 0, 2'000);
  std::vector<Point> want = Range(3'000, 20'000);
  for (const Point& p : Range(46'000, 50'000)) want.push_back(p);
  EXPECT_EQ(Read("a"), want);
  Open();
  EXPECT_EQ(Read("a"), want);
  EXPECT_EQ(StoredTombstones(), 1u);
}

TEST_F(TombstonesTest, CleanRemovesSamplesSeriesAndTombstones) {
  Fill("a", 0, 40'000);
  Fill("gone", 0, 40'000);
  ASSERT_TRUE(db_->Flush().ok());
  Fill("a", 40'000, 60'000);
  Fill("gone", 40'000, 45'000);
  Fill("b", 0, 60'000);
  ASSERT_EQ(StoredSamples(), 165u);
  Delete("a", 5'000, 44'000);
  Delete("gone", kMinTime, kMaxTime);
  EXPECT_EQ(StoredSamples(), 165u);  // hidden, still stored
  EXPECT_EQ(db_->Stats().head_series, 3u);

  ASSERT_TRUE(db_->CleanTombstones().ok());
  std::vector<Point> want = Range(0, 5'000);
  for (const Point& p : Range(45'000, 60'000)) want.push_back(p);
  EXPECT_EQ(Read("a"), want);
  EXPECT_EQ(Read("b"), Range(0, 60'000));
  EXPECT_EQ(StoredSamples(), 20u + 60u);
  EXPECT_EQ(StoredTombstones(), 0u);
  EXPECT_EQ(db_->Stats().head_series, 2u);
  EXPECT_EQ(Names(), (std::vector<std::string>{"a", "b"}));
  // Appends go on after the clean.
  Fill("a", 60'000, 62'000);
  want.push_back(P(60'000, 60));
  want.push_back(P(61'000, 61));
  EXPECT_EQ(Read("a"), want);

  // Nothing comes back from the WAL or RocksDB after a restart.
  Open();
  EXPECT_EQ(Read("a"), want);
  EXPECT_TRUE(Read("gone").empty());
  EXPECT_EQ(db_->Stats().head_series, 2u);
  EXPECT_EQ(StoredSamples(), 22u + 60u);
  // A clean with nothing to do is a no-op.
  ASSERT_TRUE(db_->CleanTombstones().ok());
  EXPECT_EQ(Read("a"), want);
}

// A scrape cache holds refs only: once a clean removed the series, an append
// by its ref alone says so (IsUnknownRef), and one with its labels adds it
// again.
TEST_F(TombstonesTest, RefOfARemovedSeriesIsUnknown) {
  const Labels gone = Labels::FromStrings({"__name__", "gone"});
  auto app = db_->NewAppender();
  Result<SeriesRef> ref = app->Append(0, gone, 1000, 1);
  ASSERT_TRUE(ref.ok());
  ASSERT_TRUE(app->Commit().ok());
  Delete("gone", kMinTime, kMaxTime);
  ASSERT_TRUE(db_->CleanTombstones().ok());
  ASSERT_EQ(db_->Stats().head_series, 0u);

  app = db_->NewAppender();
  Result<SeriesRef> by_ref = app->Append(*ref, Labels(), 2000, 2);
  ASSERT_FALSE(by_ref.ok());
  EXPECT_TRUE(IsUnknownRef(by_ref.status())) << by_ref.status().ToString();
  EXPECT_FALSE(IsUnknownRef(app->Append(0, Labels(), 2000, 2).status()));
  ASSERT_TRUE(app->Append(*ref, gone, 2000, 2).ok());
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(Read("gone"), (std::vector<Point>{P(2000, 2)}));
}

// Deletes and cleans while another thread appends: what is left of `a` is
// always a run of its newest samples (a deletion takes a prefix), without
// holes, and `b` loses nothing.
TEST_F(TombstonesTest, DeleteAndCleanWhileAppending) {
  constexpr TimestampMs kLast = 3'000 * 1000;
  std::atomic<bool> failed{false};
  std::atomic<TimestampMs> written{-1};
  std::thread writer([&] {
    for (TimestampMs t = 0; t <= kLast; t += 1000) {
      // Paced, so the deletions below run while it appends.
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      auto app = db_->NewAppender();
      for (const char* name : {"a", "b"}) {
        if (!app->Append(0, Labels::FromStrings({"__name__", name}), t, t / 1000).ok()) {
          failed = true;
        }
      }
      if (!app->Commit().ok()) failed = true;
      written = t;
    }
  });
  for (int i = 0; i < 20; ++i) {
    while (written.load() < (i + 1) * 100 * 1000) std::this_thread::yield();
    Delete("a", kMinTime, kMaxTime);
    ASSERT_TRUE(db_->Flush().ok());
    ASSERT_TRUE(db_->CleanTombstones().ok());
  }
  writer.join();
  EXPECT_FALSE(failed);
  EXPECT_EQ(Read("b"), Range(0, kLast + 1000));
  std::vector<Point> a = Read("a");
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, Range(a.front().t, kLast + 1000));
  EXPECT_EQ(StoredTombstones(), 0u);
}

TEST_F(TombstonesTest, DeleteOfNothingWritesNoTombstone) {
  Fill("a", 10'000, 20'000);
  Delete("a", 30'000, 40'000);  // after its newest sample
  Delete("a", 0, 5'000);        // before its oldest chunk
  Delete("nosuch", kMinTime, kMaxTime);
  Delete("a", 15'000, 12'000);  // start after end
  EXPECT_EQ(StoredTombstones(), 0u);
  EXPECT_EQ(Read("a"), Range(10'000, 20'000));
}

}  // namespace
}  // namespace vigil::tsdb
