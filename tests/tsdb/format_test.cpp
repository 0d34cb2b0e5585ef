// The format version in meta: new directories, the v0 → v1 migration, and
// refusal of a newer format.
#include <gtest/gtest.h>

#include <filesystem>

#include <fstream>

#include "chunk.h"
#include "chunk_packed.h"
#include "encoding.h"
#include "store.h"
#include "test_util.h"
#include "vigil/base/metrics.h"
#include "vigil/model/value.h"
#include "vigil/tsdb/db.h"
#include "wal.h"
#include "wal_record.h"

namespace vigil::tsdb {
namespace {

using model::Labels;

Options TestOptions(metrics::Registry* registry) {
  Options o;
  o.max_samples_per_chunk = 8;
  o.chunk_range_ms = 10'000;
  o.background = false;
  o.registry = registry;
  return o;
}

std::optional<uint32_t> StoredVersion(const std::string& path) {
  StoreOptions so;
  so.chunk_range_ms = 10'000;
  Result<std::unique_ptr<Store>> store = Store::Open(path + "/rocksdb", so);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return std::nullopt;
  Result<std::optional<uint32_t>> v = (*store)->FormatVersion();
  EXPECT_TRUE(v.ok());
  return v.ok() ? *v : std::nullopt;
}

void Fill(DB& db, TimestampMs to) {
  auto app = db.NewAppender();
  for (TimestampMs t = 0; t < to; t += 100) {
    for (int i = 0; i < 3; ++i) {
      Labels l = Labels::FromStrings({"__name__", "m", "i", std::to_string(i)});
      ASSERT_TRUE(app->Append(0, l, t, static_cast<double>(t + i)).ok());
    }
  }
  ASSERT_TRUE(app->Commit().ok());
}

TEST(FormatTest, ANewDirectoryGetsTheCurrentVersion) {
  testutil::TempDir dir;
  {
    metrics::Registry r;
    Result<std::unique_ptr<DB>> db = DB::Open(dir.path(), TestOptions(&r));
    ASSERT_TRUE(db.ok());
  }
  EXPECT_EQ(StoredVersion(dir.path()), std::optional<uint32_t>(kFormatVersion));
}

TEST(FormatTest, ANewerVersionIsRefusedNamingBoth) {
  testutil::TempDir dir;
  {
    metrics::Registry r;
    Result<std::unique_ptr<DB>> db = DB::Open(dir.path(), TestOptions(&r));
    ASSERT_TRUE(db.ok());
    Fill(**db, 1000);
  }
  {
    StoreOptions so;
    so.chunk_range_ms = 10'000;
    Result<std::unique_ptr<Store>> store = Store::Open(dir.path() + "/rocksdb", so);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->SetFormatVersion(kFormatVersion + 1).ok());
  }
  auto wal_files = [&] {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path() + "/wal")) {
      (void)e;
      ++n;
    }
    return n;
  };
  size_t before = wal_files();
  metrics::Registry r;
  Result<std::unique_ptr<DB>> db = DB::Open(dir.path(), TestOptions(&r));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kFailedPrecondition);
  std::string msg = db.status().ToString();
  EXPECT_NE(msg.find("format version " + std::to_string(kFormatVersion + 1)), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("version " + std::to_string(kFormatVersion) + " "), std::string::npos) << msg;
  EXPECT_EQ(wal_files(), before);  // the WAL was not touched
}

