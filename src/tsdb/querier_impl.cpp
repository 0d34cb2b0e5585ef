#include "querier_impl.h"

#include <algorithm>
#include <mutex>
#include <set>

namespace vigil::tsdb {
namespace {

// What a Select read, shared by its series set and the iterators it hands
// out: chunk bytes (copied into the arena, or the head's immutable chunks
// kept alive by `owners`) and the series' chunk views, in series order.
struct SelectedChunks {
  ChunkArena arena;
  std::vector<std::shared_ptr<const std::string>> owners;
  std::vector<ChunkView> views;
};

// A series whose persisted chunks are scanned when the set reaches it: the
// chunks, kept alive by the iterators made from them.
struct ScannedChunks {
  std::shared_ptr<const SelectedChunks> selected;  // holds its head chunks
  std::vector<ChunkRef> persisted;
  std::vector<ChunkView> views;
};

struct SeriesEntry {
  const model::Labels* labels;  // owned by the head's series, kept by the querier's epoch
  const Intervals* deleted;     // its tombstones, when it has some
  uint32_t first;               // its chunks read so far: views[first, first + count)
  uint32_t count;
  Head::PersistedSpan scan;     // what to scan when reached (max_t kMinTime: nothing)
  SeriesRef ref;
};

// Whether a chunk has samples left that are not deleted.
bool Kept(const Intervals* deleted, const ChunkView& c) {
  return deleted == nullptr || !IntervalsCover(*deleted, c.min_t, c.max_t);
}

class ListSeries final : public Series {
 public:
  const model::Labels& labels() const override { return *labels_; }
  std::unique_ptr<SampleIterator> Iterator() const override {
    auto it = std::make_unique<ChunkListIterator>(chunks_owner_, chunks_, mint_, maxt_);
    if (deleted_ == nullptr) return it;
    return std::make_unique<TombstoneFilterIterator>(std::move(it), deleted_);
  }

  const model::Labels* labels_ = nullptr;
  const Intervals* deleted_ = nullptr;
  std::shared_ptr<const void> chunks_owner_;
  std::span<const ChunkView> chunks_;
  TimestampMs mint_ = 0;
  TimestampMs maxt_ = 0;
};

class HeadSeriesSet final : public SeriesSet {
 public:
  HeadSeriesSet(std::vector<SeriesEntry> entries, std::shared_ptr<const SelectedChunks> chunks,
                std::shared_ptr<ChunkSource> source, TimestampMs mint, TimestampMs maxt,
                Status status = Status::Ok())
      : entries_(std::move(entries)),
        chunks_(std::move(chunks)),
        source_(std::move(source)),
        status_(std::move(status)) {
    current_.mint_ = mint;
    current_.maxt_ = maxt;
  }

  bool Next() override {
    while (status_.ok() && next_ < entries_.size()) {
      const SeriesEntry& e = entries_[next_++];
      current_.labels_ = e.labels;
      current_.deleted_ = e.deleted;
      auto read = std::span<const ChunkView>(chunks_->views).subspan(e.first, e.count);
      if (e.scan.max_t == kMinTime) {
        current_.chunks_owner_ = chunks_;
        current_.chunks_ = read;
      } else if (!Scan(e, read)) {
        if (!status_.ok()) return false;
        continue;
      }
      if (e.deleted == nullptr || HasLiveSample()) return true;
      if (!status_.ok()) return false;
    }
    return false;
  }
  const Series& At() const override { return current_; }
  Status status() const override { return status_; }

