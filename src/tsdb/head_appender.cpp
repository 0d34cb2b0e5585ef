#include "head_appender.h"

#include <bit>

namespace vigil::tsdb {
namespace {

std::atomic<uint64_t> next_token{1};

}  // namespace

HeadAppender::HeadAppender(Head* head, CommitLog* log) : head_(head), log_(log) { NewBatch(); }

HeadAppender::~HeadAppender() = default;

void HeadAppender::NewBatch() {
  token_ = next_token.fetch_add(1);
  batch_.new_series.clear();
  batch_.samples.clear();
}

Result<SeriesRef> HeadAppender::Append(SeriesRef ref, const model::Labels& labels,
                                       TimestampMs t, double v) {
  MemSeries* s = ref != 0 ? head_->ByRef(ref) : nullptr;
  if (s == nullptr) {
    if (labels.empty()) return InvalidArgument("empty label set and unknown series ref");
    s = head_->GetOrCreate(labels);
  }
  MetricsSet* m = head_->metrics();
  if (t < head_->min_valid_time()) {
    m->out_of_bounds.Inc();
    return Status(StatusCode::kOutOfRange, "out of bounds");
  }
  uint64_t bits = std::bit_cast<uint64_t>(v);
  {
    std::lock_guard lock(s->mu);
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
      s->pending_token = token_;
      if (!s->logged.load()) batch_.new_series.push_back(s);
    }
    s->pending_t = t;
    s->pending_v_bits = bits;
  }
  batch_.samples.push_back(PendingSample{s, t, v});
  return s->ref();
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
