// RecordLog: a small append-only file of CRC-checked records, the durable
// store under the notification log, the outbox and the silences.
//
// Frame: u32 little-endian payload length, u32 little-endian CRC-32 (zlib)
// of the payload, the payload. Every Append is fdatasync'ed before it
// returns. Open replays the intact records in order and cuts a torn or
// corrupt tail off (a crash mid-append loses only that record). Rewrite
// replaces the whole file atomically (temp file, fsync, rename, fsync dir),
// which is how owners compact it.
// Thread-safety: none; the owner serialises calls.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/result.h"

namespace vigil::notify {

class RecordLog {
 public:
  static Result<std::unique_ptr<RecordLog>> Open(
      const std::string& path, const std::function<void(std::string_view)>& replay);
  ~RecordLog();
  RecordLog(const RecordLog&) = delete;
  RecordLog& operator=(const RecordLog&) = delete;

  Status Append(std::string_view record);
  Status Rewrite(const std::vector<std::string>& records);
  // Records in the file (replayed, rewritten and appended).
  size_t records() const { return records_; }
  const std::string& path() const { return path_; }

 private:
  RecordLog(std::string path, int fd, size_t records)
      : path_(std::move(path)), fd_(fd), records_(records) {}
  std::string path_;
  int fd_;
  size_t records_;
};

}  // namespace vigil::notify
