// The crash tests' side of a crash child (crash_driver.h): start it with
// fork+exec on a data directory, read what it reports through its pipe, and
// kill it with SIGKILL.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace vigil::tsdb::crash {

struct Child {
  pid_t pid = -1;  // -1: it could not be started
  int fd = -1;     // the read end of its report pipe
};

// Runs tsdb_crash_child on `dir` with `seed`, and `mode` when not null.
inline Child StartChild(const std::string& dir, int seed, const char* mode = nullptr) {
  int fds[2];
  if (::pipe(fds) != 0) return Child{};
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return Child{};
  }
  if (pid == 0) {
    ::close(fds[0]);
    std::string fd = std::to_string(fds[1]);
    std::string seed_arg = std::to_string(seed);
    ::execl(VIGIL_TSDB_CRASH_CHILD, VIGIL_TSDB_CRASH_CHILD, dir.c_str(), fd.c_str(),
            seed_arg.c_str(), mode, static_cast<char*>(nullptr));
    _exit(127);
  }
  ::close(fds[1]);
  return Child{pid, fds[0]};
}

// Reads one report record; false at the end of the pipe.
template <typename Record>
bool ReadReport(const Child& c, Record* r) {
  return ::read(c.fd, r, sizeof *r) == sizeof *r;
}

// SIGKILLs the child, hands `take` every record it wrote before it died,
// and returns its wait status (-1 when waitpid failed).
template <typename Record, typename Take>
int KillChild(const Child& c, const Take& take) {
  ::kill(c.pid, SIGKILL);
  Record r{};
  while (ReadReport(c, &r)) take(r);
  ::close(c.fd);
  int status = 0;
  return ::waitpid(c.pid, &status, 0) == c.pid ? status : -1;
}

}  // namespace vigil::tsdb::crash
