#include "record_log.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>

#include "vigil/base/log.h"

namespace vigil::notify {
namespace {

constexpr size_t kHeaderSize = 8;
constexpr uint32_t kMaxRecordSize = 64u << 20;

Status Errno(const std::string& what, const std::string& path) {
  return IoError(what + " " + path + ": " + std::strerror(errno));
}

uint32_t Crc(std::string_view data) {
  return static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

void PutU32(uint32_t v, std::string* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

std::string Frame(std::string_view record) {
  std::string out;
  out.reserve(kHeaderSize + record.size());
  PutU32(static_cast<uint32_t>(record.size()), &out);
  PutU32(Crc(record), &out);
  out.append(record);
  return out;
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Result<std::string> ReadFile(int fd, const std::string& path) {
  std::string data;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot read", path);
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  return data;
}

Status SyncDir(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open directory", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Errno("cannot sync directory", dir);
}

}  // namespace

Result<std::unique_ptr<RecordLog>> RecordLog::Open(
    const std::string& path, const std::function<void(std::string_view)>& replay) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot open", path);
  Result<std::string> data = ReadFile(fd, path);
  if (!data.ok()) {
    ::close(fd);
    return data.status();
  }
  size_t pos = 0;
  size_t count = 0;
  const std::string& d = *data;
  while (d.size() - pos >= kHeaderSize) {
    uint32_t len = GetU32(d.data() + pos);
    uint32_t crc = GetU32(d.data() + pos + 4);
    if (len > kMaxRecordSize || d.size() - pos - kHeaderSize < len) break;
    std::string_view record(d.data() + pos + kHeaderSize, len);
    if (Crc(record) != crc) break;
    replay(record);
    pos += kHeaderSize + len;
    ++count;
  }
  if (pos != d.size()) {
    log::Warn("Cutting a torn or corrupt tail off a notification state file",
              {{"file", path}, {"offset", pos}, {"bytes", d.size() - pos}});
    if (::ftruncate(fd, static_cast<off_t>(pos)) != 0 || ::fdatasync(fd) != 0) {
      Status s = Errno("cannot truncate", path);
      ::close(fd);
      return s;
    }
  }
  if (::lseek(fd, static_cast<off_t>(pos), SEEK_SET) < 0) {
    Status s = Errno("cannot seek", path);
    ::close(fd);
    return s;
  }
  return std::unique_ptr<RecordLog>(new RecordLog(path, fd, count));
}

RecordLog::~RecordLog() { ::close(fd_); }

Status RecordLog::Append(std::string_view record) {
  VIGIL_RETURN_IF_ERROR(WriteAll(fd_, Frame(record), path_));
  if (::fdatasync(fd_) != 0) return Errno("cannot sync", path_);
  ++records_;
  return Status::Ok();
}

Status RecordLog::Rewrite(const std::vector<std::string>& records) {
  std::string tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create", tmp);
  std::string data;
  for (const std::string& r : records) data += Frame(r);
  Status s = WriteAll(fd, data, tmp);
  if (s.ok() && ::fsync(fd) != 0) s = Errno("cannot sync", tmp);
  if (!s.ok()) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    s = Errno("cannot rename over", path_);
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  VIGIL_RETURN_IF_ERROR(SyncDir(path_));
  // The new file is open for writing at its end; swap it in.
  ::close(fd_);
  fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  ::close(fd);
  if (fd_ < 0) return Errno("cannot reopen", path_);
  records_ = records.size();
  return Status::Ok();
}

}  // namespace vigil::notify
