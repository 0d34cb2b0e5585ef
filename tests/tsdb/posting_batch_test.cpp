// PostingBatch hands out exactly the posting keys of its series, in
// bytewise order (RocksDB's), for refs in flush (ascending) order and not,
// with names and values long enough for multi-byte length varints.
#include "posting_batch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "store_keys.h"

namespace vigil::tsdb {
namespace {

struct Series {
  SeriesRef ref;
  model::Labels labels;
};

std::vector<Series> RandomSeries(std::mt19937_64* rng, int n) {
  // Lengths from 128 (and 16384) up take two (three) varint bytes.
  const std::vector<std::string> names = {
      "__name__", "instance", "job", "le", std::string(130, 'n'), std::string(127, 'n'), "a"};
  std::vector<std::string> values = {"x", "y", "api", "127.0.0.1:9100", "0.5", "+Inf"};
  for (size_t len : {127, 128, 200, 16384}) values.emplace_back(len, 'v');
  std::vector<Series> out;
  for (int i = 0; i < n; ++i) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (size_t k = 0; k < names.size(); ++k) {
      if ((*rng)() % 3 == 0) continue;
      std::string value = values[(*rng)() % values.size()];
      if ((*rng)() % 4 == 0) value += std::to_string((*rng)() % 50);  // higher cardinality
      pairs.emplace_back(names[k], value);
    }
    if (pairs.empty()) pairs.emplace_back("job", "only");
    out.push_back(Series{static_cast<SeriesRef>(1 + (*rng)() % 1'000'000),
                         model::Labels::FromPairs(std::move(pairs))});
  }
  return out;
}

void ExpectKeysInOrder(const std::vector<Series>& series) {
  PostingBatch batch;
  std::vector<std::string> want;
  for (const Series& s : series) {
    batch.Add(s.labels, s.ref);
    for (const model::Label& l : s.labels) want.push_back(PostingKey(l.name, l.value, s.ref));
  }
  std::sort(want.begin(), want.end());
  std::vector<std::string> got;
  batch.ForEachKey([&got](std::string_view key) { got.emplace_back(key); });
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], want[i]) << "key " << i;
}

TEST(PostingBatchTest, KeysComeOutSortedForAscendingRefs) {
  std::mt19937_64 rng(1);
  for (int round = 0; round < 20; ++round) {
    std::vector<Series> series = RandomSeries(&rng, 1 + static_cast<int>(rng() % 300));
    std::sort(series.begin(), series.end(),
              [](const Series& a, const Series& b) { return a.ref < b.ref; });
    series.erase(std::unique(series.begin(), series.end(),
                             [](const Series& a, const Series& b) { return a.ref == b.ref; }),
                 series.end());
    ExpectKeysInOrder(series);
  }
}

TEST(PostingBatchTest, KeysComeOutSortedForRefsInAnyOrder) {
  std::mt19937_64 rng(2);
  for (int round = 0; round < 20; ++round) {
    ExpectKeysInOrder(RandomSeries(&rng, 1 + static_cast<int>(rng() % 300)));
  }
}

TEST(PostingBatchTest, AnEmptyBatchHasNoKeys) {
  PostingBatch batch;
  int calls = 0;
  batch.ForEachKey([&calls](std::string_view) { ++calls; });
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace vigil::tsdb
