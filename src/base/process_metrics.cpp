// process_* metrics from /proc/self, as Prometheus client libraries export them.
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "vigil/base/metrics.h"

namespace vigil::metrics {
namespace {

// Fields of /proc/self/stat after the command name, which may hold spaces.
std::vector<std::string> StatFields() {
  std::ifstream f("/proc/self/stat");
  std::string line((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<std::string> fields;
  size_t close = line.rfind(')');
  if (close == std::string::npos) return fields;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  while (rest >> field) fields.push_back(field);
  return fields;
}

// Indexes into StatFields(): field N of proc(5) is at N - 3.
constexpr size_t kUtime = 11, kStime = 12, kStartTime = 19, kVsize = 20, kRss = 21;

double StatField(size_t i) {
  std::vector<std::string> f = StatFields();
  return i < f.size() ? std::stod(f[i]) : 0;
}

double BootTimeSeconds() {
  std::ifstream f("/proc/stat");
  std::string key;
  double value = 0;
  while (f >> key) {
    if (key == "btime") {
      f >> value;
      return value;
    }
    f.ignore(1 << 20, '\n');
  }
  return 0;
}

double OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  double n = 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n - 1;  // the directory handle itself
}

}  // namespace

void RegisterProcessMetrics(Registry& registry) {
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  const double start_time = BootTimeSeconds() + StatField(kStartTime) / ticks;
  registry.AddCounterFunc("process_cpu_seconds_total",
                          "Total user and system CPU time spent in seconds.", [ticks] {
                            std::vector<std::string> f = StatFields();
                            if (f.size() <= kStime) return 0.0;
                            return (std::stod(f[kUtime]) + std::stod(f[kStime])) / ticks;
                          });
  registry.AddGaugeFunc("process_resident_memory_bytes", "Resident memory size in bytes.",
                        [page] { return StatField(kRss) * page; });
  registry.AddGaugeFunc("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                        [] { return StatField(kVsize); });
  registry.AddGaugeFunc("process_open_fds", "Number of open file descriptors.", OpenFds);
  registry.AddGaugeFunc("process_max_fds", "Maximum number of open file descriptors.", [] {
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    return static_cast<double>(rl.rlim_cur);
  });
  registry.AddGaugeFunc("process_start_time_seconds",
                        "Start time of the process since unix epoch in seconds.",
                        [start_time] { return start_time; });
}

}  // namespace vigil::metrics
