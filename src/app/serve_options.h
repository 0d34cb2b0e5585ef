// The daemon's flags, named as Prometheus names them where the meaning is
// the same, parsed from the command line of `vigil [serve]`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "vigil/base/duration.h"
#include "vigil/base/log.h"
#include "vigil/base/result.h"

namespace vigil::app {

struct ServeOptions {
  std::string config_file = "/etc/vigil/vigil.yml";
  std::string listen_address = "0.0.0.0:9090";
  std::string storage_path = "data/";
  // As Prometheus: 15d unless a size limit alone is given; 0 = no limit.
  Duration retention_time = std::chrono::hours(24 * 15);
  int64_t retention_size_bytes = 0;
  log::Level log_level = log::Level::kInfo;
  log::Format log_format = log::Format::kLogfmt;
  bool enable_lifecycle = false;  // POST /-/reload and /-/quit
  bool enable_admin_api = false;  // /api/v1/admin/tsdb/*
  Duration read_timeout = std::chrono::minutes(5);
  Duration shutdown_timeout = std::chrono::seconds(10);
  size_t max_connections = 512;
  Duration query_lookback_delta = std::chrono::minutes(5);
  Duration query_timeout = std::chrono::minutes(2);
  int64_t query_max_samples = 50'000'000;
  int query_max_concurrency = 20;
  // Rules (as Prometheus's --rules.alert.* flags).
  Duration rules_resend_delay = std::chrono::minutes(1);
  Duration rules_for_outage_tolerance = std::chrono::hours(1);
  Duration rules_for_grace_period = std::chrono::minutes(10);
  std::string external_url;  // --web.external-url: alerts' generator URLs, $externalURL
  // One I/O thread: it only moves bytes (parsing, queries and flushes run on
  // worker pools), and a second one doubled the wake-ups per scrape (Asio
  // hands ready handlers to the idle thread): ~8% more CPU per sample in
  // bench/storage_compare.sh's workload.
  int io_threads = 1;
  int worker_threads = 2;  // parsing and appending scrapes
  // Every flag by name with its value as given or defaulted ("" when unset),
  // as /api/v1/status/flags shows them.
  std::map<std::string, std::string> flag_values;
};

struct ServeCommandLine {
  ServeOptions options;
  bool help = false;
  std::string help_text;
};

// `args` excludes the program name and the "serve" word.
Result<ServeCommandLine> ParseServeFlags(const std::vector<std::string>& args);

}  // namespace vigil::app
