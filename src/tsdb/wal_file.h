// Small POSIX file helpers for the WAL: whole writes, fdatasync, directory
// listing and syncing, each returning a Status with errno's text.
// Thread-safety: free functions; no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/result.h"

namespace vigil::tsdb {

Status WriteAll(int fd, std::string_view data, const std::string& path);
Status SyncFd(int fd, const std::string& path);
Status SyncDir(const std::string& dir);
Status EnsureDir(const std::string& dir);
Result<std::string> ReadWholeFile(const std::string& path);
// Names of the entries of `dir` (no "." or "..").
Result<std::vector<std::string>> ListDir(const std::string& dir);
// 0 when the file cannot be stat'ed.
uint64_t FileSize(const std::string& path);
Status ErrnoStatus(std::string_view what, const std::string& path);

}  // namespace vigil::tsdb