 private:
  // Makes the current series' chunks its scanned persisted ones, then
  // `head`; false when there are none (or on error: status_).
  bool Scan(const SeriesEntry& e, std::span<const ChunkView> head) {
    auto scanned = std::make_shared<ScannedChunks>();
    scanned->selected = chunks_;
    status_ = source_->ReadChunks(e.ref, current_.mint_, current_.maxt_, e.scan.min_t,
                                  e.scan.max_t, &scanned->persisted);
    if (!status_.ok()) return false;
    for (const ChunkRef& c : scanned->persisted) {
      ChunkView v{*c.bytes, c.min_t, c.max_t};
      if (Kept(e.deleted, v)) scanned->views.push_back(v);
    }
    scanned->views.insert(scanned->views.end(), head.begin(), head.end());
    if (scanned->views.empty()) return false;
    current_.chunks_ = scanned->views;
    current_.chunks_owner_ = std::move(scanned);
    return true;
  }

  // Whether the current series has a sample in range that is not deleted
  // (as Prometheus's querier, which skips a series left without samples).
  bool HasLiveSample() {
    std::unique_ptr<SampleIterator> it = current_.Iterator();
    if (it->Next()) return true;
    status_ = it->status();
    return false;
  }

  std::vector<SeriesEntry> entries_;
  std::shared_ptr<const SelectedChunks> chunks_;
  std::shared_ptr<ChunkSource> source_;
  size_t next_ = 0;
  ListSeries current_;
  Status status_;
};

// Orders entries by their labels (model::Compare) through flat sort keys.
void SortByLabels(std::vector<SeriesEntry>* entries) {
  std::string keys;
  std::vector<std::pair<size_t, size_t>> spans;  // key offset, size
  spans.reserve(entries->size());
  for (const SeriesEntry& e : *entries) {
    size_t at = keys.size();
    model::AppendSortKey(*e.labels, &keys);
    spans.emplace_back(at, keys.size() - at);
  }
  std::vector<uint32_t> order(entries->size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  auto key = [&](uint32_t i) {
    return std::string_view(keys).substr(spans[i].first, spans[i].second);
  };
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return key(a) < key(b); });
  std::vector<SeriesEntry> sorted;
  sorted.reserve(entries->size());
  for (uint32_t i : order) sorted.push_back((*entries)[i]);
  *entries = std::move(sorted);
}

}  // namespace

ChunkListIterator::ChunkListIterator(std::shared_ptr<const void> owner,
                                     std::span<const ChunkView> chunks, TimestampMs mint,
                                     TimestampMs maxt)
    : owner_(std::move(owner)), chunks_(chunks), mint_(mint), maxt_(maxt) {}

bool ChunkListIterator::OpenChunk() {
  while (index_ < chunks_.size()) {
    const ChunkView& c = chunks_[index_];
    if (c.max_t >= mint_ && c.min_t <= maxt_) {
      it_.emplace(c.bytes);
      return true;
    }
    ++index_;
  }
  it_.reset();
  return false;
}

bool ChunkListIterator::Next() {
  valid_ = false;
  if (done_) return false;
  for (;;) {
    if (!it_.has_value() && !OpenChunk()) break;
    if (it_->Next()) {
      // A sample at or before the last one returned is the same sample seen
      // again across the persisted/head boundary: skip it.
      if (it_->t() < mint_ || (returned_ && it_->t() <= last_t_)) continue;
      if (it_->t() > maxt_) break;
      valid_ = true;
      returned_ = true;
      last_t_ = it_->t();
      return true;
    }
    if (!it_->status().ok()) {
      status_ = it_->status();
      break;
    }
    it_.reset();
    ++index_;
  }
  done_ = true;
  return false;
}

bool ChunkListIterator::Seek(TimestampMs t) {
  if (done_) return false;
  if (valid_ && it_.has_value() && it_->t() >= t) return true;
  valid_ = false;
  t = std::max(t, mint_);
  // Skip whole chunks that end before t.
  while (index_ < chunks_.size() && chunks_[index_].max_t < t) {
    ++index_;
    it_.reset();
  }
  if (!it_.has_value() && !OpenChunk()) {
    done_ = true;
    return false;
  }
  if (it_->Seek(t)) {
    if (returned_ && it_->t() <= last_t_) return Next();
    if (it_->t() <= maxt_) {
      valid_ = true;
      returned_ = true;
      last_t_ = it_->t();
      return true;
    }
    done_ = true;
    return false;
  }
  if (!it_->status().ok()) {
    status_ = it_->status();
    done_ = true;
    return false;
  }
  it_.reset();
  ++index_;
  return Next();
}

