// Starts the real vigil binary for integration tests, with a config file and
// data dir of its own in a temporary directory, listening on a free port.
#pragma once

#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include "http_client.h"
#include "process.h"

namespace vigil::testing {

class VigilProcess {
 public:
  // Writes `config_yaml` to <tmp>/vigil.yml and starts `vigil serve` on
  // 127.0.0.1:0 with extra flags. Waits for the "ready" log line.
  static Result<VigilProcess> Start(const std::string& config_yaml,
                                    std::vector<std::string> extra_flags = {});

  uint16_t port() const { return port_; }
  const std::string& config_path() const { return config_path_; }
  Process& process() { return process_; }

  Result<HttpResponse> Get(const std::string& target) const { return HttpGet(port_, target); }
  Result<HttpResponse> Post(const std::string& target) const { return HttpPost(port_, target, ""); }
  // The value of an unlabeled sample in /metrics, if present.
  std::optional<double> Metric(const std::string& name) const;

 private:
  VigilProcess(Process p, uint16_t port, std::string config_path)
      : process_(std::move(p)), port_(port), config_path_(std::move(config_path)) {}
  Process process_;
  uint16_t port_;
  std::string config_path_;
};

}  // namespace vigil::testing
