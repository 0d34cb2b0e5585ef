// The head's ref table: lookups across directory growth, removal, and the
// detaching of segments that churn left empty.
#include "series_refs.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "head.h"

namespace vigil::tsdb {
namespace {

std::unique_ptr<MemSeries> NewSeries(SeriesRef ref) {
  return std::make_unique<MemSeries>(ref, model::Labels::FromStrings({"r", std::to_string(ref)}));
}

TEST(SeriesRefTableTest, FindsEveryInsertedRefAcrossGrowth) {
  SeriesRefTable table;
  constexpr SeriesRef kN = 20 * SeriesRefTable::kSegmentSize;  // several growths
  for (SeriesRef ref = 1; ref <= kN; ++ref) table.Insert(NewSeries(ref));
  for (SeriesRef ref = 1; ref <= kN; ++ref) {
    MemSeries* s = table.Get(ref);
    ASSERT_NE(s, nullptr) << ref;
    EXPECT_EQ(s->ref(), ref);
  }
  EXPECT_EQ(table.Get(0), nullptr);
  EXPECT_EQ(table.Get(kN + 1), nullptr);
  EXPECT_EQ(table.Get(kMaxSeriesRef), nullptr);
  size_t seen = 0;
  table.ForEach([&](MemSeries*) { ++seen; });
  EXPECT_EQ(seen, kN);
}

TEST(SeriesRefTableTest, SparseRefsFromReplay) {
  SeriesRefTable table;
  constexpr SeriesRef kFar = SeriesRef{1} << 30;
  table.Insert(NewSeries(kFar));
  table.Insert(NewSeries(3));
  EXPECT_EQ(table.Get(kFar)->ref(), kFar);
  EXPECT_EQ(table.Get(3)->ref(), 3u);
  EXPECT_EQ(table.Get(4), nullptr);
}

TEST(SeriesRefTableTest, RemovalDetachesOnlyOldEmptySegments) {
  SeriesRefTable table;
  const SeriesRef kSeg = SeriesRefTable::kSegmentSize;
  for (SeriesRef ref = 1; ref < 3 * kSeg; ++ref) table.Insert(NewSeries(ref));
  std::unique_ptr<SeriesRefTable::Segment> detached;
  // Segment 0 (refs 1..kSeg-1) empties: it is detached on its last removal.
  for (SeriesRef ref = 1; ref < kSeg; ++ref) {
    ASSERT_EQ(detached, nullptr) << ref;
    std::unique_ptr<MemSeries> s = table.Remove(ref, &detached);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->ref(), ref);
    EXPECT_EQ(table.Get(ref), nullptr);
  }
  EXPECT_NE(detached, nullptr);
  EXPECT_EQ(table.Remove(5, &detached), nullptr);  // already gone
  // The newest segment stays even when empty: new refs land there.
  detached.reset();
  for (SeriesRef ref = 2 * kSeg; ref < 3 * kSeg; ++ref) table.Remove(ref, &detached);
  EXPECT_EQ(detached, nullptr);
  table.Insert(NewSeries(3 * kSeg - 1));
  EXPECT_NE(table.Get(3 * kSeg - 1), nullptr);
  // A ref in a detached segment can come back (replay): a new segment holds it.
  table.Insert(NewSeries(7));
  EXPECT_EQ(table.Get(7)->ref(), 7u);
  std::set<SeriesRef> left;
  table.ForEach([&](MemSeries* s) { left.insert(s->ref()); });
  EXPECT_EQ(left.size(), kSeg + 2);
  EXPECT_TRUE(left.contains(7));
}

TEST(SeriesRefTableTest, ReadersRunWhileWritersGrowTheTable) {
  SeriesRefTable table;
  table.Insert(NewSeries(1));
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done.load()) {
      MemSeries* s = table.Get(1);
      ASSERT_NE(s, nullptr);
      ASSERT_EQ(s->ref(), 1u);
    }
  });
  for (SeriesRef ref = 2; ref < 40 * SeriesRefTable::kSegmentSize; ref += 97) {
    table.Insert(NewSeries(ref));
  }
  done.store(true);
  reader.join();
}

}  // namespace
}  // namespace vigil::tsdb
