// DBImpl: the DB behind vigil/tsdb/db.h, wiring the head, the WAL, the
// persisted store, the querier and the background maintenance thread
// (flushes, checkpoints). Maintenance is serialized by `maintenance_mu_`.
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "head.h"
#include "metrics_set.h"
#include "store.h"
#include "tombstones.h"
#include "vigil/tsdb/db.h"
#include "wal.h"

namespace vigil::tsdb {

class DBImpl final : public DB {
 public:
  DBImpl(std::string path, Options options);
  ~DBImpl() override;

  Status Init();

  std::unique_ptr<Appender> NewAppender() override;
  Result<std::unique_ptr<Querier>> NewQuerier(TimestampMs mint, TimestampMs maxt) override;
  Status Checkpoint() override;
  Status Flush() override;
  Status ApplyRetention() override;
  Status DeleteSeries(const std::vector<model::Matcher>& matchers, TimestampMs mint,
                      TimestampMs maxt) override;
  Status CleanTombstones() override;
  Status Snapshot(const std::string& dir, bool with_head) override;
  DBStats Stats() override;

  Head* head() const { return head_.get(); }
  Store* store() const { return store_.get(); }

 private:
  Status OpenStore(std::optional<uint32_t>* version);
  Status MigrateFromV0();
  Status FlushLocked();       // caller holds maintenance_mu_
  Status CheckpointLocked();  // caller holds maintenance_mu_
  void UpdateRocksMetrics();  // caller holds maintenance_mu_
  Status RetentionLocked();  // caller holds maintenance_mu_
  // Drops head chunks before `floor` and the series left empty (also from
  // RocksDB); caller holds maintenance_mu_ or is Init.
  Status DropHeadBefore(TimestampMs floor, size_t* removed);
  Status WriteFlush(std::vector<FlushItem>* items, std::vector<MemSeries*>* series);
  // Tombstones (db_tombstones.cpp). Load: those of series the head has
  // (others are stale: their series left); called by Init after the replay.
  Status LoadTombstones();
  // Rewrites the persisted chunks of `s` without the deleted samples, adding
  // the edits; whether a persisted sample is left. Caller holds maintenance_mu_.
  Result<bool> CleanPersisted(MemSeries* s, const Intervals& deleted, ChunkSource* reader,
                              std::vector<ChunkEdit>* edits);
  // The same for its head chunks, in place under s->mu.
  Result<bool> CleanHead(MemSeries* s, const Intervals& deleted);
  void BackgroundLoop();

  const std::string path_;
  const Options options_;
  std::unique_ptr<metrics::Registry> own_registry_;
  std::unique_ptr<MetricsSet> metrics_;
  std::unique_ptr<Head> head_;
  std::unique_ptr<Store> store_;  // before wal_: replay needs the watermarks
  std::unique_ptr<Wal> wal_;
  // Changed under maintenance_mu_ (so a clean never drops a newer deletion).
  Tombstones tombstones_;
  std::mutex maintenance_mu_;  // one flush, checkpoint or retention pass at a time
  // Open chunks ending before this were sealed (guarded by maintenance_mu_).
  TimestampMs sealed_before_ = kMinTime;
  RocksStats reported_rocks_;  // guarded by maintenance_mu_; what the counters hold
  size_t flushed_since_trim_ = 0;  // guarded by maintenance_mu_; chunk and memtable bytes

  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool stopping_ = false;  // guarded by bg_mu_
  std::thread bg_thread_;
};

}  // namespace vigil::tsdb
