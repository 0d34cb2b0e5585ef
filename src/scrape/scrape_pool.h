// ScrapePool: the targets of one scrape job and their loops. Discovery
// updates (static groups, file SD) are synced into it: new targets start,
// vanished ones stop with staleness markers, unchanged ones keep running.
// A config change restarts the loops with the new config without a gap.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "discovery.h"
#include "scrape_loop.h"

namespace vigil::scrape {

class ScrapePool : public std::enable_shared_from_this<ScrapePool> {
 public:
  ScrapePool(const LoopEnv& env, std::shared_ptr<const config::ScrapeConfig> config,
             std::shared_ptr<TlsContext> tls);
  ~ScrapePool();

  // Syncs the static groups and starts watching file SD files.
  void Start();
  // Restarts every loop with `config`.
  void Reload(std::shared_ptr<const config::ScrapeConfig> new_config,
              std::shared_ptr<TlsContext> tls);
  // Stops every loop (with staleness markers when the job went away).
  void Stop(bool stale_markers);

  void Sync(const std::vector<TargetGroup>& groups);

  const config::ScrapeConfig& config() const;
  std::vector<TargetStatus> Active() const;
  std::vector<DroppedTarget> Dropped() const;

 private:
  void WatchFiles();
  void CheckFiles();

  const LoopEnv env_;
  mutable std::mutex mu_;
  std::shared_ptr<const config::ScrapeConfig> config_;  // guarded by mu_
  std::shared_ptr<TlsContext> tls_;                     // guarded by mu_
  std::map<uint64_t, std::unique_ptr<ScrapeLoop>> loops_;  // guarded by mu_
  std::vector<DroppedTarget> dropped_;                   // guarded by mu_
  std::vector<TargetGroup> last_groups_;                 // guarded by mu_
  bool stopped_ = false;                                 // guarded by mu_

  // File SD state, touched only by CheckFiles (one at a time).
  std::mutex files_mu_;
  std::map<std::string, std::vector<TargetGroup>> file_groups_;
  std::string file_fingerprint_;
  std::chrono::steady_clock::time_point next_refresh_;

  struct Timer;
  std::unique_ptr<Timer> timer_;  // armed and cancelled under mu_
};

}  // namespace vigil::scrape