TimestampMs ChunkListIterator::AtT() const { return it_->t(); }
double ChunkListIterator::AtV() const { return it_->v(); }

HeadQuerier::HeadQuerier(Head* head, std::shared_ptr<ChunkSource> source, TimestampMs mint,
                         TimestampMs maxt, std::shared_ptr<const TombstoneMap> tombstones)
    : head_(head),
      source_(std::move(source)),
      mint_(mint),
      maxt_(maxt),
      epoch_(head->Pin()),
      tombstones_(std::move(tombstones)) {}

HeadQuerier::~HeadQuerier() { head_->Unpin(epoch_); }

// Hints narrow what is read to the range the caller will use, as
// Prometheus's block querier does. Series whose range needs only their
// newest persisted chunk (instant queries, mostly) have it read here, all
// at once by key, which costs RocksDB far less than a seek per series;
// the others are scanned one at a time when the set reaches them, so a
// Select over a long range never holds every chunk at once.
std::unique_ptr<SeriesSet> HeadQuerier::Select(bool /*sorted*/, const SelectHints* hints,
                                               const std::vector<model::Matcher>& matchers) {
  TimestampMs mint = mint_;
  TimestampMs maxt = maxt_;
  auto chunks = std::make_shared<SelectedChunks>();
  if (hints != nullptr && hints->start <= hints->end &&
      (hints->start != 0 || hints->end != 0)) {
    mint = std::max(mint, hints->start);
    maxt = std::min(maxt, hints->end);
    if (mint > maxt) {
      return std::make_unique<HeadSeriesSet>(std::vector<SeriesEntry>(), chunks, nullptr, mint,
                                             maxt);
    }
  }
  Postings refs = head_->postings().Select(matchers);
  // Per selected series: its head chunks [head_first, head_end) in
  // head_views, and its read by key (an index into reads, or -1).
  struct Selected {
    SeriesEntry entry;
    uint32_t head_first;
    uint32_t head_end;
    int64_t read;
  };
  std::vector<Selected> selected;
  selected.reserve(refs.size());
  std::vector<ChunkView> head_views;
  std::vector<PersistedRead> reads;
  {
    std::unique_lock vis(head_->visibility_mu());
    for (SeriesRef ref : refs) {
      MemSeries* s = head_->ByRef(ref);
      if (s == nullptr) continue;
      const auto head_first = static_cast<uint32_t>(head_views.size());
      Head::PersistedSpan span =
          head_->Snapshot(s, mint, maxt, &chunks->arena, &head_views, &chunks->owners);
      const auto head_end = static_cast<uint32_t>(head_views.size());
      const bool persisted = source_ != nullptr && span.max_t != kMinTime && span.max_t >= mint;
      if (head_first == head_end && !persisted) continue;
      Selected sel{{&s->labels(), DeletedOf(ref), 0, 0, Head::PersistedSpan{}, ref},
                   head_first, head_end, -1};
      const TimestampMs newest = span.newest_chunk_min_t;
      if (persisted && newest != kMinTime && newest <= mint && newest >= span.min_t) {
        sel.read = static_cast<int64_t>(reads.size());
        reads.push_back(PersistedRead{ref, span});
      } else if (persisted) {
        sel.entry.scan = span;
      }
      selected.push_back(sel);
    }
  }
  std::vector<ChunkView> read_views;
  if (source_ != nullptr) {
    source_->Refresh();
    Status st = source_->ReadNewest(mint, maxt, &reads, &chunks->arena, &read_views);
    if (!st.ok()) {
      return std::make_unique<HeadSeriesSet>(std::vector<SeriesEntry>(), chunks, nullptr, mint,
                                             maxt, std::move(st));
    }
  }
  // Each series' chunks read so far, persisted then head, without those
  // wholly deleted.
  std::vector<SeriesEntry> entries;
  entries.reserve(selected.size());
  chunks->views.reserve(head_views.size() + read_views.size());
  for (Selected& sel : selected) {
    SeriesEntry e = sel.entry;
    e.first = static_cast<uint32_t>(chunks->views.size());
    if (sel.read >= 0) {
      const PersistedRead& r = reads[static_cast<size_t>(sel.read)];
      for (uint32_t i = r.first; i < r.first + r.count; ++i) {
        if (Kept(e.deleted, read_views[i])) chunks->views.push_back(read_views[i]);
      }
    }
    for (uint32_t i = sel.head_first; i < sel.head_end; ++i) {
      if (Kept(e.deleted, head_views[i])) chunks->views.push_back(head_views[i]);
    }
    e.count = static_cast<uint32_t>(chunks->views.size()) - e.first;
    if (e.count > 0 || e.scan.max_t != kMinTime) entries.push_back(e);
  }
  SortByLabels(&entries);
  return std::make_unique<HeadSeriesSet>(std::move(entries), std::move(chunks), source_, mint,
                                         maxt);
}

