#include "head.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <thread>
#include <vector>

#include "head_appender.h"
#include "vigil/model/value.h"

namespace vigil::tsdb {
namespace {

using model::Labels;

struct Point {
  TimestampMs t;
  uint64_t bits;
  friend bool operator==(const Point&, const Point&) = default;
};

class HeadTest : public ::testing::Test {
 protected:
  HeadTest() : metrics_(registry_), head_(HeadOptions{.max_samples_per_chunk = 4, .chunk_range_ms = 1000}, &metrics_) {}

  // The series' head chunks in [mint, maxt], as a query snapshots them.
  std::vector<ChunkView> Chunks(MemSeries* s, TimestampMs mint, TimestampMs maxt) {
    std::vector<ChunkView> chunks;
    head_.Snapshot(s, mint, maxt, &arena_, &chunks, &owners_);
    return chunks;
  }

  std::vector<Point> Read(const Labels& labels) {
    MemSeries* s = head_.GetOrCreate(labels);
    std::vector<Point> out;
    for (const ChunkView& c : Chunks(s, kMinTime, kMaxTime)) {
      ChunkIterator it(c.bytes);
      while (it.Next()) out.push_back({it.t(), std::bit_cast<uint64_t>(it.v())});
    }
    return out;
  }

  metrics::Registry registry_;
  MetricsSet metrics_;
  Head head_;
  ChunkArena arena_;
  std::vector<std::shared_ptr<const std::string>> owners_;
};

const Labels kA = Labels::FromStrings({"__name__", "up", "job", "a"});
const Labels kB = Labels::FromStrings({"__name__", "up", "job", "b"});

TEST_F(HeadTest, AppendReturnsRefAndRefSkipsLookup) {
  HeadAppender app(&head_, nullptr);
  Result<SeriesRef> r1 = app.Append(0, kA, 10, 1);
  ASSERT_TRUE(r1.ok());
  EXPECT_NE(*r1, 0u);
  Result<SeriesRef> r2 = app.Append(*r1, Labels(), 20, 2);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(*r2, *r1);
  Result<SeriesRef> rb = app.Append(0, kB, 10, 1);
  ASSERT_TRUE(rb.ok());
  EXPECT_NE(*rb, *r1);
  ASSERT_TRUE(app.Commit().ok());
  EXPECT_EQ(Read(kA), (std::vector<Point>{{10, std::bit_cast<uint64_t>(1.0)},
                                         {20, std::bit_cast<uint64_t>(2.0)}}));
  EXPECT_EQ(head_.NumSeries(), 2u);
  EXPECT_EQ(metrics_.samples_appended.Value(), 3);
}

TEST_F(HeadTest, UnknownRefWithoutLabelsIsRefused) {
  HeadAppender app(&head_, nullptr);
  Result<SeriesRef> r = app.Append(12345, Labels(), 10, 1);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(IsUnknownRef(r.status()));
  // No ref and no labels is a caller's mistake, not an unknown ref.
  Result<SeriesRef> none = app.Append(0, Labels(), 10, 1);
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(HeadTest, OutOfOrderAndDuplicateAreRefusedAndCounted) {
  HeadAppender app(&head_, nullptr);
  ASSERT_TRUE(app.Append(0, kA, 100, 1).ok());
  ASSERT_TRUE(app.Commit().ok());

  Result<SeriesRef> older = app.Append(0, kA, 50, 1);
  EXPECT_TRUE(IsOutOfOrder(older.status()));
  EXPECT_EQ(older.status().message(), "out of order sample");
  Result<SeriesRef> dup = app.Append(0, kA, 100, 2);
  EXPECT_TRUE(IsDuplicate(dup.status()));
  Result<SeriesRef> same = app.Append(0, kA, 100, 1);  // same value: accepted, ignored
  EXPECT_TRUE(same.ok());
  // Within a batch too.
  ASSERT_TRUE(app.Append(0, kA, 200, 3).ok());
  EXPECT_TRUE(IsOutOfOrder(app.Append(0, kA, 150, 1).status()));
  EXPECT_TRUE(IsDuplicate(app.Append(0, kA, 200, 4).status()));
  EXPECT_TRUE(app.Append(0, kA, 200, 3).ok());
  ASSERT_TRUE(app.Commit().ok());

  EXPECT_EQ(metrics_.out_of_order.Value(), 2);
  EXPECT_EQ(metrics_.duplicate.Value(), 2);
  EXPECT_EQ(Read(kA).size(), 2u);
}

TEST_F(HeadTest, StaleNaNIsDuplicateOfItselfOnlyBitExact) {
  HeadAppender app(&head_, nullptr);
  ASSERT_TRUE(app.Append(0, kA, 100, model::StaleNaN()).ok());
  ASSERT_TRUE(app.Commit().ok());
  EXPECT_TRUE(app.Append(0, kA, 100, model::StaleNaN()).ok());
  EXPECT_TRUE(IsDuplicate(app.Append(0, kA, 100, std::nan("")).status()));
  EXPECT_EQ(Read(kA), (std::vector<Point>{{100, model::kStaleNaNBits}}));
}

TEST_F(HeadTest, RollbackDropsTheBatch) {
  HeadAppender app(&head_, nullptr);
  ASSERT_TRUE(app.Append(0, kA, 10, 1).ok());
  app.Rollback();
  ASSERT_TRUE(app.Commit().ok());
  EXPECT_TRUE(Read(kA).empty());
  // The rolled-back sample does not block an older one.
  ASSERT_TRUE(app.Append(0, kA, 5, 1).ok());
  ASSERT_TRUE(app.Commit().ok());
  EXPECT_EQ(Read(kA).size(), 1u);
}

TEST_F(HeadTest, UncommittedSamplesAreInvisible) {
  HeadAppender app(&head_, nullptr);
  ASSERT_TRUE(app.Append(0, kA, 10, 1).ok());
  EXPECT_TRUE(Read(kA).empty());
  ASSERT_TRUE(app.Commit().ok());
  EXPECT_EQ(Read(kA).size(), 1u);
}

TEST_F(HeadTest, ChunksAreCutByCountAndByTimeRange) {
  HeadAppender app(&head_, nullptr);
  // 4 samples per chunk, chunks never cross a multiple of 1000 ms.
  for (TimestampMs t : {100, 200, 300, 400, 500, 600, 1100, 1200}) {
    ASSERT_TRUE(app.Append(0, kA, t, static_cast<double>(t)).ok());
  }
  ASSERT_TRUE(app.Commit().ok());
  MemSeries* s = head_.GetOrCreate(kA);
  std::vector<ChunkView> chunks = Chunks(s, kMinTime, kMaxTime);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].min_t, 100);
  EXPECT_EQ(chunks[0].max_t, 400);
  EXPECT_EQ(chunks[1].min_t, 500);
  EXPECT_EQ(chunks[1].max_t, 600);
  EXPECT_EQ(chunks[2].min_t, 1100);
  EXPECT_EQ(head_.NumDirtyChunks(), 2u);
  EXPECT_EQ(metrics_.head_chunks.Value(), 3);
  // Snapshot filters by time.
  EXPECT_EQ(Chunks(s, 450, 700).size(), 1u);
}

TEST_F(HeadTest, OutOfBoundsBelowMinValidTime) {
  head_.set_min_valid_time(1000);
  HeadAppender app(&head_, nullptr);
  Result<SeriesRef> r = app.Append(0, kA, 999, 1);
  EXPECT_TRUE(IsOutOfOrder(r.status()));
  EXPECT_EQ(r.status().message(), "out of bounds");
  EXPECT_EQ(metrics_.out_of_bounds.Value(), 1);
}

TEST_F(HeadTest, ConcurrentAppendersOnDistinctSeries) {
  constexpr int kThreads = 4;
  constexpr int kSeries = 200;
  constexpr int kScrapes = 20;
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      HeadAppender app(&head_, nullptr);
      std::vector<SeriesRef> refs(kSeries, 0);
      for (int scrape = 0; scrape < kScrapes; ++scrape) {
        for (int i = 0; i < kSeries; ++i) {
          Labels l = Labels::FromStrings(
              {"__name__", "m", "thread", std::to_string(th), "i", std::to_string(i)});
          Result<SeriesRef> r = app.Append(refs[i], l, scrape * 1000, i);
          ASSERT_TRUE(r.ok());
          refs[i] = *r;
        }
        ASSERT_TRUE(app.Commit().ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(head_.NumSeries(), static_cast<size_t>(kThreads * kSeries));
  EXPECT_EQ(metrics_.samples_appended.Value(), kThreads * kSeries * kScrapes);
}

TEST_F(HeadTest, ConcurrentAppendersOnTheSameSeriesStayOrdered) {
  std::vector<std::thread> threads;
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&, th] {
      HeadAppender app(&head_, nullptr);
      for (int i = 0; i < 200; ++i) {
        (void)app.Append(0, kA, i * 4 + th, th);
        ASSERT_TRUE(app.Commit().ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<Point> pts = Read(kA);
  ASSERT_FALSE(pts.empty());
  for (size_t i = 1; i < pts.size(); ++i) EXPECT_LT(pts[i - 1].t, pts[i].t);
}

}  // namespace
}  // namespace vigil::tsdb
