#include "db_impl.h"

#include <chrono>
#include <filesystem>
#include <optional>

#include "head_appender.h"
#include "querier_impl.h"
#include "vigil/base/log.h"
#include "wal_file.h"

namespace vigil::tsdb {

Result<std::unique_ptr<DB>> DB::Open(const std::string& path, const Options& options) {
  if (options.max_samples_per_chunk < 1 || options.max_samples_per_chunk > kMaxChunkSamples) {
    return InvalidArgument("max_samples_per_chunk must be in [1, 65535]");
  }
  if (options.chunk_range_ms < 1) return InvalidArgument("chunk_range_ms must be positive");
  if (options.flush_interval_ms < 1) return InvalidArgument("flush_interval_ms must be positive");
  if (options.retention_time_ms < 0) return InvalidArgument("retention_time_ms must not be negative");
  if (options.retention_interval_ms < 1) {
    return InvalidArgument("retention_interval_ms must be positive");
  }
  auto db = std::make_unique<DBImpl>(path, options);
  VIGIL_RETURN_IF_ERROR(db->Init().WithPrefix("opening tsdb at " + path));
  return std::unique_ptr<DB>(std::move(db));
}

DBImpl::DBImpl(std::string path, Options options)
    : path_(std::move(path)), options_(options) {
  metrics::Registry* registry = options_.registry;
  if (registry == nullptr) {
    own_registry_ = std::make_unique<metrics::Registry>();
    registry = own_registry_.get();
  }
  metrics_ = std::make_unique<MetricsSet>(*registry);
  head_ = std::make_unique<Head>(
      HeadOptions{options_.max_samples_per_chunk, options_.chunk_range_ms}, metrics_.get());
}

DBImpl::~DBImpl() {
  {
    std::lock_guard lock(bg_mu_);
    stopping_ = true;
  }
  bg_cv_.notify_all();
  if (bg_thread_.joinable()) bg_thread_.join();
}

Status DBImpl::OpenStore(std::optional<uint32_t>* version) {
  StoreOptions store_options;
  store_options.chunk_range_ms = options_.chunk_range_ms;
  store_options.block_cache_bytes = options_.block_cache_bytes;
  store_options.write_buffer_bytes = options_.write_buffer_bytes;
  VIGIL_ASSIGN_OR_RETURN(store_, Store::Open(path_ + "/rocksdb", store_options));
  VIGIL_ASSIGN_OR_RETURN(*version, store_->FormatVersion());
  if (version->has_value() && **version > kFormatVersion) {
    return FailedPrecondition("the data directory has format version " +
                              std::to_string(**version) + ", newer than version " +
                              std::to_string(kFormatVersion) +
                              " that this vigil reads; use a newer vigil or another directory");
  }
  VIGIL_ASSIGN_OR_RETURN(std::optional<int64_t> range, store_->ChunkRange());
  if (range.has_value() && *range != options_.chunk_range_ms) {
    return InvalidArgument("chunk_range_ms is " + std::to_string(options_.chunk_range_ms) +
                           " but the data was written with " + std::to_string(*range));
  }
  if (!range.has_value()) VIGIL_RETURN_IF_ERROR(store_->SetChunkRange(options_.chunk_range_ms));
  VIGIL_ASSIGN_OR_RETURN(TimestampMs floor, store_->MinTime());
  head_->set_min_valid_time(floor);
  // Persisted series come back first, with their watermarks, so the WAL
  // replay skips every sample RocksDB already holds.
  Status bad_ref;
  VIGIL_RETURN_IF_ERROR(store_->LoadSeries([&](SeriesRef ref, model::Labels labels,
                                               const Store::Watermark& w) {
    MemSeries* s = head_->GetOrCreateWithRef(ref, labels);
    if (s == nullptr) {
      bad_ref = Status(StatusCode::kCorruption,
                       "persisted series ref " + std::to_string(ref) + " is out of range");
      return;
    }
    s->persisted.store(true);
    if (w.max_t == kMinTime) return;
    head_->RestoreWatermarks(s, w.max_t, w.last_v_bits, w.max_t);
    std::lock_guard lock(s->mu);
    s->persisted_min_t = std::min(s->persisted_min_t, w.min_t);
  }));
  return bad_ref;
}

// v0 → v1: a v0 directory kept every full chunk in the WAL checkpoint. The
// replay put them in the head; they move to RocksDB, and a checkpoint
// rewrites the WAL without them. Rerun from the start if interrupted: the
// version is written last.
Status DBImpl::MigrateFromV0() {
  std::lock_guard lock(maintenance_mu_);
  log::Info("migrating tsdb format", {{"path", path_}, {"from", int64_t{0}},
                                      {"to", static_cast<int64_t>(kFormatVersion)}});
  VIGIL_RETURN_IF_ERROR(FlushLocked().WithPrefix("migrating v0: flushing chunks"));
  return CheckpointLocked().WithPrefix("migrating v0: checkpoint");
}

Status DBImpl::Init() {
  VIGIL_RETURN_IF_ERROR(EnsureDir(path_));
  auto start = std::chrono::steady_clock::now();
  // Without a version: a new directory, or a v0 one (only a WAL).
  bool had_wal = std::filesystem::exists(path_ + "/wal");
  std::optional<uint32_t> version;
  VIGIL_RETURN_IF_ERROR(OpenStore(&version));
  VIGIL_ASSIGN_OR_RETURN(
      wal_, Wal::Open(path_ + "/wal",
                      WalOptions{options_.wal_sync, options_.wal_segment_bytes}, metrics_.get(),
                      head_.get()));
  if (!version.has_value()) {
    if (had_wal) VIGIL_RETURN_IF_ERROR(MigrateFromV0());
    VIGIL_RETURN_IF_ERROR(store_->SetFormatVersion(kFormatVersion));
  } else if (*version < kFormatVersion) {
    // v1 → v2 changes only the records new commits write: the replay above
    // read the old ones. v2 → v3 adds tombstones, which an older directory
    // has none of. v3 → v4 stores new chunks packed; Gorilla ones still read.
    // So raising the version is the whole migration (and keeps an older
    // vigil, which cannot read type 3 records, tombstones or packed chunks,
    // out).
    log::Info("migrating tsdb format", {{"path", path_}, {"from", static_cast<int64_t>(*version)},
                                        {"to", static_cast<int64_t>(kFormatVersion)}});
    VIGIL_RETURN_IF_ERROR(store_->SetFormatVersion(kFormatVersion));
  }
  if (version != std::optional<uint32_t>(kFormatVersion)) {
    VIGIL_RETURN_IF_ERROR(store_->Persist());  // the version and chunk range just written
  }
  // The WAL may still hold samples retention dropped before the restart.
  if (head_->min_valid_time() != kMinTime) {
    size_t removed = 0;
    VIGIL_RETURN_IF_ERROR(DropHeadBefore(head_->min_valid_time(), &removed));
  }
  VIGIL_RETURN_IF_ERROR(LoadTombstones());
  log::Info("TSDB opened",
            {{"path", path_}, {"series", static_cast<int64_t>(head_->NumSeries())},
             {"replay_ms", std::chrono::duration<double, std::milli>(
                               std::chrono::steady_clock::now() - start)
                               .count()}});
  if (options_.background) bg_thread_ = std::thread([this] { BackgroundLoop(); });
  return Status::Ok();
}

std::unique_ptr<Appender> DBImpl::NewAppender() {
  return std::make_unique<HeadAppender>(head_.get(), wal_.get());
}

Result<std::unique_ptr<Querier>> DBImpl::NewQuerier(TimestampMs mint, TimestampMs maxt) {
  if (mint > maxt) return InvalidArgument("querier: mint after maxt");
  // The tombstones first: see HeadQuerier.
  std::shared_ptr<const TombstoneMap> tombstones = tombstones_.Snapshot();
  return std::unique_ptr<Querier>(std::make_unique<HeadQuerier>(
      head_.get(), store_->NewReader(), mint, maxt, std::move(tombstones)));
}

Status DBImpl::Checkpoint() {
  std::lock_guard lock(maintenance_mu_);
  return CheckpointLocked();
}

Status DBImpl::CheckpointLocked() {
  // The checkpoint leaves out every chunk the flusher moved to RocksDB, and
  // those writes skipped RocksDB's WAL: they must be on disk before the WAL
  // segments that also hold their samples are deleted.
  VIGIL_RETURN_IF_ERROR(store_->Persist());
  return wal_->Checkpoint();
}

DBStats DBImpl::Stats() {
  return DBStats{head_->NumSeries(), wal_->SizeBytes(), store_->SizeBytes()};
}

void DBImpl::BackgroundLoop() {
  std::unique_lock lock(bg_mu_);
  auto last_retention = std::chrono::steady_clock::now() - std::chrono::hours(1);
  while (!stopping_) {
    // A periodic tick: maintenance is driven by sizes, not by events.
    bg_cv_.wait_for(lock, std::chrono::milliseconds(options_.flush_interval_ms));
    if (stopping_) break;
    lock.unlock();
    // Failures are logged and counted where they happen; the next tick retries.
    (void)Flush();
    auto now = std::chrono::steady_clock::now();
    if ((options_.retention_time_ms > 0 || options_.retention_size_bytes > 0) &&
        now - last_retention >= std::chrono::milliseconds(options_.retention_interval_ms)) {
      last_retention = now;
      (void)ApplyRetention();
    }
    if (wal_->BytesSinceCheckpoint() >= options_.checkpoint_after_bytes) {
      Status s = Checkpoint();
      if (!s.ok()) log::Error("WAL checkpoint failed", {{"err", s.ToString()}});
    }
    lock.lock();
  }
}

}  // namespace vigil::tsdb
