// Daemon: the running vigil server — its lifecycle from start-up to a clean
// exit, and config reloads.
//
// Start-up: load and validate the config (a bad one is a start-up error),
// open the storage in the data dir, start the HTTP server and the scrape
// manager on the event loop, then report ready. SIGHUP and POST /-/reload
// re-read the config: the file is validated whole, then handed to each
// reloader in order (as Prometheus's reloaders; each validates before it
// changes anything), then swapped in one step; on error the old config stays
// and vigil_config_last_reload_successful goes to 0. SIGINT/SIGTERM (or POST
// /-/quit) stop accepting, let in-flight requests finish within
// --web.shutdown-timeout, then close everything.
// Thread-safety: Run is called once, from main; it blocks until shutdown.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "control_queue.h"
#include "serve_options.h"
#include "vigil/base/metrics.h"
#include "vigil/config/config.h"

namespace vigil::app {

class Daemon {
 public:
  explicit Daemon(ServeOptions options);
  ~Daemon();

  // Returns the process exit code: 0 after a clean shutdown, 1 when start-up
  // failed.
  int Run();

 private:
  using Reloader = std::pair<std::string, std::function<Status(const config::Config&)>>;

  // Reads the config file and applies it.
  Status Reload();
  // Hands `config` to every reloader, then swaps it in; `status` not OK (a
  // config that did not load) only records the failure.
  Status Apply(Status status, std::shared_ptr<const config::Config> config);
  std::shared_ptr<const config::Config> CurrentConfig() const;

  const ServeOptions options_;
  metrics::Registry registry_;
  metrics::Gauge& reload_success_;
  metrics::Gauge& reload_timestamp_;
  ControlQueue control_;
  std::vector<Reloader> reloaders_;  // set up by Run before the first Reload
  std::atomic<bool> ready_{false};
  mutable std::mutex config_mu_;
  std::shared_ptr<const config::Config> config_;  // guarded by config_mu_
};

}  // namespace vigil::app
