// The head's Appender: collects a batch, checks each sample against its
// series (and the batch's own earlier samples), and on Commit hands the batch
// to the commit log (the WAL) and then applies it to the head in log order.
// Thread-safety: one HeadAppender is used by one thread at a time.
#pragma once

#include <atomic>
#include <vector>

#include "head.h"
#include "vigil/tsdb/appender.h"

namespace vigil::tsdb {

// Where committed batches are made durable before the head applies them.
class CommitLog {
 public:
  virtual ~CommitLog() = default;
  struct Outcome {
    uint64_t seq = 0;  // the batch's place in the log; 0 when it was not written
    Status status;     // OK when durable
  };
  virtual Outcome Log(const Batch& batch) = 0;
};

class HeadAppender final : public Appender {
 public:
  // `log` may be null (no durability; for tests of the head alone).
  HeadAppender(Head* head, CommitLog* log);
  ~HeadAppender() override;

  Result<SeriesRef> Append(SeriesRef ref, const model::Labels& labels, TimestampMs t,
                           double v) override;
  void Prefetch(SeriesRef ref) override;
  Status Commit() override;
  void Rollback() override;

 private:
  void NewBatch();
  void EndBatch();  // releases the batch's series and the head epoch


  Head* head_;
  CommitLog* log_;
  uint64_t token_ = 0;  // marks the series this batch has samples for
  Batch batch_;
  // Series this batch holds (their in_batches was raised), and the head
  // epoch pinned while it holds any.
  std::vector<MemSeries*> touched_;
  uint64_t epoch_ = 0;  // 0: not pinned
};

}  // namespace vigil::tsdb
