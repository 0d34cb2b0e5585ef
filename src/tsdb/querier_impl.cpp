#include "querier_impl.h"

#include <algorithm>
#include <mutex>
#include <set>

namespace vigil::tsdb {
namespace {

struct SeriesEntry {
  SeriesRef ref;
  const model::Labels* labels;  // owned by the head's series, kept by the querier's epoch
  std::vector<ChunkRef> head_chunks;
  TimestampMs persisted_max_t;
  TimestampMs persisted_min_t;
  const Intervals* deleted = nullptr;  // its tombstones, when it has some
};

class ListSeries final : public Series {
 public:
  const model::Labels& labels() const override { return *labels_; }
  std::unique_ptr<SampleIterator> Iterator() const override {
    auto it = std::make_unique<ChunkListIterator>(chunks_, mint_, maxt_);
    if (deleted_ == nullptr) return it;
    return std::make_unique<TombstoneFilterIterator>(std::move(it), deleted_);
  }

  const model::Labels* labels_ = nullptr;
  const Intervals* deleted_ = nullptr;
  std::vector<ChunkRef> chunks_;
  TimestampMs mint_ = 0;
  TimestampMs maxt_ = 0;
};

class HeadSeriesSet final : public SeriesSet {
 public:
  HeadSeriesSet(std::vector<SeriesEntry> entries, std::shared_ptr<ChunkSource> source,
                TimestampMs mint, TimestampMs maxt)
      : entries_(std::move(entries)), source_(std::move(source)), mint_(mint), maxt_(maxt) {}

  bool Next() override {
    while (next_ < entries_.size()) {
      SeriesEntry& e = entries_[next_++];
      current_.labels_ = e.labels;
      current_.mint_ = mint_;
      current_.maxt_ = maxt_;
      current_.chunks_.clear();
      if (source_ != nullptr && e.persisted_max_t != kMinTime && e.persisted_max_t >= mint_) {
        Status s = source_->ReadChunks(e.ref, mint_, maxt_, e.persisted_min_t, e.persisted_max_t,
                                       &current_.chunks_);
        if (!s.ok()) {
          status_ = s;
          return false;
        }
      }
      for (ChunkRef& c : e.head_chunks) current_.chunks_.push_back(std::move(c));
      current_.deleted_ = e.deleted;
      if (e.deleted != nullptr && !HasLiveSample()) {
        if (!status_.ok()) return false;
        continue;
      }
      if (!current_.chunks_.empty()) return true;
    }
    return false;
  }
  const Series& At() const override { return current_; }
  Status status() const override { return status_; }

 private:
  // Drops the current series' wholly deleted chunks; whether a sample in
  // range is left (as Prometheus's querier, which skips a series left
  // without chunks).
  bool HasLiveSample() {
    std::erase_if(current_.chunks_, [&](const ChunkRef& c) {
      return IntervalsCover(*current_.deleted_, c.min_t, c.max_t);
    });
    if (current_.chunks_.empty()) return false;
    std::unique_ptr<SampleIterator> it = current_.Iterator();
    if (it->Next()) return true;
    status_ = it->status();
    return false;
  }

  std::vector<SeriesEntry> entries_;
  std::shared_ptr<ChunkSource> source_;
  TimestampMs mint_;
  TimestampMs maxt_;
  size_t next_ = 0;
  ListSeries current_;
  Status status_;
};

}  // namespace

ChunkListIterator::ChunkListIterator(std::vector<ChunkRef> chunks, TimestampMs mint,
                                     TimestampMs maxt)
    : chunks_(std::move(chunks)), mint_(mint), maxt_(maxt) {}

bool ChunkListIterator::OpenChunk() {
  while (index_ < chunks_.size()) {
    const ChunkRef& c = chunks_[index_];
    if (c.max_t >= mint_ && c.min_t <= maxt_) {
      it_ = std::make_unique<ChunkIterator>(*c.bytes);
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
    if (it_ == nullptr && !OpenChunk()) break;
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
  if (valid_ && it_ != nullptr && it_->t() >= t) return true;
  valid_ = false;
  t = std::max(t, mint_);
  // Skip whole chunks that end before t.
  while (index_ < chunks_.size() && chunks_[index_].max_t < t) {
    ++index_;
    it_.reset();
  }
  if (it_ == nullptr && !OpenChunk()) {
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
// Prometheus's block querier does.
std::unique_ptr<SeriesSet> HeadQuerier::Select(bool /*sorted*/, const SelectHints* hints,
                                               const std::vector<model::Matcher>& matchers) {
  TimestampMs mint = mint_;
  TimestampMs maxt = maxt_;
  if (hints != nullptr && hints->start <= hints->end &&
      (hints->start != 0 || hints->end != 0)) {
    mint = std::max(mint, hints->start);
    maxt = std::min(maxt, hints->end);
    if (mint > maxt) {
      return std::make_unique<HeadSeriesSet>(std::vector<SeriesEntry>(), nullptr, mint, maxt);
    }
  }
  Postings refs = head_->postings().Select(matchers);
  std::vector<SeriesEntry> entries;
  entries.reserve(refs.size());
  {
    std::unique_lock vis(head_->visibility_mu());
    for (SeriesRef ref : refs) {
      MemSeries* s = head_->ByRef(ref);
      if (s == nullptr) continue;
      SeriesEntry e{ref, &s->labels(), {}, kMinTime, kMaxTime, DeletedOf(ref)};
      e.head_chunks = head_->Snapshot(s, mint, maxt, &e.persisted_max_t, &e.persisted_min_t);
      if (e.head_chunks.empty() && (e.persisted_max_t == kMinTime || e.persisted_max_t < mint)) {
        continue;
      }
      entries.push_back(std::move(e));
    }
  }
  if (source_ != nullptr) source_->Refresh();
  std::sort(entries.begin(), entries.end(),
            [](const SeriesEntry& a, const SeriesEntry& b) { return *a.labels < *b.labels; });
  return std::make_unique<HeadSeriesSet>(std::move(entries), source_, mint, maxt);
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
    if (s->open != nullptr && s->open->num_samples() > 0) lo = std::min(lo, s->open->min_time());
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
