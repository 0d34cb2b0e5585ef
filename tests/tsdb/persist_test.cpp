// Persistence in RocksDB: the flusher, the merged read path, restarts.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <limits>
#include <thread>

#include "test_util.h"
#include "vigil/base/metrics.h"
#include "vigil/tsdb/db.h"

namespace vigil::tsdb {
namespace {

using model::Labels;
using model::MatchType;
using testutil::M;
using testutil::P;
using testutil::Point;

class PersistTest : public ::testing::Test {
 protected:
  Options Opts() {
    Options o;
    o.max_samples_per_chunk = 8;
    o.chunk_range_ms = 10'000;
    o.background = false;
    o.registry = registry_.get();
    return o;
  }
  void Open() {
    db_.reset();
    registry_ = std::make_unique<metrics::Registry>();
    Result<std::unique_ptr<DB>> db = DB::Open(dir_.path(), Opts());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  void SetUp() override { Open(); }

  // `n` series "s{i}", one sample every 100 ms in [from, to).
  void Fill(int n, TimestampMs from, TimestampMs to) {
    auto app = db_->NewAppender();
    for (TimestampMs t = from; t < to; t += 100) {
      for (int i = 0; i < n; ++i) {
        Labels l = Labels::FromStrings({"__name__", "s", "i", std::to_string(i)});
        ASSERT_TRUE(app->Append(0, l, t, static_cast<double>(t * 10 + i)).ok());
      }
      ASSERT_TRUE(app->Commit().ok());
    }
  }
  double Metric(const std::string& name) {
    std::string text = registry_->Render();
    size_t pos = text.find("\n" + name + " ");
    if (pos == std::string::npos) return -1;
    return std::stod(text.substr(pos + name.size() + 2));
  }

  std::unique_ptr<metrics::Registry> registry_;
  testutil::TempDir dir_;
  std::unique_ptr<DB> db_;
};

TEST_F(PersistTest, FlushMovesFullChunksOutOfTheHeadAndReadsMerge) {
  Fill(3, 0, 5000);
  auto before = testutil::ReadAll(*db_, 0, 10'000);
  ASSERT_EQ(before.size(), 3u);
  ASSERT_EQ(before.begin()->second.size(), 50u);
  double head_chunks = Metric("vigil_tsdb_head_chunks");
  ASSERT_TRUE(db_->Flush().ok());
  // 50 samples per series in chunks of 8: 6 full chunks each went to RocksDB.
  EXPECT_EQ(Metric("vigil_tsdb_chunks_persisted_total"), 18);
  EXPECT_EQ(Metric("vigil_tsdb_head_chunks"), head_chunks - 18);
  EXPECT_GT(db_->Stats().storage_bytes, 0u);
  EXPECT_EQ(testutil::ReadAll(*db_, 0, 10'000), before);
  // A range that starts inside a persisted chunk and ends in the head.
  auto part = testutil::ReadAll(*db_, 450, 4850, {M(MatchType::kEqual, "i", "1")});
  ASSERT_EQ(part.size(), 1u);
  EXPECT_EQ(part.begin()->second.front(), P(500, 5001));
  EXPECT_EQ(part.begin()->second.back(), P(4800, 48001));
  EXPECT_EQ(part.begin()->second.size(), 44u);
  // A second flush with nothing new writes nothing.
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_EQ(Metric("vigil_tsdb_chunks_persisted_total"), 18);
}

TEST_F(PersistTest, SeekAcrossTheWatermark) {
  Fill(1, 0, 2000);
  ASSERT_TRUE(db_->Flush().ok());  // samples up to 1500 persisted, 1600.. in the head
  auto q = db_->NewQuerier(0, 10'000);
  ASSERT_TRUE(q.ok());
  auto set = (*q)->Select(true, nullptr, {});
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  ASSERT_TRUE(it->Seek(1450));
  EXPECT_EQ(it->AtT(), 1500);
  ASSERT_TRUE(it->Next());
  EXPECT_EQ(it->AtT(), 1600);
  ASSERT_TRUE(it->Seek(1900));
  EXPECT_EQ(it->AtT(), 1900);
  EXPECT_FALSE(it->Next());
}

TEST_F(PersistTest, RestartLoadsSeriesFromRocksDBAndReplaysOnlyAboveTheWatermark) {
  Fill(4, 0, 3000);
  ASSERT_TRUE(db_->Flush().ok());
  Fill(4, 3000, 4000);  // in the WAL, partly in new closed chunks
  auto before = testutil::ReadAll(*db_, 0, 10'000);
  Open();  // no checkpoint: the WAL still holds the flushed samples too
  EXPECT_EQ(testutil::ReadAll(*db_, 0, 10'000), before);
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Checkpoint().ok());
  Open();
  EXPECT_EQ(testutil::ReadAll(*db_, 0, 10'000), before);
  EXPECT_EQ(db_->Stats().head_series, 4u);
  // Ordering rules hold across the restart, and new samples append.
  auto app = db_->NewAppender();
  Labels l = Labels::FromStrings({"__name__", "s", "i", "0"});
  EXPECT_TRUE(IsOutOfOrder(app->Append(0, l, 500, 1).status()));
  ASSERT_TRUE(app->Append(0, l, 4000, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(testutil::ReadAll(*db_, 0, 10'000)[R"(s{i="0"})"].size(), 41u);
}

TEST_F(PersistTest, CheckpointAfterFlushNoLongerCarriesPersistedChunks) {
  Fill(20, 0, 5000);
  ASSERT_TRUE(db_->Checkpoint().ok());
  uint64_t full = db_->Stats().wal_bytes;
  Fill(20, 5000, 5100);
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Checkpoint().ok());
  EXPECT_LT(db_->Stats().wal_bytes * 3, full);
}

// Regression: the RocksDB iterator was taken when the querier was opened, so
// chunks flushed between NewQuerier and Select were in neither place.
TEST_F(PersistTest, AFlushBetweenNewQuerierAndSelectLosesNothing) {
  Fill(2, 0, 3000);
  auto q = db_->NewQuerier(0, 10'000);
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(db_->Flush().ok());
  auto set = (*q)->Select(true, nullptr, {M(MatchType::kEqual, "i", "0")});
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  size_t n = 0;
  while (it->Next()) ++n;
  EXPECT_EQ(n, 30u);
  // And a second Select of the same querier after another flush.
  Fill(2, 3000, 4000);
  ASSERT_TRUE(db_->Flush().ok());
  set = (*q)->Select(true, nullptr, {M(MatchType::kEqual, "i", "1")});
  ASSERT_TRUE(set->Next());
  it = set->At().Iterator();
  n = 0;
  while (it->Next()) ++n;
  EXPECT_EQ(n, 40u);
}

TEST_F(PersistTest, LabelNamesAndValuesOnlySeeSeriesInRange) {
  auto app = db_->NewAppender();
  ASSERT_TRUE(app->Append(0, Labels::FromStrings({"__name__", "early", "a", "1"}), 1000, 1).ok());
  ASSERT_TRUE(app->Append(0, Labels::FromStrings({"__name__", "late", "b", "2"}), 9000, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  auto q = db_->NewQuerier(5000, 10'000);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*(*q)->LabelNames({}), (std::vector<std::string>{"__name__", "b"}));
  EXPECT_EQ(*(*q)->LabelValues("__name__", {}), (std::vector<std::string>{"late"}));
  EXPECT_EQ(*(*q)->LabelValues("__name__", {M(MatchType::kRegexMatch, "__name__", ".+")}),
            (std::vector<std::string>{"late"}));
  auto all = db_->NewQuerier(std::numeric_limits<int64_t>::min(),
                             std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*(*all)->LabelValues("__name__", {}), (std::vector<std::string>{"early", "late"}));
}

TEST_F(PersistTest, IdleSeriesOpenChunksAreSealedAndFlushed) {
  auto app = db_->NewAppender();
  Labels idle = Labels::FromStrings({"__name__", "idle"});
  Labels busy = Labels::FromStrings({"__name__", "busy"});
  ASSERT_TRUE(app->Append(0, idle, 1000, 5).ok());
  ASSERT_TRUE(app->Append(0, idle, 2000, 6).ok());
  ASSERT_TRUE(app->Commit().ok());
  for (TimestampMs t = 0; t < 30'000; t += 1000) {
    ASSERT_TRUE(app->Append(0, busy, t, 1).ok());
    ASSERT_TRUE(app->Commit().ok());
  }
  app.reset();
  auto before = testutil::ReadAll(*db_, 0, 100'000);
  ASSERT_TRUE(db_->Flush().ok());
  // idle's only chunk (bucket [0, 10 s)) went to RocksDB with busy's 5 full
  // ones; busy's open chunk (bucket [20, 30 s)) stays.
  EXPECT_EQ(Metric("vigil_tsdb_chunks_persisted_total"), 6);
  EXPECT_EQ(testutil::ReadAll(*db_, 0, 100'000), before);
  ASSERT_TRUE(db_->Checkpoint().ok());
  Open();
  EXPECT_EQ(testutil::ReadAll(*db_, 0, 100'000), before);
  // Label matchers find the series that only RocksDB holds samples of (the
  // head's index is rebuilt from the persisted series on open).
  auto found = testutil::ReadAll(*db_, 0, 100'000, {M(MatchType::kRegexMatch, "__name__", "id.*")});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found.begin()->second, before["idle"]);
  // The watermark kept the newest value: the same sample again is ignored,
  // another value at its timestamp is a duplicate.
  app = db_->NewAppender();
  EXPECT_TRUE(app->Append(0, idle, 2000, 6).ok());
  EXPECT_TRUE(IsDuplicate(app->Append(0, idle, 2000, 7).status()));
  ASSERT_TRUE(app->Commit().ok());
}

TEST_F(PersistTest, SelectHintsNarrowTheRange) {
  Fill(2, 0, 3000);
  ASSERT_TRUE(db_->Flush().ok());
  auto q = db_->NewQuerier(0, 10'000);
  ASSERT_TRUE(q.ok());
  SelectHints hints{1000, 1200};
  auto set = (*q)->Select(true, &hints, {M(MatchType::kEqual, "i", "0")});
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  std::vector<TimestampMs> ts;
  while (it->Next()) ts.push_back(it->AtT());
  EXPECT_EQ(ts, (std::vector<TimestampMs>{1000, 1100, 1200}));
  SelectHints outside{20'000, 30'000};
  EXPECT_FALSE((*q)->Select(true, &outside, {})->Next());
}

TEST_F(PersistTest, ConcurrentFlushesNeverDuplicateOrLoseSamples) {
  std::atomic<bool> done{false};
  std::thread writer([&] {
    auto app = db_->NewAppender();
    Labels l = Labels::FromStrings({"__name__", "w"});
    for (TimestampMs t = 1; t <= 2000; ++t) {
      ASSERT_TRUE(app->Append(0, l, t, static_cast<double>(t)).ok());
      ASSERT_TRUE(app->Commit().ok());
    }
    done = true;
  });
  size_t last = 0;
  while (!done) {
    ASSERT_TRUE(db_->Flush().ok());
    auto all = testutil::ReadAll(*db_, 0, 10'000);
    if (all.empty()) continue;
    const std::vector<Point>& pts = all.begin()->second;
    // Every committed prefix, each sample once.
    for (size_t i = 0; i < pts.size(); ++i) ASSERT_EQ(pts[i].t, static_cast<TimestampMs>(i + 1));
    EXPECT_GE(pts.size(), last);
    last = pts.size();
  }
  writer.join();
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_EQ(testutil::ReadAll(*db_, 0, 10'000).begin()->second.size(), 2000u);
}

TEST_F(PersistTest, BackgroundThreadFlushes) {
  db_.reset();
  registry_ = std::make_unique<metrics::Registry>();
  Options o = Opts();
  o.background = true;
  o.flush_interval_ms = 1;
  Result<std::unique_ptr<DB>> db = DB::Open(dir_.path(), o);
  ASSERT_TRUE(db.ok());
  db_ = std::move(*db);
  Fill(1, 0, 2000);
  // Bounded: the flusher ticks every millisecond; poll its counter for at
  // most 20 s.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (Metric("vigil_tsdb_chunks_persisted_total") < 2 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  db_.reset();  // joins the flusher
  EXPECT_GE(Metric("vigil_tsdb_chunks_persisted_total"), 2);
}

TEST_F(PersistTest, RocksDBStatsAreSelfMetrics) {
  Fill(3, 0, 20'000);
  ASSERT_TRUE(db_->Flush().ok());
  // The flushed chunks sit in a memtable (RocksDB's WAL is off) ...
  EXPECT_GT(Metric("vigil_tsdb_rocksdb_memtable_bytes"), 0);
  EXPECT_GE(Metric("vigil_tsdb_rocksdb_block_cache_usage_bytes"), 0);
  EXPECT_GE(Metric("vigil_tsdb_rocksdb_pending_compaction_bytes"), 0);
  double sst_before = Metric("vigil_tsdb_rocksdb_sst_bytes");  // meta written at open
  EXPECT_GE(sst_before, 0);
  // ... until a checkpoint makes them durable as SST files.
  ASSERT_TRUE(db_->Checkpoint().ok());
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_GT(Metric("vigil_tsdb_rocksdb_sst_bytes"), sst_before + 100);
  EXPECT_GE(Metric("vigil_tsdb_rocksdb_compactions_total"), 0);
  EXPECT_GE(Metric("vigil_tsdb_rocksdb_compaction_seconds_total"), 0);
  EXPECT_EQ(Metric("vigil_tsdb_rocksdb_write_stall_seconds_total"), 0);
}

}  // namespace
}  // namespace vigil::tsdb