TEST(FormatTest, AV0DirectoryWithOnlyAWalIsMigrated) {
  testutil::TempDir dir;
  std::map<std::string, std::vector<testutil::Point>> want;
  {
    metrics::Registry r;
    Result<std::unique_ptr<DB>> db = DB::Open(dir.path(), TestOptions(&r));
    ASSERT_TRUE(db.ok());
    Fill(**db, 5000);  // full chunks stay in the head: nothing is flushed
    ASSERT_TRUE((*db)->Checkpoint().ok());
    want = testutil::ReadAll(**db, 0, 10'000);
  }
  // What v0 wrote: the WAL (checkpoint with every chunk), no RocksDB.
  std::filesystem::remove_all(dir.path() + "/rocksdb");
  ASSERT_FALSE(StoredVersion(dir.path()).has_value());
  std::filesystem::remove_all(dir.path() + "/rocksdb");

  metrics::Registry r;
  Result<std::unique_ptr<DB>> db = DB::Open(dir.path(), TestOptions(&r));
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(testutil::ReadAll(**db, 0, 10'000), want);
  // The full chunks moved to RocksDB (3 series × 6 chunks of 8 samples).
  EXPECT_NE(r.Render().find("vigil_tsdb_chunks_persisted_total 18"), std::string::npos);
  uint64_t wal_after = (*db)->Stats().wal_bytes;
  db->reset();
  EXPECT_EQ(StoredVersion(dir.path()), std::optional<uint32_t>(kFormatVersion));
  // Reopening is an ordinary open, with the same data.
  metrics::Registry r2;
  db = DB::Open(dir.path(), TestOptions(&r2));
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(testutil::ReadAll(**db, 0, 10'000), want);
  EXPECT_NE(r2.Render().find("vigil_tsdb_chunks_persisted_total 0"), std::string::npos);
  EXPECT_GT(wal_after, 0u);
}

// A format-1 directory: its WAL holds type 1 batch records. They replay
// bit-exact, and the directory is raised to the current version.
TEST(FormatTest, AVersion1DirectoryReplaysItsRecordsAndIsRaised) {
  testutil::TempDir dir;
  {
    metrics::Registry r;
    Result<std::unique_ptr<DB>> db = DB::Open(dir.path(), TestOptions(&r));
    ASSERT_TRUE(db.ok());
  }
  {
    StoreOptions so;
    so.chunk_range_ms = 10'000;
    Result<std::unique_ptr<Store>> store = Store::Open(dir.path() + "/rocksdb", so);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->SetFormatVersion(1).ok());
  }
  // Series 7 with two samples, as format 1 wrote them.
  Labels labels = Labels::FromStrings({"__name__", "old", "job", "v1"});
  std::string payload(1, static_cast<char>(kWalBatchRecordV1));
  PutUvarint(1, &payload);
  PutUvarint(7, &payload);
  PutUvarint(labels.encoded().size(), &payload);
  payload.append(labels.encoded());
  PutUvarint(2, &payload);
  for (int i = 0; i < 2; ++i) {
    PutUvarint(7, &payload);
    PutVarint(1000 * (i + 1), &payload);
    PutDouble(i == 0 ? -0.0 : 1.5, &payload);
  }
  std::ofstream(dir.path() + "/wal/00000099", std::ios::binary) << EncodeWalRecord(payload);

  {
    metrics::Registry r;
    Result<std::unique_ptr<DB>> db = DB::Open(dir.path(), TestOptions(&r));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto all = testutil::ReadAll(**db, 0, 10'000);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all.begin()->second,
              (std::vector<testutil::Point>{testutil::P(1000, -0.0), testutil::P(2000, 1.5)}));
    EXPECT_NE(r.Render().find("vigil_tsdb_wal_corruptions_total 0"), std::string::npos);
    // New commits are written as type 3 next to the old records.
    auto app = (*db)->NewAppender();
    ASSERT_TRUE(app->Append(0, labels, 3000, 2.5).ok());
    ASSERT_TRUE(app->Commit().ok());
  }
  EXPECT_EQ(StoredVersion(dir.path()), std::optional<uint32_t>(kFormatVersion));
  metrics::Registry r;
  Result<std::unique_ptr<DB>> db = DB::Open(dir.path(), TestOptions(&r));
  ASSERT_TRUE(db.ok());
  auto all = testutil::ReadAll(**db, 0, 10'000);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all.begin()->second.size(), 3u);
}

// A directory of format 3 or older holds Gorilla chunks in RocksDB: after the
// raise to 4 they still read bit-exact, next to the packed chunks that new
// flushes write.
TEST(FormatTest, OldGorillaChunksReadNextToNewPackedOnes) {
  testutil::TempDir dir;
  {
    metrics::Registry r;
    ASSERT_TRUE(DB::Open(dir.path(), TestOptions(&r)).ok());
  }
  Labels labels = Labels::FromStrings({"__name__", "old", "job", "v3"});
  std::vector<testutil::Point> want;
  {
    StoreOptions so;
    so.chunk_range_ms = 10'000;
    Result<std::unique_ptr<Store>> store = Store::Open(dir.path() + "/rocksdb", so);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->SetFormatVersion(3).ok());
    ChunkEncoder enc;
    const double values[] = {1.5, -0.0, model::StaleNaN(), 2.25};
    for (int i = 0; i < 4; ++i) {
      enc.Append(1000 * (i + 1), values[i]);
      want.push_back(testutil::P(1000 * (i + 1), values[i]));
    }
    FlushItem item;
    item.ref = 7;
    item.labels = &labels;
    item.chunks.push_back(
        ChunkRef{std::make_shared<const std::string>(enc.bytes()), enc.min_time(), enc.max_time()});
    ASSERT_TRUE((*store)->Flush({item}).ok());
  }
  {
    metrics::Registry r;
    Result<std::unique_ptr<DB>> db = DB::Open(dir.path(), TestOptions(&r));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto app = (*db)->NewAppender();
    // Nine samples: a full chunk of eight (max_samples_per_chunk), flushed.
    for (int i = 0; i < 9; ++i) {
      TimestampMs t = 5000 + 500 * i;
      ASSERT_TRUE(app->Append(0, labels, t, 10.5 + i).ok());
      want.push_back(testutil::P(t, 10.5 + i));
    }
    ASSERT_TRUE(app->Commit().ok());
    ASSERT_TRUE((*db)->Flush().ok());
  }
  EXPECT_EQ(StoredVersion(dir.path()), std::optional<uint32_t>(kFormatVersion));
  {
    StoreOptions so;
    so.chunk_range_ms = 10'000;
    Result<std::unique_ptr<Store>> store = Store::Open(dir.path() + "/rocksdb", so);
    ASSERT_TRUE(store.ok());
    std::vector<bool> packed;
    auto note = [&](const StoredChunk& c) { packed.push_back(IsEncodedChunk(c.bytes)); };
    ASSERT_TRUE((*store)->ScanChunks(kMinTime, kMaxTime, note).ok());
    EXPECT_EQ(packed, (std::vector<bool>{false, true}));
  }
  metrics::Registry r;
  Result<std::unique_ptr<DB>> db = DB::Open(dir.path(), TestOptions(&r));
  ASSERT_TRUE(db.ok());
  auto all = testutil::ReadAll(**db, 0, 10'000);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all.begin()->second, want);
}

}  // namespace
}  // namespace vigil::tsdb
