#include "db_impl.h"

#include <chrono>

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

Status DBImpl::Init() {
  VIGIL_RETURN_IF_ERROR(EnsureDir(path_));
  auto start = std::chrono::steady_clock::now();
  VIGIL_ASSIGN_OR_RETURN(
      wal_, Wal::Open(path_ + "/wal",
                      WalOptions{options_.wal_sync, options_.wal_segment_bytes}, metrics_.get(),
                      head_.get()));
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
  return std::unique_ptr<Querier>(std::make_unique<HeadQuerier>(head_.get(), nullptr, mint, maxt));
}

Status DBImpl::Checkpoint() { return wal_->Checkpoint(); }

DBStats DBImpl::Stats() {
  return DBStats{head_->NumSeries(), wal_->SizeBytes()};
}

void DBImpl::BackgroundLoop() {
  std::unique_lock lock(bg_mu_);
  while (!stopping_) {
    // A periodic tick: maintenance is driven by sizes, not by events.
    bg_cv_.wait_for(lock, std::chrono::seconds(1));
    if (stopping_) break;
    lock.unlock();
    if (wal_->BytesSinceCheckpoint() >= options_.checkpoint_after_bytes) {
      Status s = wal_->Checkpoint();
      if (!s.ok()) log::Error("WAL checkpoint failed", {{"err", s.ToString()}});
    }
    lock.lock();
  }
}

}  // namespace vigil::tsdb
