// The daemon's notification side: silences and the in-process dispatcher
// opened in <data>/notify, their config reloader (integrations built from
// the receivers through notify::BuildIntegrations, with the notification
// templates), and the Sink the rules manager sends alerts to, which fans
// out to the dispatcher and any other sink (the forwarder to external
// Alertmanagers).
// Thread-safety: Open and ApplyConfig run on the control thread; the Sink and
// the objects it exposes are safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vigil/base/clock.h"
#include "vigil/base/metrics.h"
#include "vigil/config/config.h"
#include "vigil/notify/dispatcher.h"
#include "vigil/notify/integration.h"
#include "vigil/notify/silences.h"

namespace vigil::app {

// Sends every batch to each of its sinks.
class AlertFanout final : public notify::Sink {
 public:
  void Add(notify::Sink* sink) { sinks_.push_back(sink); }
  void Send(std::vector<notify::Alert> alerts) override;

 private:
  std::vector<notify::Sink*> sinks_;  // set before alerts flow
};

class Notifications {
 public:
  struct Options {
    std::string dir;  // <data>/notify
    const Clock* clock = nullptr;
    metrics::Registry* registry = nullptr;
    notify::IntegrationContext integrations;  // loop, workers, timeout; templates set per config
    std::string external_url;
  };
  static Result<std::unique_ptr<Notifications>> Open(Options options);

  // Loads the templates, builds every receiver's integrations and hands
  // them with the routing config to the dispatcher; on any error nothing
  // changes. A config without `notifications` keeps alerts and silences
  // but routes nothing.
  Status ApplyConfig(const config::Config& config);
  // Starts the dispatcher's thread.
  void Start() { dispatcher_->Start(); }
  void Stop() { dispatcher_->Stop(); }

  notify::Dispatcher& dispatcher() { return *dispatcher_; }
  notify::Silences& silences() { return *silences_; }
  // Where alerts go: the dispatcher, plus what AddSink adds.
  notify::Sink& sink() { return fanout_; }
  void AddSink(notify::Sink* sink) { fanout_.Add(sink); }

 private:
  explicit Notifications(Options options) : options_(std::move(options)) {}
  Options options_;
  std::unique_ptr<notify::Silences> silences_;
  std::unique_ptr<notify::Dispatcher> dispatcher_;
  AlertFanout fanout_;
};

}  // namespace vigil::app
