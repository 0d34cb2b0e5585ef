#include "head.h"

#include <algorithm>
#include <bit>

namespace vigil::tsdb {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace

Head::Head(HeadOptions options, MetricsSet* metrics)
    : options_(options), metrics_(metrics), hash_stripes_(new HashStripe[kStripes]) {}

Head::~Head() = default;

MemSeries* Head::Insert(SeriesRef ref, const model::Labels& labels, uint64_t hash) {
  // Caller holds the hash stripe's lock; the ref table locks after it,
  // never before, so the two orders cannot deadlock.
  auto series = std::make_unique<MemSeries>(ref, labels);
  MemSeries* s = series.get();
  hash_stripes_[hash % kStripes].by_hash.emplace(hash, s);
  refs_.Insert(std::move(series));
  postings_.Add(ref, labels);
  metrics_->series_created.Inc();
  metrics_->head_series.Inc();
  return s;
}

MemSeries* Head::HashStripe::Find(uint64_t hash, const model::Labels& labels) const {
  auto [it, end] = by_hash.equal_range(hash);
  for (; it != end; ++it) {
    if (it->second->labels() == labels) return it->second;
  }
  return nullptr;
}

MemSeries* Head::GetOrCreate(const model::Labels& labels) {
  uint64_t hash = labels.Hash();
  HashStripe& hs = hash_stripes_[hash % kStripes];
  std::lock_guard lock(hs.mu);
  if (MemSeries* s = hs.Find(hash, labels)) return s;
  return Insert(next_ref_.fetch_add(1), labels, hash);
}

MemSeries* Head::GetOrCreateWithRef(SeriesRef ref, const model::Labels& labels) {
  if (ref == 0 || ref > kMaxSeriesRef) return nullptr;
  uint64_t hash = labels.Hash();
  HashStripe& hs = hash_stripes_[hash % kStripes];
  std::lock_guard lock(hs.mu);
  if (MemSeries* s = hs.Find(hash, labels)) return s;
  SeriesRef next = next_ref_.load();
  while (next <= ref && !next_ref_.compare_exchange_weak(next, ref + 1)) {
  }
  if (ByRef(ref) != nullptr) ref = next_ref_.fetch_add(1);  // a ref reused for other labels
  return Insert(ref, labels, hash);
}

MemSeries* Head::ByRef(SeriesRef ref) const { return refs_.Get(ref); }

Head::AppendOutcome Head::Check(const MemSeries& s, TimestampMs t, uint64_t v_bits) {
  if (s.max_t == kMinTime || t > s.max_t) return AppendOutcome::kAppended;
  if (t < s.max_t) return AppendOutcome::kOutOfOrder;
  return v_bits == s.last_v_bits ? AppendOutcome::kIgnored : AppendOutcome::kDuplicate;
}

void Head::CutChunk(MemSeries* s) {
  if (!s->open.empty()) {
    s->closed.push_back(ChunkRef{std::make_shared<const std::string>(s->open.bytes()),
                                 s->open.min_time(), s->open.max_time()});
    dirty_chunks_.fetch_add(1);
    s->open.Reset();
  }
  metrics_->chunks_created.Inc();
  metrics_->head_chunks.Inc();
}

Head::PersistedSpan Head::Snapshot(MemSeries* s, TimestampMs mint, TimestampMs maxt,
                                   ChunkArena* arena, std::vector<ChunkView>* views,
                                   std::vector<std::shared_ptr<const std::string>>* owners) const {
  std::lock_guard lock(s->mu);
  for (const ChunkRef& c : s->closed) {
    if (c.max_t < mint || c.min_t > maxt) continue;
    views->push_back(ChunkView{*c.bytes, c.min_t, c.max_t});
    owners->push_back(c.bytes);
  }
  if (!s->open.empty() && s->open.max_time() >= mint && s->open.min_time() <= maxt) {
    views->push_back(
        ChunkView{arena->Copy(s->open.bytes()), s->open.min_time(), s->open.max_time()});
  }
  return PersistedSpan{s->persisted_min_t, s->persisted_max_t, s->persisted_newest_min_t};
}

uint64_t Head::NextSeq() { return next_seq_.fetch_add(1) + 1; }

Head::AppendOutcome Head::AppendLocked(MemSeries* s, TimestampMs t, double v, bool* cut) {
  uint64_t bits = std::bit_cast<uint64_t>(v);
  AppendOutcome outcome = Check(*s, t, bits);
  if (outcome != AppendOutcome::kAppended) return outcome;
  bool need_cut = s->open.empty();
  if (!need_cut) {
    need_cut = s->open.num_samples() >= options_.max_samples_per_chunk ||
               s->open.num_samples() >= kMaxChunkSamples ||
               FloorDiv(t, options_.chunk_range_ms) !=
                   FloorDiv(s->open.min_time(), options_.chunk_range_ms);
  }
  if (need_cut) {
    *cut = !s->open.empty();
    CutChunk(s);
  }
  s->open.Append(t, v);
  s->max_t = t;
  s->last_v_bits = bits;
  return outcome;
}

void Head::RaiseNewest(TimestampMs t) {
  TimestampMs newest = newest_.load(std::memory_order_relaxed);
  while (t > newest && !newest_.compare_exchange_weak(newest, t)) {
  }
}

Head::AppendOutcome Head::AppendCommitted(MemSeries* s, TimestampMs t, double v) {
  bool cut = false;
  AppendOutcome outcome;
  {
    std::lock_guard lock(s->mu);
    outcome = AppendLocked(s, t, v, &cut);
  }
  switch (outcome) {
    case AppendOutcome::kAppended:
      metrics_->samples_appended.Inc();
      RaiseNewest(t);
      break;
    case AppendOutcome::kOutOfOrder: metrics_->out_of_order.Inc(); break;
    case AppendOutcome::kDuplicate: metrics_->duplicate.Inc(); break;
    case AppendOutcome::kIgnored: break;
  }
  if (cut) MarkDirty(s);
  return outcome;
}

void Head::MarkDirty(MemSeries* s) {
  std::lock_guard lock(dirty_mu_);
  dirty_.push_back(s);
}

std::vector<ChunkRef> Head::ClosedChunks(MemSeries* s) const {
  std::lock_guard lock(s->mu);
  return s->closed;
}

void Head::MarkPersisted(MemSeries* s, size_t n, TimestampMs min_t, TimestampMs max_t) {
  {
    std::lock_guard lock(s->mu);
    n = std::min(n, s->closed.size());
    if (n > 0) s->persisted_newest_min_t = s->closed[n - 1].min_t;
    s->closed.erase(s->closed.begin(), s->closed.begin() + static_cast<ptrdiff_t>(n));
    // Series wait a whole chunk for their next closed one: keep no buffer.
    if (s->closed.empty()) s->closed.shrink_to_fit();
    if (max_t > s->persisted_max_t) s->persisted_max_t = max_t;
    if (min_t < s->persisted_min_t) s->persisted_min_t = min_t;
  }
  s->persisted.store(true);
  metrics_->head_chunks.Add(-static_cast<double>(n));
}

std::vector<MemSeries*> Head::TakeDirty() {
  std::vector<MemSeries*> out;
  {
    std::lock_guard lock(dirty_mu_);
    out.swap(dirty_);
  }
  dirty_chunks_.store(0);
  return out;
}

void Head::ApplyInOrder(uint64_t seq, const Batch& batch, bool apply) {
  {
    std::unique_lock lock(seq_mu_);
    seq_cv_.wait(lock, [&] { return applied_seq_ + 1 >= seq; });
  }
  if (apply) ApplyBatch(batch);
  {
    std::lock_guard lock(seq_mu_);
    if (seq > applied_seq_) applied_seq_ = seq;
  }
  seq_cv_.notify_all();
}

void Head::ApplyBatch(const Batch& batch) {
  // A batch holds one sample per series of a scrape, and those series were
  // last touched a scrape ago: fetching each a few samples ahead hides most
  // of the cache misses. Metrics and the newest time are updated once.
  constexpr size_t kPrefetchAhead = 8;
  const size_t n = batch.samples.size();
  uint64_t appended = 0, out_of_order = 0, duplicate = 0;
  TimestampMs newest = kMinTime;
  std::shared_lock vis(visibility_mu_);
  for (size_t i = 0; i < n; ++i) {
    if (i + kPrefetchAhead < n) {
      // Every line of the fields an append touches: its first 64 bytes and
      // the open chunk after them (three lines unless the object starts one).
      const MemSeries* ahead = batch.samples[i + kPrefetchAhead].series;
      const char* first = reinterpret_cast<const char*>(ahead);
      const char* last = reinterpret_cast<const char*>(&ahead->open + 1) - 1;
      __builtin_prefetch(first, 1);
      __builtin_prefetch(first + 64, 1);
      __builtin_prefetch(last, 1);
    }
    const PendingSample& p = batch.samples[i];
    bool cut = false;
    AppendOutcome outcome;
    {
      std::lock_guard lock(p.series->mu);
      outcome = AppendLocked(p.series, p.t, p.v, &cut);
    }
    switch (outcome) {
      case AppendOutcome::kAppended:
        ++appended;
        newest = std::max(newest, p.t);
        break;
      case AppendOutcome::kOutOfOrder: ++out_of_order; break;
      case AppendOutcome::kDuplicate: ++duplicate; break;
      case AppendOutcome::kIgnored: break;
    }
    if (cut) MarkDirty(p.series);
  }
  if (appended > 0) {
    metrics_->samples_appended.Inc(static_cast<double>(appended));
    RaiseNewest(newest);
  }
  if (out_of_order > 0) metrics_->out_of_order.Inc(static_cast<double>(out_of_order));
  if (duplicate > 0) metrics_->duplicate.Inc(static_cast<double>(duplicate));
}

void Head::ReplaySample(MemSeries* s, TimestampMs t, double v) {
  {
    std::lock_guard lock(s->mu);
    if (s->max_t != kMinTime && t <= s->max_t) return;
  }
  AppendCommitted(s, t, v);
}

void Head::RestoreWatermarks(MemSeries* s, TimestampMs max_t, uint64_t last_v_bits,
                             TimestampMs persisted_max_t) {
  std::lock_guard lock(s->mu);
  if (persisted_max_t > s->persisted_max_t) s->persisted_max_t = persisted_max_t;
  // Samples up to max_t may all be persisted: keep refusing older ones.
  if (s->max_t == kMinTime || max_t > s->max_t) {
    s->max_t = max_t;
    s->last_v_bits = last_v_bits;
  }
}

void Head::WaitApplied(uint64_t seq) {
  std::unique_lock lock(seq_mu_);
  seq_cv_.wait(lock, [&] { return applied_seq_ >= seq; });
}

uint64_t Head::applied_seq() const {
  std::lock_guard lock(seq_mu_);
  return applied_seq_;
}

void Head::ResetSeq(uint64_t seq) {
  std::lock_guard lock(seq_mu_);
  applied_seq_ = seq;
  next_seq_.store(seq);
}

void Head::ForEachSeries(const std::function<void(MemSeries*)>& fn) const { refs_.ForEach(fn); }

}  // namespace vigil::tsdb

