#include "process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace vigil::testing {

std::string MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base ? base : "/tmp") + "/vigil-test-XXXXXX";
  char* dir = mkdtemp(tmpl.data());
  return dir ? std::string(dir) : std::string();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::trunc);
  f << content;
}

Result<Process> Process::Start(std::vector<std::string> argv, const std::string& stdin_path) {
  std::string dir = MakeTempDir();
  if (dir.empty()) return IoError("mkdtemp failed");
  std::string log_path = dir + "/output.log";
  int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return IoError("cannot create " + log_path);
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return IoError("fork failed");
  if (pid == 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    int in = open(stdin_path.empty() ? "/dev/null" : stdin_path.c_str(), O_RDONLY);
    dup2(in, STDIN_FILENO);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fd);
  return Process(pid, log_path);
}

Process::Process(Process&& other) noexcept
    : pid_(other.pid_), log_path_(std::move(other.log_path_)), exit_code_(other.exit_code_) {
  other.pid_ = -1;
}

Process::~Process() {
  if (pid_ > 0 && !exit_code_) {
    kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
  }
}

void Process::Signal(int sig) {
  if (pid_ > 0 && !exit_code_) kill(pid_, sig);
}

std::optional<int> Process::Wait(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string Process::Output() const {
  std::ifstream f(log_path_);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::optional<std::string> Process::WaitForOutput(const std::string& needle,
                                                  std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::string out = Output();
    size_t pos = out.find(needle);
    if (pos != std::string::npos) {
      size_t start = out.rfind('\n', pos);
      start = start == std::string::npos ? 0 : start + 1;
      size_t end = out.find('\n', pos);
      return out.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

CommandResult RunCommand(std::vector<std::string> argv, std::chrono::milliseconds timeout) {
  Result<Process> p = Process::Start(std::move(argv));
  if (!p.ok()) return {-1, p.status().ToString()};
  std::optional<int> code = p->Wait(timeout);
  return {code ? *code : -1, p->Output()};
}

CommandResult RunCommandWithInput(std::vector<std::string> argv, const std::string& input,
                                  std::chrono::milliseconds timeout) {
  std::string path = MakeTempDir() + "/stdin";
  WriteFile(path, input);
  Result<Process> p = Process::Start(std::move(argv), path);
  if (!p.ok()) return {-1, p.status().ToString()};
  std::optional<int> code = p->Wait(timeout);
  return {code ? *code : -1, p->Output()};
}

uint16_t PortFromLogLine(const std::string& line) {
  // logfmt (address=host:port) or JSON ("address":"host:port").
  std::string key = "address=";
  size_t pos = line.find(key);
  if (pos == std::string::npos) {
    key = "\"address\":\"";
    pos = line.find(key);
  }
  if (pos == std::string::npos) return 0;
  pos += key.size();
  size_t end = line.find_first_of(" \"\n", pos);
  std::string addr = line.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  size_t colon = addr.rfind(':');
  if (colon == std::string::npos) return 0;
  return static_cast<uint16_t>(std::atoi(addr.c_str() + colon + 1));
}

}  // namespace vigil::testing
