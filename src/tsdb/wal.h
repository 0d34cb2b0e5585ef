// The write-ahead log: every committed batch (its new series and its samples)
// as one CRC-checked record appended to numbered segment files. Commit returns
// once the record is written to the file (write(2)): the page cache survives
// a kill -9 of the process, so no returned commit is lost then. Against power
// loss the segment is fdatasync'ed by a background thread every
// `sync_interval_ms` and when it is full, as Prometheus syncs its WAL only per
// segment; `sync_interval_ms` 0 syncs every commit instead (concurrent commits
// share one fsync: group commit). A checkpoint writes the head's unpersisted
// state to one file and deletes the segments it covers, so replay stays
// bounded.
//
// On open, the checkpoint and then the newer segments are replayed into the
// head. A torn or corrupted record ends the replay: the segment is cut at the
// last good record, newer segments are deleted, the loss is logged and
// counted, and the DB opens. Layout: docs/format/tsdb.md.
// Thread-safety: Log may be called from any thread; Checkpoint from one
// thread at a time.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "head.h"
#include "head_appender.h"
#include "metrics_set.h"

namespace vigil::tsdb {

struct WalOptions {
  bool sync = true;                          // false: never fdatasync (throwaway data)
  uint64_t segment_bytes = 32 * 1024 * 1024;  // a new segment after this many bytes
  // The most a power loss can take back, in ms of commits; 0: none (an
  // fdatasync per commit).
  int64_t sync_interval_ms = 1000;
};

class Wal final : public CommitLog {
 public:
  // Replays `dir` into `head`, then opens a fresh segment for writing.
  static Result<std::unique_ptr<Wal>> Open(const std::string& dir, WalOptions options,
                                           MetricsSet* metrics, Head* head);
  ~Wal() override;

  Outcome Log(const Batch& batch) override;

  // Writes the head's unpersisted state and deletes the segments it covers.
  Status Checkpoint();

  // Bytes in segments and the checkpoint.
  uint64_t SizeBytes() const { return size_bytes_.load(); }
  // Bytes written to segments since the last checkpoint.
  uint64_t BytesSinceCheckpoint() const { return since_checkpoint_.load(); }

 private:
  struct File;
  Wal(std::string dir, WalOptions options, MetricsSet* metrics, Head* head);
  Status Replay();
  Status ReplayFile(const std::string& path, bool* corrupted);
  Status ApplyRecord(std::string_view payload);
  Status OpenSegment(uint64_t index);  // caller holds mu_ (or is Open)
  Status Sync(uint64_t seq);
  void SyncLoop();  // the background syncer, when sync_interval_ms > 0

  const std::string dir_;
  const WalOptions options_;
  MetricsSet* metrics_;
  Head* head_;

  std::mutex mu_;
  std::shared_ptr<File> current_;  // guarded by mu_
  uint64_t segment_index_ = 0;     // guarded by mu_
  uint64_t seq_ = 0;               // guarded by mu_; the newest written record's sequence
  std::atomic<bool> broken_{false};

  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  uint64_t synced_seq_ = 0;  // guarded by sync_mu_
  bool syncing_ = false;     // guarded by sync_mu_

  std::mutex syncer_mu_;
  std::condition_variable syncer_cv_;
  bool stopping_ = false;  // guarded by syncer_mu_
  std::thread syncer_;

  std::atomic<uint64_t> size_bytes_{0};
  std::atomic<uint64_t> since_checkpoint_{0};
  std::mutex checkpoint_mu_;
};

// Record framing, shared with the tests that corrupt WAL files.
inline constexpr size_t kWalRecordHeader = 8;  // u32 length, u32 CRC-32 of the payload
std::string EncodeWalRecord(std::string_view payload);
// Fills in the header of a record whose payload follows kWalRecordHeader
// placeholder bytes.
void SealWalRecord(std::string* record);
uint32_t WalChecksum(std::string_view payload);

}  // namespace vigil::tsdb
