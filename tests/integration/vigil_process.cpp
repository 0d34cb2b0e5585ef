#include "vigil_process.h"

#include <sstream>

namespace vigil::testing {

Result<VigilProcess> VigilProcess::Start(const std::string& config_yaml,
                                         std::vector<std::string> extra_flags) {
  std::string dir = MakeTempDir();
  std::string config_path = dir + "/vigil.yml";
  WriteFile(config_path, config_yaml);
  std::vector<std::string> argv = {VIGIL_BINARY,
                                   "serve",
                                   "--config.file=" + config_path,
                                   "--web.listen-address=127.0.0.1:0",
                                   "--storage.tsdb.path=" + dir + "/data"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  VIGIL_ASSIGN_OR_RETURN(Process p, Process::Start(argv));
  std::optional<std::string> line =
      p.WaitForOutput("Server is ready to receive web requests", std::chrono::seconds(30));
  if (!line) return Unavailable("vigil did not become ready; output:\n" + p.Output());
  uint16_t port = PortFromLogLine(*line);
  if (port == 0) return Internal("no port in: " + *line);
  return VigilProcess(std::move(p), port, config_path);
}

std::optional<double> VigilProcess::Metric(const std::string& name) const {
  Result<HttpResponse> r = Get("/metrics");
  if (!r.ok()) return std::nullopt;
  std::istringstream lines(r->body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  }
  return std::nullopt;
}

}  // namespace vigil::testing
