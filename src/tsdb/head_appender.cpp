#include "head_appender.h"

#include <bit>

namespace vigil::tsdb {
namespace {

std::atomic<uint64_t> next_token{1};

}  // namespace

HeadAppender::HeadAppender(Head* head, CommitLog* log) : head_(head), log_(log) { NewBatch(); }

HeadAppender::~HeadAppender() { EndBatch(); }

void HeadAppender::EndBatch() {
  for (MemSeries* s : touched_) s->in_batches.fetch_sub(1);
  touched_.clear();
  if (epoch_ != 0) head_->Unpin(epoch_);
  epoch_ = 0;
}

void HeadAppender::NewBatch() {
  EndBatch();
  token_ = next_token.fetch_add(1);
  batch_.new_series.clear();
  batch_.samples.clear();
}

Result<SeriesRef> HeadAppender::Append(SeriesRef ref, const model::Labels& labels,
                                       TimestampMs t, double v) {
  MetricsSet* m = head_->metrics();
  if (t < head_->min_valid_time()) {
    m->out_of_bounds.Inc();
    return Status(StatusCode::kOutOfRange, "out of bounds");
  }
  // Series pointers stay valid while the batch pins the head's epoch.
  if (epoch_ == 0) epoch_ = head_->Pin();
  MemSeries* s = ref != 0 ? head_->ByRef(ref) : nullptr;
  if (s == nullptr && labels.empty()) {
    if (ref == 0) return InvalidArgument("empty label set and no series ref");
    return NotFound("unknown series ref and no labels");
  }
  uint64_t bits = std::bit_cast<uint64_t>(v);
  for (;;) {
    if (s == nullptr) s = head_->GetOrCreate(labels);
    std::unique_lock lock(s->mu);
    if (s->removed) {
      // Retention removed it after the lookup: the labels make a new one.
      if (labels.empty()) return NotFound("series was removed by retention");
      s = nullptr;
      continue;
    }
    Head::AppendOutcome outcome;
    if (s->pending_token == token_) {
      outcome = t > s->pending_t    ? Head::AppendOutcome::kAppended
                : t < s->pending_t  ? Head::AppendOutcome::kOutOfOrder
                : bits == s->pending_v_bits ? Head::AppendOutcome::kIgnored
                                            : Head::AppendOutcome::kDuplicate;
    } else {
      outcome = Head::Check(*s, t, bits);
    }
    switch (outcome) {
      case Head::AppendOutcome::kIgnored:
        return s->ref();
      case Head::AppendOutcome::kOutOfOrder:
        m->out_of_order.Inc();
        return Status(StatusCode::kOutOfRange, "out of order sample");
      case Head::AppendOutcome::kDuplicate:
        m->duplicate.Inc();
        return Status(StatusCode::kAlreadyExists, "duplicate sample for timestamp");
      case Head::AppendOutcome::kAppended:
        break;
    }
    if (s->pending_token != token_) {
      // Commit appends to the open chunk's tail: start fetching it now.
      s->open.PrefetchTail();
      s->pending_token = token_;
      ++s->in_batches;
      touched_.push_back(s);
      if (!s->logged.load()) batch_.new_series.push_back(s);
    }
    s->pending_t = t;
    s->pending_v_bits = bits;
    break;
  }
  batch_.samples.push_back(PendingSample{s, t, v});
  return s->ref();
}

void HeadAppender::Prefetch(SeriesRef ref) {
  // The pinned epoch keeps the ref table's segments alive for ByRef; the
  // series' address is only prefetched, never read. Append reads its first
  // 64 bytes and the open chunk's buffer pointer after them: two lines, as
  // a MemSeries starts 16-byte aligned.
  if (epoch_ == 0) epoch_ = head_->Pin();
  if (MemSeries* s = head_->ByRef(ref)) {
    __builtin_prefetch(s, 1);
    __builtin_prefetch(reinterpret_cast<const char*>(&s->open) + 15, 1);
  }
}

Status HeadAppender::Commit() {
  if (batch_.samples.empty()) {
    NewBatch();
    return Status::Ok();
  }
  CommitLog::Outcome out;
  if (log_ != nullptr) {
    out = log_->Log(batch_);
  } else {
    out.seq = head_->NextSeq();
  }
  if (out.seq != 0) head_->ApplyInOrder(out.seq, batch_, out.status.ok());
  if (out.status.ok()) {
    for (MemSeries* s : batch_.new_series) s->logged.store(true);
    head_->metrics()->commits.Inc();
  } else {
    head_->metrics()->commits_failed.Inc();
  }
  NewBatch();
  return out.status;
}

void HeadAppender::Rollback() { NewBatch(); }

}  // namespace vigil::tsdb
