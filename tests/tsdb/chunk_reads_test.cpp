// How a Select reads persisted chunks: the newest chunk of a series by its
// key when the head knows where it starts and the range needs nothing
// older, else (unknown after a restart, gone since, older samples wanted)
// by a scan when the series is reached.
#include <gtest/gtest.h>

#include <bit>
#include <map>
#include <string>
#include <vector>

#include "chunk.h"
#include "store.h"
#include "test_util.h"
#include "vigil/base/metrics.h"
#include "vigil/tsdb/db.h"

namespace vigil::tsdb {
namespace {

using model::Labels;
using model::MatchType;
using testutil::M;
using testutil::Point;

constexpr int64_t kRange = 10'000;

ChunkRef Chunk(TimestampMs from, TimestampMs to) {
  ChunkEncoder enc;
  for (TimestampMs t = from; t <= to; t += 1000) enc.Append(t, static_cast<double>(t));
  return ChunkRef{std::make_shared<const std::string>(enc.bytes()), enc.min_time(),
                  enc.max_time()};
}

// The start times of the chunks a read found.
std::vector<TimestampMs> Starts(const PersistedRead& r, const std::vector<ChunkView>& views) {
  std::vector<TimestampMs> out;
  for (uint32_t i = r.first; i < r.first + r.count; ++i) {
    ChunkIterator it(views[i].bytes);
    EXPECT_TRUE(it.Next());
    EXPECT_EQ(it.t(), views[i].min_t);
    out.push_back(views[i].min_t);
  }
  return out;
}

TEST(ChunkReadsTest, NewestChunkIsReadByKeyAndScannedWhenItsKeyIsGone) {
  testutil::TempDir dir;
  StoreOptions so;
  so.chunk_range_ms = kRange;
  Result<std::unique_ptr<Store>> store = Store::Open(dir.path() + "/rocksdb", so);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  // Series 7..9 each have chunks [1000, 4000] and [5000, 8000].
  std::vector<Labels> labels;
  for (int i = 0; i < 3; ++i) labels.push_back(Labels::FromStrings({"i", std::to_string(i)}));
  std::vector<FlushItem> items;
  for (SeriesRef ref = 7; ref <= 9; ++ref) {
    FlushItem item;
    item.ref = ref;
    item.labels = &labels[ref - 7];
    item.chunks = {Chunk(1000, 4000), Chunk(5000, 8000)};
    item.first_persisted = 1000;
    items.push_back(std::move(item));
  }
  ASSERT_TRUE((*store)->Flush(items).ok());
  std::shared_ptr<ChunkSource> reader = (*store)->NewReader();

  auto span = [](TimestampMs newest) { return Head::PersistedSpan{1000, 8000, newest}; };
  std::vector<PersistedRead> reads = {
      {7, span(5000)},  // read by key
      {8, span(5500)},  // gone (a clean moved it): the key misses, then scanned
      // A key lookup reads only the chunk it names (a scan would find
      // [5000, 8000]): the head's start is trusted, so it must be exact.
      {9, span(1000)},
  };
  ChunkArena arena;
  std::vector<ChunkView> views;
  ASSERT_TRUE(reader->ReadNewest(6000, 9000, &reads, &arena, &views).ok());
  EXPECT_EQ(Starts(reads[0], views), std::vector<TimestampMs>{5000});
  EXPECT_EQ(Starts(reads[1], views), std::vector<TimestampMs>{5000});
  EXPECT_EQ(Starts(reads[2], views), std::vector<TimestampMs>{});
}

class ChunkReadsDBTest : public ::testing::Test {
 protected:
  void Open() {
    db_.reset();
    registry_ = std::make_unique<metrics::Registry>();
    Options o;
    o.max_samples_per_chunk = 8;
    o.chunk_range_ms = kRange;
    o.background = false;
    o.registry = registry_.get();
    Result<std::unique_ptr<DB>> db = DB::Open(dir_.path(), o);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  void SetUp() override { Open(); }

  // Three series "s{i}", one sample every 100 ms in [from, to): value t*10+i.
  void Fill(TimestampMs from, TimestampMs to) {
    auto app = db_->NewAppender();
    for (TimestampMs t = from; t < to; t += 100) {
      for (int i = 0; i < 3; ++i) {
        Labels l = Labels::FromStrings({"__name__", "s", "i", std::to_string(i)});
        ASSERT_TRUE(app->Append(0, l, t, static_cast<double>(t * 10 + i)).ok());
      }
    }
    ASSERT_TRUE(app->Commit().ok());
  }

  // Every window [mint, mint + width] reads what Fill(0, 5000) wrote.
  void ExpectEveryWindow() {
    for (TimestampMs width : {0, 250, 1000, 6000}) {
      for (TimestampMs mint = 0; mint <= 5000; mint += 50) {
        std::map<std::string, std::vector<Point>> want;
        for (int i = 0; i < 3; ++i) {
          std::vector<Point> pts;
          for (TimestampMs t = 0; t < 5000; t += 100) {
            if (t < mint || t > mint + width) continue;
            pts.push_back(testutil::P(t, static_cast<double>(t * 10 + i)));
          }
          if (!pts.empty()) want["s{i=\"" + std::to_string(i) + "\"}"] = pts;
        }
        auto got = testutil::ReadAll(*db_, mint, mint + width);
        // A series whose chunk spans the window without a sample in it may
        // be returned empty.
        std::erase_if(got, [](const auto& kv) { return kv.second.empty(); });
        ASSERT_EQ(got, want)
            << "window [" << mint << ", " << mint + width << "]";
      }
    }
  }

  std::unique_ptr<metrics::Registry> registry_;
  testutil::TempDir dir_;
  std::unique_ptr<DB> db_;
};

// 50 samples per series in chunks of 8: six persisted chunks, the newest
// [4000, 4700], and two samples in the head.
TEST_F(ChunkReadsDBTest, EveryWindowReadsWhatWasWrittenByKeyScanAndAfterClean) {
  Fill(0, 5000);
  ASSERT_TRUE(db_->Flush().ok());
  ExpectEveryWindow();  // the head knows the newest chunks: read by key
  Open();
  ExpectEveryWindow();  // after a restart it does not: scanned
  // Appending more makes the head learn the newest chunk again.
  Fill(5000, 5800);
  ASSERT_TRUE(db_->Flush().ok());
  // A clean that rewrites the newest persisted chunk [4800, 5500] without its
  // first samples moves its key: the head's start no longer names it.
  ASSERT_TRUE(db_->DeleteSeries({M(MatchType::kEqual, "__name__", "s")}, 4800, 4900).ok());
  ASSERT_TRUE(db_->CleanTombstones().ok());
  for (TimestampMs mint : {4800, 5000, 5300, 5500}) {
    auto got = testutil::ReadAll(*db_, mint, mint + 300);
    ASSERT_EQ(got.size(), 3u) << mint;
    for (const auto& [labels, pts] : got) {
      int i = labels.back() == '}' ? labels[labels.size() - 3] - '0' : -1;
      std::vector<Point> want;
      for (TimestampMs t = mint; t <= mint + 300 && t < 5800; t += 100) {
        if (t == 4800 || t == 4900) continue;
        want.push_back(testutil::P(t, static_cast<double>(t * 10 + i)));
      }
      EXPECT_EQ(pts, want) << labels << " from " << mint;
    }
  }
}

// Iterators stay valid after the set moves on, whether the series' chunks
// were read by key (at Select) or scanned (when reached).
TEST_F(ChunkReadsDBTest, IteratorsOutliveTheSetsNext) {
  Fill(0, 5000);
  ASSERT_TRUE(db_->Flush().ok());
  for (TimestampMs mint : {4500, 1000}) {  // by key, scanned
    auto q = db_->NewQuerier(mint, 4900);
    ASSERT_TRUE(q.ok());
    auto set = (*q)->Select(true, nullptr, {});
    std::vector<std::unique_ptr<SampleIterator>> its;
    while (set->Next()) its.push_back(set->At().Iterator());
    ASSERT_TRUE(set->status().ok());
    ASSERT_EQ(its.size(), 3u);
    for (int i = 0; i < 3; ++i) {
      for (TimestampMs t = mint; t <= 4900; t += 100) {
        ASSERT_TRUE(its[i]->Next()) << mint << " " << i << " " << t;
        EXPECT_EQ(its[i]->AtT(), t);
        EXPECT_EQ(its[i]->AtV(), static_cast<double>(t * 10 + i));
      }
      EXPECT_FALSE(its[i]->Next());
    }
  }
}

}  // namespace
}  // namespace vigil::tsdb
