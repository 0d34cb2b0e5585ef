// The posting keys (docs/format/tsdb.md: name, value, series ref) of the
// series one flush persists, handed out in RocksDB's bytewise key order, so
// each memtable insert lands next to the previous one. They are grouped by
// name=value first: a batch holds far fewer distinct pairs than postings
// (a job, an instance, a metric name is shared by many series), so only the
// pairs are sorted, and each pair's refs keep the order they came in.
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vigil/model/labels.h"
#include "vigil/tsdb/appender.h"

namespace vigil::tsdb {

class PostingBatch {
 public:
  // A posting per label of `labels` for `ref`; the labels must outlive the
  // batch. Refs added in ascending order (a flush's are) come out without a
  // sort of their own.
  void Add(const model::Labels& labels, SeriesRef ref);
  // Calls fn with every posting key, in key order; each key is valid during
  // its call only.
  void ForEachKey(const std::function<void(std::string_view key)>& fn) const;

 private:
  using Pair = std::pair<std::string_view, std::string_view>;  // name, value
  struct PairHash {
    size_t operator()(const Pair& p) const;
  };
  std::unordered_map<Pair, uint32_t, PairHash> pair_index_;  // → index in pairs_
  std::vector<Pair> pairs_;
  std::vector<std::pair<uint32_t, SeriesRef>> postings_;  // index in pairs_, ref
};

}  // namespace vigil::tsdb
