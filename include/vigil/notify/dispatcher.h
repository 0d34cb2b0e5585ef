// Dispatcher: the in-process Alertmanager. It takes alerts through
// notify::Sink (from the rules manager and from POST /api/v2/alerts), keeps
// them by fingerprint (merged on update as Alertmanager merges them), routes
// them down the route tree into aggregation groups, and flushes each group
// after group_wait, then every group_interval, through the pipeline:
// active/mute time intervals, inhibition, silences, then per receiver
// integration the notification log's dedup (repeat_interval), the durable
// outbox and delivery with retries (exponential backoff with jitter).
//
// State on disk, under `dir`: `nflog` (what was delivered) and `outbox` (what
// must still be delivered); silences are the Silences object's. Alerts are
// kept in memory only, as in Alertmanager: the rules manager resends them.
//
// Time: all decisions use the injected Clock. Start() runs a thread that
// calls Tick() every tick_interval and whenever work arrives; tests call
// Tick() themselves with a FakeClock instead.
// Thread-safety: every public method may be called from any thread. Send
// never blocks on I/O; disk writes happen in Tick.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vigil/base/clock.h"
#include "vigil/base/duration.h"
#include "vigil/base/result.h"
#include "vigil/config/notifications.h"
#include "vigil/notify/integration.h"
#include "vigil/notify/silences.h"
#include "vigil/notify/sink.h"

namespace vigil::metrics {
class Registry;
}

namespace vigil::notify {

struct DispatcherOptions {
  std::string dir;  // e.g. <data>/notify
  const Clock* clock = nullptr;
  metrics::Registry* registry = nullptr;  // required
  Silences* silences = nullptr;           // required; outlives the dispatcher
  std::string external_url;               // .ExternalURL of notifications
  Duration tick_interval = std::chrono::milliseconds(100);
  Duration retry_initial_backoff = std::chrono::seconds(1);
  Duration retry_max_backoff = std::chrono::minutes(1);
  // How long the notification log remembers a delivery (Alertmanager's
  // --data.retention); at least repeat_interval is kept regardless.
  Duration nflog_retention = std::chrono::hours(120);
  // How long resolved alerts stay in memory after they resolved.
  Duration resolved_retention = std::chrono::minutes(15);
};

// The integrations of each receiver, by receiver name.
using IntegrationMap = std::map<std::string, std::vector<std::shared_ptr<Integration>>>;

// Whether an alert is silenced, inhibited, or neither — as the API shows it.
struct AlertSnapshot {
  Alert alert;
  uint64_t fingerprint = 0;
  int64_t updated_at_ms = 0;
  std::vector<std::string> receivers;
  std::vector<std::string> silenced_by;   // silence ids
  std::vector<std::string> inhibited_by;  // fingerprints (hex) of inhibiting alerts
};

struct GroupSnapshot {
  model::Labels labels;
  std::string receiver;
  std::vector<AlertSnapshot> alerts;
};

// Alertmanager's validation of a posted alert: labels present and valid,
// annotations' names valid, endsAt not before startsAt.
Status ValidateAlert(const Alert& alert);

// The fingerprint as the API prints it: 16 hex digits.
std::string FingerprintString(uint64_t fingerprint);

class Dispatcher final : public Sink {
 public:
  // Opens (or creates) the state in options.dir; pending outbox entries are
  // attempted again once a config with their receiver is applied.
  static Result<std::unique_ptr<Dispatcher>> Open(DispatcherOptions options);
  ~Dispatcher() override;

  // Queues alerts (defaults: startsAt now; endsAt now + resolve_timeout).
  void Send(std::vector<Alert> alerts) override;

  // Swaps routing, inhibition, time intervals and integrations; alerts,
  // silences, the notification log and the outbox stay. Aggregation groups
  // are rebuilt from the alerts (their first flush is deduplicated by the
  // notification log, so nothing is sent twice). Fails (changing nothing)
  // when a time zone cannot be loaded. A null config: alerts are kept and
  // shown, nothing is routed.
  Status ApplyConfig(std::shared_ptr<const config::NotificationConfig> config,
                     IntegrationMap integrations);

  // Does what is due now: collects finished deliveries, flushes due groups,
  // starts due attempts, forgets old state.
  void Tick();
  void Start();
  // Stops the thread; deliveries in flight are left to finish or to be
  // retried from the outbox after a restart.
  void Stop();

  // Alerts not yet resolved, sorted by labels.
  std::vector<AlertSnapshot> Alerts() const;
  std::vector<GroupSnapshot> Groups() const;
  // Notifications waiting in the outbox.
  size_t PendingNotifications() const;

 private:
  struct Impl;
  explicit Dispatcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::notify
