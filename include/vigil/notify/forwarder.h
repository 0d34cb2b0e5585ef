// Forwarder: the notify::Sink that posts alerts to external Alertmanagers
// (`alerting.alertmanagers`), as Prometheus's notifier does: external labels
// added and alert_relabel_configs applied on Send, a bounded queue that drops
// its oldest alerts when full (counted), batches of at most 64 alerts posted
// as API v2 postable alerts to every Alertmanager of the config at once.
// Targets come from static_configs, relabelled with relabel_configs
// (__address__, __scheme__, __alerts_path__); file_sd_configs are not read.
//
// Thread-safety: Send and ApplyConfig may be called from any thread; requests
// run on the event loop. Stop (with the loop still running, so requests in
// flight finish) before destroying it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vigil/base/duration.h"
#include "vigil/base/metrics.h"
#include "vigil/base/status.h"
#include "vigil/config/config.h"
#include "vigil/notify/sink.h"

namespace vigil {
class EventLoop;
}

namespace vigil::notify {

// One resolved Alertmanager endpoint: the URL alerts are posted to.
struct AlertmanagerTarget {
  std::string url;  // e.g. http://127.0.0.1:9093/api/v2/alerts
  const config::AlertmanagerConfig* config = nullptr;
};

// Every Alertmanager of `alerting` (static targets after relabeling), in
// config order; the targets point into `alerting`.
std::vector<AlertmanagerTarget> AlertmanagerTargets(const config::AlertingConfig& alerting);

// The API v2 postableAlerts JSON array of `alerts`.
std::string PostableAlertsJson(const std::vector<Alert>& alerts);

class Forwarder final : public Sink {
 public:
  struct Options {
    size_t queue_capacity = 10000;  // Prometheus's notification-queue-capacity
    size_t max_batch = 64;          // Prometheus's maxBatchSize
  };

  Forwarder(EventLoop& loop, metrics::Registry& registry, Options options);
  ~Forwarder() override;
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // Takes (copies) the Alertmanagers, external labels and alert relabeling
  // of a loaded config; queued alerts go to the new set.
  void ApplyConfig(const config::Config& config);
  void Send(std::vector<Alert> alerts) override;
  // Drops what is queued and waits for requests in flight.
  void Stop();

  size_t queue_length() const;

 private:
  void SendNextBatch();  // on the event loop
  void BatchDone();

  EventLoop& loop_;
  const Options options_;
  metrics::Counter& dropped_;
  metrics::Gauge& queue_length_;
  metrics::Family<metrics::Counter>& sent_;
  metrics::Family<metrics::Counter>& errors_;
  metrics::Family<metrics::Histogram>& latency_;
  metrics::Gauge& discovered_;

  mutable std::mutex mu_;
  std::condition_variable idle_;                    // in_flight_ became false
  struct Settings {
    config::AlertingConfig alerting;
    std::map<std::string, std::string> external_labels;
  };
  // Shared with requests in flight, which point into it.
  std::shared_ptr<const Settings> settings_;        // guarded by mu_
  std::deque<Alert> queue_;                         // guarded by mu_
  bool in_flight_ = false;                          // a batch is being posted; guarded by mu_
  bool stopped_ = false;                            // guarded by mu_
};

}  // namespace vigil::notify
