// DB::Snapshot: a copy of the data directory that opens on its own, with or
// without the head's samples, tombstones included.
#include <gtest/gtest.h>

#include "test_util.h"
#include "vigil/tsdb/db.h"

namespace vigil::tsdb {
namespace {

using model::Labels;
using model::MatchType;
using testutil::M;
using testutil::P;
using testutil::Point;

constexpr TimestampMs kAll = std::numeric_limits<int64_t>::max();

Options TestOptions() {
  Options o;
  o.max_samples_per_chunk = 8;
  o.chunk_range_ms = 10'000;
  o.background = false;
  return o;
}

void Fill(DB& db, const std::string& name, TimestampMs from, TimestampMs to) {
  auto app = db.NewAppender();
  for (TimestampMs t = from; t < to; t += 1000) {
    ASSERT_TRUE(app->Append(0, Labels::FromStrings({"__name__", name}), t, t / 1000).ok());
  }
  ASSERT_TRUE(app->Commit().ok());
}

std::vector<Point> Range(TimestampMs from, TimestampMs to) {
  std::vector<Point> out;
  for (TimestampMs t = from; t < to; t += 1000) out.push_back(P(t, static_cast<double>(t / 1000)));
  return out;
}

std::vector<Point> Read(DB& db, const std::string& name) {
  auto all = testutil::ReadAll(db, -kAll, kAll, {M(MatchType::kEqual, "__name__", name)});
  return all.empty() ? std::vector<Point>() : all.begin()->second;
}

TEST(SnapshotTest, WithAndWithoutTheHead) {
  testutil::TempDir dir;
  auto db = DB::Open(dir.path() + "/data", TestOptions());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Fill(**db, "a", 0, 40'000);
  ASSERT_TRUE((*db)->Flush().ok());  // [0, 38) s persisted; 38 and 39 in the open chunk
  Fill(**db, "a", 40'000, 50'000);
  Fill(**db, "b", 0, 10'000);
  ASSERT_TRUE((*db)->DeleteSeries({M(MatchType::kEqual, "__name__", "b")}, 2'000, 4'000).ok());

  ASSERT_TRUE((*db)->Snapshot(dir.path() + "/persisted", false).ok());
  Status s = (*db)->Snapshot(dir.path() + "/full", true);
  ASSERT_TRUE(s.ok()) << s.ToString();
  // The DB goes on.
  Fill(**db, "a", 50'000, 52'000);
  EXPECT_EQ(Read(**db, "a"), Range(0, 52'000));
  db->reset();

  std::vector<Point> b = Range(0, 2'000);
  for (const Point& p : Range(5'000, 10'000)) b.push_back(p);
  auto full = DB::Open(dir.path() + "/full", TestOptions());
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(Read(**full, "a"), Range(0, 50'000));
  EXPECT_EQ(Read(**full, "b"), b);
  full->reset();

  auto persisted = DB::Open(dir.path() + "/persisted", TestOptions());
  ASSERT_TRUE(persisted.ok()) << persisted.status().ToString();
  EXPECT_EQ(Read(**persisted, "a"), Range(0, 38'000));
  EXPECT_TRUE(Read(**persisted, "b").empty());

  // A snapshot into a directory that already holds one is refused.
  EXPECT_FALSE((*persisted)->Snapshot(dir.path() + "/full", false).ok());
}

}  // namespace
}  // namespace vigil::tsdb
