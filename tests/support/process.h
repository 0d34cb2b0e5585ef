// A child process for integration tests: the real vigil or vigil-demo binary,
// with its stderr captured to a file the test can read and search.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "vigil/base/result.h"

namespace vigil::testing {

class Process {
 public:
  // Starts `argv[0]` with the given arguments; stdout and stderr go to a log
  // file in a fresh temporary directory. Standard input is `stdin_path`
  // (/dev/null when empty).
  static Result<Process> Start(std::vector<std::string> argv, const std::string& stdin_path = "");
  Process(Process&& other) noexcept;
  Process& operator=(Process&&) = delete;
  // Kills the child (SIGKILL) if it still runs.
  ~Process();

  pid_t pid() const { return pid_; }
  void Signal(int sig);
  // The exit code (or 128 + signal) if the child ended within `timeout`.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // Everything the child wrote so far.
  std::string Output() const;
  // Waits until the output contains `needle`; returns the output's line holding it.
  std::optional<std::string> WaitForOutput(const std::string& needle,
                                           std::chrono::milliseconds timeout) const;

 private:
  Process(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}
  pid_t pid_;
  std::string log_path_;
  std::optional<int> exit_code_;
};

// Runs a command to completion and returns its exit code and output.
struct CommandResult {
  int exit_code;
  std::string output;
};
CommandResult RunCommand(std::vector<std::string> argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));
// The same, with `input` on standard input.
CommandResult RunCommandWithInput(std::vector<std::string> argv, const std::string& input,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A fresh empty directory under the system temp dir.
std::string MakeTempDir();
void WriteFile(const std::string& path, const std::string& content);

// The port in the address field of a log line (logfmt or JSON), or 0.
uint16_t PortFromLogLine(const std::string& line);

}  // namespace vigil::testing
