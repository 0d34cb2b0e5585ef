// Manager: runs every scrape job of the config. ApplyConfig validates what it
// needs (TLS files) before changing anything, then keeps unchanged jobs'
// loops (no gaps), restarts changed jobs and stops removed ones.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vigil/base/clock.h"
#include "vigil/base/event_loop.h"
#include "vigil/base/metrics.h"
#include "vigil/base/worker_pool.h"
#include "vigil/config/config.h"
#include "vigil/scrape/target.h"
#include "vigil/tsdb/appender.h"

namespace vigil::scrape {

class ScrapePool;
struct ScrapeMetrics;

class Manager {
 public:
  Manager(EventLoop& loop, WorkerPool& workers, tsdb::Appendable& storage,
          metrics::Registry& registry, const Clock& clock);
  ~Manager();  // stops every pool, without staleness markers

  Status ApplyConfig(const config::Config& cfg);
  // Stops scraping (at shutdown: no staleness markers, as Prometheus).
  void Stop();

  std::vector<TargetStatus> ActiveTargets() const;
  std::vector<DroppedTarget> DroppedTargets() const;

 private:
  EventLoop& loop_;
  WorkerPool& workers_;
  tsdb::Appendable& storage_;
  const Clock& clock_;
  std::unique_ptr<ScrapeMetrics> metrics_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<ScrapePool>> pools_;  // by job; guarded by mu_
};

}  // namespace vigil::scrape
