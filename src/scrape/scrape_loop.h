// ScrapeLoop: scrapes one target every interval, from an offset spread by a
// hash of the target (as Prometheus), and appends what it gets.
//
// Timer and HTTP callbacks run on the loop's strand on the event loop; parsing
// and appending run on the worker pool. The next scrape is armed only after
// the previous one is appended, so the loop's cache is never used by two
// threads at once. Stopping a loop whose target went away writes staleness
// markers at the time its next scrape would have happened.
// Thread-safety: Start/Stop/Status may be called from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "http_scraper.h"
#include "scrape_append.h"
#include "target_builder.h"
#include "vigil/base/clock.h"
#include "vigil/base/event_loop.h"
#include "vigil/base/metrics.h"
#include "vigil/base/worker_pool.h"
#include "vigil/scrape/target.h"

namespace vigil::scrape {

// Counters shared by every loop of the process.
struct ScrapeMetrics {
  explicit ScrapeMetrics(metrics::Registry& registry);
  metrics::Counter& out_of_order;
  metrics::Counter& duplicates;
  metrics::Counter& sample_limit_exceeded;
  metrics::Counter& scrapes;
  metrics::Counter& failed_scrapes;
  // {scrape_job, target}: not `instance`, which scraping vigil itself would
  // turn into exported_instance.
  metrics::Family<metrics::Counter>& violations;
  metrics::Histogram& append_duration;
};

struct LoopEnv {
  EventLoop* loop;
  WorkerPool* workers;
  tsdb::Appendable* storage;
  const Clock* clock;
  ScrapeMetrics* metrics;
  uint64_t offset_seed;
};

class ScrapeLoop {
 public:
  ScrapeLoop(const LoopEnv& env, TargetSpec target,
             std::shared_ptr<const config::ScrapeConfig> config,
             std::shared_ptr<TlsContext> tls);
  ~ScrapeLoop();

  void Start();
  // Stops scraping. With `stale_markers`, marks every live series stale at
  // the time the next scrape would have happened.
  void Stop(bool stale_markers);
  // Takes over the series cache of a loop that was stopped without staleness
  // markers, so a loop restarted by a config reload keeps tracking staleness
  // with no gap. Only valid when the two configs label samples alike
  // (honor_labels, metric_relabel_configs). Call before Start.
  void AdoptCache(ScrapeLoop& previous);

  TargetStatus Status() const;
  const TargetSpec& target() const;

 private:
  struct Impl;
  // Shared with pending callbacks, which may outlive the ScrapeLoop.
  std::shared_ptr<Impl> impl_;
};

}  // namespace vigil::scrape
