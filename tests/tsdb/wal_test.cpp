#include "wal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "encoding.h"
#include "test_util.h"
#include "vigil/tsdb/db.h"

namespace vigil::tsdb {
namespace {

using model::Labels;
namespace fs = std::filesystem;

Options TestOptions(metrics::Registry* registry) {
  Options o;
  o.background = false;
  o.registry = registry;
  return o;
}

// Commits `batches` batches of one sample per series for 5 series; batch b
// has time b*1000.
void Ingest(DB& db, int batches) {
  auto app = db.NewAppender();
  for (int b = 0; b < batches; ++b) {
    for (int i = 0; i < 5; ++i) {
      Labels l = Labels::FromStrings({"__name__", "m", "i", std::to_string(i)});
      ASSERT_TRUE(app->Append(0, l, b * 1000, b).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
  }
}

// The only WAL segment with data.
std::string DataSegment(const std::string& dir) {
  std::string best;
  uintmax_t size = 0;
  for (const auto& e : fs::directory_iterator(dir + "/wal")) {
    if (e.file_size() > size) {
      size = e.file_size();
      best = e.path().string();
    }
  }
  return best;
}

// Each series must hold samples 0..n-1 (times b*1000), nothing else.
void ExpectPrefix(DB& db, int n) {
  auto all = testutil::ReadAll(db, 0, 1'000'000);
  if (n == 0) {
    EXPECT_TRUE(all.empty());
    return;
  }
  ASSERT_EQ(all.size(), 5u);
  for (const auto& [labels, pts] : all) {
    ASSERT_EQ(pts.size(), static_cast<size_t>(n)) << labels;
    for (int b = 0; b < n; ++b) EXPECT_EQ(pts[b], testutil::P(b * 1000, b));
  }
}

TEST(WalTest, TruncatedTailKeepsEveryWholeBatch) {
  testutil::TempDir dir;
  {
    auto db = DB::Open(dir.path(), TestOptions(nullptr));
    ASSERT_TRUE(db.ok());
    Ingest(**db, 20);
  }
  std::string seg = DataSegment(dir.path());
  uintmax_t full = fs::file_size(seg);
  // Record sizes: find each record boundary by reading the framing.
  std::ifstream in(seg, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<size_t> ends;
  for (size_t pos = 0; pos < data.size();) {
    pos += kWalRecordHeader + GetFixed32LE(data.data() + pos);
    ends.push_back(pos);
  }
  ASSERT_EQ(ends.size(), 20u);
  ASSERT_EQ(ends.back(), full);
  std::mt19937 rng(3);
  std::vector<size_t> cuts = {0, 1, 7, 8, full - 1};
  for (int i = 0; i < 12; ++i) cuts.push_back(rng() % full);
  std::string backup = data;
  for (size_t cut : cuts) {
    testutil::TempDir copy;
    fs::copy(dir.path(), copy.path(), fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    std::string copy_seg = copy.path() + "/wal/" + fs::path(seg).filename().string();
    fs::resize_file(copy_seg, cut);
    metrics::Registry registry;
    auto db = DB::Open(copy.path(), TestOptions(&registry));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    int whole = static_cast<int>(std::upper_bound(ends.begin(), ends.end(), cut) - ends.begin());
    ExpectPrefix(**db, whole);
    bool torn = std::find(ends.begin(), ends.end(), cut) == ends.end() && cut != 0;
    EXPECT_EQ(registry.Render().find("vigil_tsdb_wal_corruptions_total 1") != std::string::npos,
              torn)
        << "cut " << cut;
    // The DB keeps working after the repair, and the repair is stable.
    auto app = (*db)->NewAppender();
    ASSERT_TRUE(app->Append(0, Labels::FromStrings({"__name__", "after"}), 1, 1).ok());
    ASSERT_TRUE(app->Commit().ok());
  }
}

TEST(WalTest, FlippedByteDropsTheRestAndIsCounted) {
  testutil::TempDir dir;
  {
    auto db = DB::Open(dir.path(), TestOptions(nullptr));
    ASSERT_TRUE(db.ok());
    Ingest(**db, 20);
  }
  std::string seg = DataSegment(dir.path());
  std::ifstream in(seg, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<size_t> starts;
  for (size_t pos = 0; pos < data.size();) {
    starts.push_back(pos);
    pos += kWalRecordHeader + GetFixed32LE(data.data() + pos);
  }
  std::mt19937 rng(11);
  for (int round = 0; round < 10; ++round) {
    size_t offset = data.size() - 1 - rng() % (data.size() / 3);  // in the tail
    testutil::TempDir copy;
    fs::copy(dir.path(), copy.path(), fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    std::string copy_seg = copy.path() + "/wal/" + fs::path(seg).filename().string();
    std::string bad = data;
    bad[offset] = static_cast<char>(bad[offset] ^ (1 << (rng() % 8)));
    std::ofstream(copy_seg, std::ios::binary | std::ios::trunc) << bad;
    metrics::Registry registry;
    auto db = DB::Open(copy.path(), TestOptions(&registry));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    int damaged = static_cast<int>(std::upper_bound(starts.begin(), starts.end(), offset) -
                                   starts.begin()) - 1;
    ExpectPrefix(**db, damaged);
    EXPECT_NE(registry.Render().find("vigil_tsdb_wal_corruptions_total 1"), std::string::npos);
  }
}

TEST(WalTest, CorruptionInAnOlderSegmentDropsTheNewerOnes) {
  testutil::TempDir dir;
  Options o = TestOptions(nullptr);
  o.wal_segment_bytes = 200;  // a few records per segment
  {
    auto db = DB::Open(dir.path(), o);
    ASSERT_TRUE(db.ok());
    Ingest(**db, 20);
  }
  std::vector<std::string> segs;
  for (const auto& e : fs::directory_iterator(dir.path() + "/wal")) {
    if (e.file_size() > 0) segs.push_back(e.path().string());
  }
  std::sort(segs.begin(), segs.end());
  ASSERT_GE(segs.size(), 3u);
  fs::resize_file(segs[1], fs::file_size(segs[1]) - 3);
  auto db = DB::Open(dir.path(), o);
  ASSERT_TRUE(db.ok());
  auto all = testutil::ReadAll(**db, 0, 1'000'000);
  ASSERT_FALSE(all.empty());
  size_t n = all.begin()->second.size();
  EXPECT_LT(n, 20u);
  for (const auto& [labels, pts] : all) {
    EXPECT_LE(pts.size(), n);  // a prefix, no holes
    for (size_t b = 0; b < pts.size(); ++b) EXPECT_EQ(pts[b].t, static_cast<TimestampMs>(b * 1000));
  }
  // Newer segments are gone (the number is reused, empty, for new writes).
  EXPECT_TRUE(!fs::exists(segs[2]) || fs::file_size(segs[2]) == 0);
  if (segs.size() > 3) {
    EXPECT_FALSE(fs::exists(segs[3]));
  }
}

// Bytes in the WAL directory's files.
uintmax_t WalBytes(const std::string& wal_dir) {
  uintmax_t n = 0;
  for (const auto& e : fs::directory_iterator(wal_dir)) n += e.file_size();
  return n;
}

// fsyncs of the WAL so far (the fsync duration histogram's count).
uint64_t FsyncCount(const MetricsSet& m) { return m.wal_fsync.CumulativeCounts().back(); }

// One sample per commit; the segment being written.
struct WalFixture {
  explicit WalFixture(int64_t sync_interval_ms)
      : metrics(registry), head(HeadOptions{}, &metrics) {
    auto opened = Wal::Open(dir.path() + "/wal", WalOptions{true, 32 << 20, sync_interval_ms},
                            &metrics, &head);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (opened.ok()) wal = std::move(*opened);
  }
  void Commit(int b) {
    HeadAppender app(&head, wal.get());
    ASSERT_TRUE(app.Append(0, Labels::FromStrings({"__name__", "m"}), b * 1000, b).ok());
    ASSERT_TRUE(app.Commit().ok());
  }
  testutil::TempDir dir;
  metrics::Registry registry;
  MetricsSet metrics;
  Head head;
  std::unique_ptr<Wal> wal;
};

TEST(WalTest, CommitIsWrittenAtOnceAndSyncedLater) {
  WalFixture f(3'600'000);
  ASSERT_NE(f.wal, nullptr);
  const uint64_t before = FsyncCount(f.metrics);
  for (int b = 0; b < 20; ++b) {
    uintmax_t size = WalBytes(f.dir.path() + "/wal");
    f.Commit(b);
    // In the file (the page cache survives kill -9) when Commit returns.
    EXPECT_GT(WalBytes(f.dir.path() + "/wal"), size) << "commit " << b;
  }
  EXPECT_EQ(FsyncCount(f.metrics), before);  // no fsync per commit
  f.wal.reset();  // a clean close syncs what is left
  EXPECT_EQ(FsyncCount(f.metrics), before + 1);
}

TEST(WalTest, BackgroundSyncerSyncsWithinItsInterval) {
  WalFixture f(20);
  ASSERT_NE(f.wal, nullptr);
  const uint64_t before = FsyncCount(f.metrics);
  f.Commit(0);
  for (int i = 0; i < 500 && FsyncCount(f.metrics) == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GT(FsyncCount(f.metrics), before);
  // Nothing new written: the syncer does not fsync again.
  const uint64_t synced = FsyncCount(f.metrics);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(FsyncCount(f.metrics), synced);
}

TEST(WalTest, ZeroSyncIntervalSyncsEveryCommit) {
  WalFixture f(0);
  ASSERT_NE(f.wal, nullptr);
  const uint64_t before = FsyncCount(f.metrics);
  for (int b = 0; b < 5; ++b) f.Commit(b);
  EXPECT_EQ(FsyncCount(f.metrics), before + 5);
}

}  // namespace
}  // namespace vigil::tsdb