namespace vigil::tsdb {

uint64_t Head::Pin() {
  std::lock_guard lock(epoch_mu_);
  pinned_.insert(epoch_);
  return epoch_;
}

void Head::Unpin(uint64_t epoch) {
  std::lock_guard lock(epoch_mu_);
  auto it = pinned_.find(epoch);
  if (it != pinned_.end()) pinned_.erase(it);
  Reclaim();
}

void Head::Reclaim() {
  uint64_t oldest = pinned_.empty() ? UINT64_MAX : *pinned_.begin();
  std::erase_if(graveyard_, [&](const auto& g) { return g.first < oldest; });
  std::erase_if(segment_graveyard_, [&](const auto& g) { return g.first < oldest; });
}

bool Head::TruncateBefore(MemSeries* s, TimestampMs t) {
  std::lock_guard lock(s->mu);
  size_t n = 0;
  while (n < s->closed.size() && s->closed[n].max_t < t) ++n;
  s->closed.erase(s->closed.begin(), s->closed.begin() + static_cast<ptrdiff_t>(n));
  metrics_->head_chunks.Add(-static_cast<double>(n));
  bool open_empty = s->open.empty();
  if (!open_empty && s->open.max_time() < t) {
    s->open.Reset();
    metrics_->head_chunks.Dec();
    open_empty = true;
  }
  return s->closed.empty() && open_empty;
}

std::vector<std::pair<SeriesRef, model::Labels>> Head::RemoveEmpty(
    const std::vector<MemSeries*>& candidates, TimestampMs persisted_floor) {
  std::vector<std::pair<SeriesRef, model::Labels>> removed;
  std::vector<std::unique_ptr<MemSeries>> owned;
  std::vector<std::unique_ptr<SeriesRefTable::Segment>> segments;
  for (MemSeries* s : candidates) {
    uint64_t hash = s->labels().Hash();
    HashStripe& hs = hash_stripes_[hash % kStripes];
    std::lock_guard hash_lock(hs.mu);  // no GetOrCreate finds it meanwhile
    std::lock_guard lock(s->mu);
    bool empty = s->closed.empty() && s->open.empty();
    bool persisted_left = s->persisted_max_t != kMinTime && s->persisted_max_t >= persisted_floor;
    if (!empty || persisted_left || s->in_batches.load() > 0 || s->removed) continue;
    s->removed = true;
    auto [it, end] = hs.by_hash.equal_range(hash);
    while (it != end && it->second != s) ++it;
    if (it != end) hs.by_hash.erase(it);
    if (refs_.Get(s->ref()) != s) continue;
    std::unique_ptr<SeriesRefTable::Segment> segment;
    owned.push_back(refs_.Remove(s->ref(), &segment));
    if (segment != nullptr) segments.push_back(std::move(segment));
  }
  if (owned.empty()) return removed;
  {
    std::lock_guard lock(dirty_mu_);
    std::erase_if(dirty_, [](MemSeries* s) {
      std::lock_guard l(s->mu);
      return s->removed;
    });
  }
  std::lock_guard lock(epoch_mu_);
  for (auto& s : owned) {
    postings_.Remove(s->ref(), s->labels());
    metrics_->head_series.Dec();
    removed.emplace_back(s->ref(), s->labels());
    graveyard_.emplace_back(epoch_, std::move(s));
  }
  for (auto& segment : segments) segment_graveyard_.emplace_back(epoch_, std::move(segment));
  ++epoch_;
  Reclaim();
  return removed;
}

bool Head::HasSamplesIn(MemSeries* s, TimestampMs mint, TimestampMs maxt) const {
  std::lock_guard lock(s->mu);
  if (s->persisted_max_t != kMinTime && s->persisted_max_t >= mint &&
      s->persisted_min_t <= maxt) {
    return true;
  }
  for (const ChunkRef& c : s->closed) {
    if (c.max_t >= mint && c.min_t <= maxt) return true;
  }
  return !s->open.empty() && s->open.max_time() >= mint && s->open.min_time() <= maxt;
}

size_t Head::SealBefore(TimestampMs t) {
  size_t sealed = 0;
  ForEachSeries([&](MemSeries* s) {
    {
      std::lock_guard lock(s->mu);
      if (s->open.empty() || s->open.max_time() >= t) return;
      s->closed.push_back(ChunkRef{std::make_shared<const std::string>(s->open.bytes()),
                                   s->open.min_time(), s->open.max_time()});
      s->open.Reset();
    }
    dirty_chunks_.fetch_add(1);
    MarkDirty(s);
    ++sealed;
  });
  return sealed;
}

TimestampMs Head::MaxTime() const {
  TimestampMs max = kMinTime;
  ForEachSeries([&](MemSeries* s) {
    std::lock_guard lock(s->mu);
    if (s->max_t > max) max = s->max_t;
  });
  return max;
}

}  // namespace vigil::tsdb
