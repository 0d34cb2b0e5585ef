#include "posting_batch.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "store_keys.h"

namespace vigil::tsdb {

size_t PostingBatch::PairHash::operator()(const Pair& p) const {
  const size_t h = std::hash<std::string_view>()(p.first);
  return h ^
         (std::hash<std::string_view>()(p.second) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

void PostingBatch::Add(const model::Labels& labels, SeriesRef ref) {
  for (const model::Label& l : labels) {
    auto [it, added] =
        pair_index_.try_emplace(Pair(l.name, l.value), static_cast<uint32_t>(pairs_.size()));
    if (added) pairs_.push_back(it->first);
    postings_.emplace_back(it->second, ref);
  }
}

void PostingBatch::ForEachKey(const std::function<void(std::string_view key)>& fn) const {
  // Every key of a pair starts with the pair's encoding, and no pair's
  // encoding is a prefix of another's (the lengths come first): keys sort
  // by their pair's encoding, then by ref.
  std::vector<std::string> prefixes(pairs_.size());
  for (size_t i = 0; i < pairs_.size(); ++i) {
    AppendPostingKeyPrefix(pairs_[i].first, pairs_[i].second, &prefixes[i]);
  }
  std::vector<uint32_t> order(pairs_.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&prefixes](uint32_t a, uint32_t b) { return prefixes[a] < prefixes[b]; });
  // A counting sort by the pair's place in that order keeps each pair's
  // refs in the order they were added.
  std::vector<size_t> start(pairs_.size() + 1, 0);
  std::vector<uint32_t> rank(pairs_.size());
  for (uint32_t k = 0; k < order.size(); ++k) rank[order[k]] = k;
  for (const auto& [pair, ref] : postings_) ++start[rank[pair] + 1];
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<SeriesRef> refs(postings_.size());
  std::vector<size_t> next(start.begin(), start.end() - 1);
  for (const auto& [pair, ref] : postings_) refs[next[rank[pair]]++] = ref;
  std::string key;
  for (uint32_t k = 0; k < order.size(); ++k) {
    auto first = refs.begin() + static_cast<ptrdiff_t>(start[k]);
    auto last = refs.begin() + static_cast<ptrdiff_t>(start[k + 1]);
    if (!std::is_sorted(first, last)) std::sort(first, last);
    for (auto r = first; r != last; ++r) {
      key = prefixes[order[k]];
      PutFixed64BE(*r, &key);
      fn(key);
    }
  }
}

}  // namespace vigil::tsdb
