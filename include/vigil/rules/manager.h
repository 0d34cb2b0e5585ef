// Manager: the daemon's rule groups, each on its own timer, as Prometheus
// 2.42's rules.Manager.
//
// ApplyConfig loads every file the config's rule_files globs match; any error
// fails the whole call and the running groups stay as they are. Otherwise it
// swaps in the new groups: a group whose definition did not change keeps
// running untouched; a changed group takes over the old one's state (alerts of
// rules with the same name and labels, staleness tracking); a removed group
// writes staleness markers for its series. The first ApplyConfig after
// start-up restores alerts' `for` state from ALERTS_FOR_STATE after each new
// group's second evaluation (as Prometheus).
//
// Each group's timer fires on the event loop at the group's EvalTimestamp
// schedule; evaluation runs on the worker pool. A tick that comes more than an
// interval late counts the skipped iterations as missed.
// Thread-safety: ApplyConfig and Stop are called from one thread (the
// daemon's control thread); Groups may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vigil/base/clock.h"
#include "vigil/base/duration.h"
#include "vigil/base/event_loop.h"
#include "vigil/base/metrics.h"
#include "vigil/base/worker_pool.h"
#include "vigil/config/config.h"
#include "vigil/notify/sink.h"
#include "vigil/promql/engine.h"
#include "vigil/rules/group.h"
#include "vigil/tsdb/appender.h"
#include "vigil/tsdb/querier.h"

namespace vigil::rules {

struct ManagerOptions {
  Duration resend_delay = std::chrono::minutes(1);        // --rules.alert.resend-delay
  Duration outage_tolerance = std::chrono::hours(1);      // --rules.alert.for-outage-tolerance
  Duration for_grace_period = std::chrono::minutes(10);   // --rules.alert.for-grace-period
  std::string external_url;                               // --web.external-url
};

// Loads every rule file `config.rule_files` names and builds their groups
// (the validation part of ApplyConfig, also used by `vigil check config`).
// Errors name the file and line.
Result<std::vector<std::unique_ptr<Group>>> LoadGroups(const config::Config& config, bool restore);

class Manager {
 public:
  // `sink` may be null (alerts are evaluated and shown, not sent). Everything
  // passed by pointer or reference must outlive the Manager.
  Manager(EventLoop& loop, WorkerPool& workers, promql::Engine& engine,
          tsdb::Queryable& queryable, tsdb::Appendable& appendable, notify::Sink* sink,
          metrics::Registry& registry, const Clock& clock, ManagerOptions options);
  ~Manager();  // stops
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  Status ApplyConfig(const config::Config& config);
  // Stops every timer and waits for evaluations in progress.
  void Stop();

  // The running groups, sorted by file then name (the order of the API).
  std::vector<std::shared_ptr<const Group>> Groups() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::rules
