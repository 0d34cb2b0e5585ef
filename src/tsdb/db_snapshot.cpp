// DBImpl's snapshot (the admin API's `snapshot`): a data directory of its
// own, consistent as of one moment, that DB::Open (and `vigil tsdb`) reads.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "db_impl.h"
#include "vigil/base/log.h"
#include "wal_file.h"

namespace vigil::tsdb {

Status DBImpl::Snapshot(const std::string& dir, bool with_head) {
  // Nothing is flushed or checkpointed between the WAL checkpoint and the
  // RocksDB checkpoint: together they hold every sample exactly once, as a
  // restart after that checkpoint would see them.
  std::lock_guard lock(maintenance_mu_);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError("snapshot: creating " + dir + ": " + ec.message());
  std::string checkpoint_name;
  if (with_head) {
    VIGIL_RETURN_IF_ERROR(CheckpointLocked().WithPrefix("snapshot"));
    VIGIL_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(path_ + "/wal"));
    for (const std::string& name : names) {
      // The one checkpoint left (older ones are deleted by the checkpoint).
      if (name.starts_with("checkpoint.") && !name.ends_with(".tmp")) checkpoint_name = name;
    }
    if (checkpoint_name.empty()) return Internal("snapshot: the WAL checkpoint is missing");
  }
  VIGIL_RETURN_IF_ERROR(store_->Checkpoint(dir + "/rocksdb").WithPrefix("snapshot"));
  if (with_head) {
    VIGIL_RETURN_IF_ERROR(EnsureDir(dir + "/wal"));
    VIGIL_ASSIGN_OR_RETURN(std::string data, ReadWholeFile(path_ + "/wal/" + checkpoint_name));
    const std::string copy = dir + "/wal/" + checkpoint_name;
    int fd = ::open(copy.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("open", copy);
    Status s = WriteAll(fd, data, copy);
    if (s.ok()) s = SyncFd(fd, copy);
    ::close(fd);
    VIGIL_RETURN_IF_ERROR(s);
    VIGIL_RETURN_IF_ERROR(SyncDir(dir + "/wal"));
  }
  log::Info("snapshot written", {{"dir", dir}, {"with_head", with_head}});
  return Status::Ok();
}

}  // namespace vigil::tsdb