bool HeadQuerier::CoversAllTime() const { return mint_ == kMinTime && maxt_ == kMaxTime; }

const Intervals* HeadQuerier::DeletedOf(SeriesRef ref) const {
  if (tombstones_ == nullptr) return nullptr;
  auto it = tombstones_->find(ref);
  return it == tombstones_->end() ? nullptr : &it->second;
}

bool HeadQuerier::HasLiveSamples(MemSeries* s) const {
  if (!head_->HasSamplesIn(s, mint_, maxt_)) return false;
  const Intervals* deleted = DeletedOf(s->ref());
  if (deleted == nullptr) return true;
  // The span from its oldest chunk to its newest sample, within range.
  TimestampMs lo = kMaxTime;
  TimestampMs hi = kMinTime;
  {
    std::lock_guard lock(s->mu);
    if (s->persisted_max_t != kMinTime) lo = s->persisted_min_t;
    if (!s->closed.empty()) lo = std::min(lo, s->closed.front().min_t);
    if (!s->open.empty()) lo = std::min(lo, s->open.min_time());
    hi = s->max_t;
  }
  lo = std::max(lo, mint_);
  hi = std::min(hi, maxt_);
  return lo <= hi && !IntervalsCover(*deleted, lo, hi);
}

Result<std::vector<std::string>> HeadQuerier::LabelNames(
    const std::vector<model::Matcher>& matchers) {
  if (matchers.empty() && CoversAllTime() && tombstones_ == nullptr) {
    return head_->postings().LabelNames();
  }
  std::set<std::string, std::less<>> names;
  for (SeriesRef ref : head_->postings().Select(matchers)) {
    MemSeries* s = head_->ByRef(ref);
    if (s == nullptr || !HasLiveSamples(s)) continue;
    for (const model::Label& l : s->labels()) {
      if (names.find(l.name) == names.end()) names.emplace(l.name);
    }
  }
  return std::vector<std::string>(names.begin(), names.end());
}

Result<std::vector<std::string>> HeadQuerier::LabelValues(
    std::string_view name, const std::vector<model::Matcher>& matchers) {
  if (matchers.empty() && CoversAllTime() && tombstones_ == nullptr) {
    return head_->postings().LabelValues(name);
  }
  std::set<std::string, std::less<>> values;
  for (SeriesRef ref : head_->postings().Select(matchers)) {
    MemSeries* s = head_->ByRef(ref);
    if (s == nullptr || !HasLiveSamples(s)) continue;
    std::string_view v = s->labels().Get(name);
    if (!v.empty() && values.find(v) == values.end()) values.emplace(v);
  }
  return std::vector<std::string>(values.begin(), values.end());
}

}  // namespace vigil::tsdb
