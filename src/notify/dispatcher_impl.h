// The dispatcher's state and the steps of a tick, split over
// dispatcher.cpp (alerts in, config, views), dispatcher_flush.cpp (the
// notification pipeline of an aggregation group) and dispatcher_delivery.cpp
// (outbox attempts, retries, completions).
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "notification_log.h"
#include "outbox.h"
#include "routing.h"
#include "time_intervals.h"
#include "vigil/base/metrics.h"
#include "vigil/notify/dispatcher.h"

namespace vigil::notify {

struct StoredAlert {
  Alert alert;
  uint64_t fingerprint = 0;
  int64_t updated_ms = 0;
  bool timeout = false;  // endsAt was set from resolve_timeout, not by the sender
};

// Alerts of one route with the same group labels.
struct AggregationGroup {
  const RouteNode* node = nullptr;
  std::string key;
  model::Labels labels;
  std::map<uint64_t, StoredAlert> alerts;  // by fingerprint
  int64_t next_flush_ms = 0;
  bool has_flushed = false;
};

// A delivery that finished, handed from the integration's thread to Tick.
struct Completion {
  std::string key;
  std::string id;
  std::string receiver;
  std::string integration;
  std::vector<uint64_t> firing;
  std::vector<uint64_t> resolved;
  int64_t repeat_interval_ms = 0;
  DeliveryResult result;
  double seconds = 0;
};

// Shared with delivery callbacks, which may outlive the dispatcher.
struct Mailbox {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Completion> done;  // guarded by mu
  bool wake = false;             // guarded by mu
  bool stopping = false;         // guarded by mu

  void Wake() {
    {
      std::lock_guard<std::mutex> lock(mu);
      wake = true;
    }
    cv.notify_one();
  }
};

struct Attempt {
  std::shared_ptr<Integration> integration;
  Notification notification;
  Completion completion;  // filled but for result and seconds
};

struct Dispatcher::Impl {
  explicit Impl(DispatcherOptions o);

  // dispatcher.cpp
  void Insert(const StoredAlert& alert, int64_t now);  // into its groups; mu held
  std::vector<uint64_t> InhibitedBy(const model::Labels& labels, int64_t now) const;
  AlertSnapshot View(const StoredAlert& a, int64_t now) const;
  void RefreshGauges(int64_t now);
  void CollectGarbage(int64_t now);
  void CountStateWriteFailure(const Status& s, std::string_view what);

  // dispatcher_flush.cpp
  void FlushDueGroups(int64_t now);
  bool Flush(AggregationGroup& group, int64_t now);  // false: try again next interval

  // dispatcher_delivery.cpp
  void ProcessCompletions(int64_t now);
  void CollectAttempts(int64_t now, std::vector<Attempt>* attempts);
  void StartAttempts(std::vector<Attempt> attempts);
  int64_t Backoff(int attempts);

  const DispatcherOptions options;
  const std::shared_ptr<Mailbox> mailbox = std::make_shared<Mailbox>();

  mutable std::mutex mu;  // guards everything below
  std::unordered_map<uint64_t, StoredAlert> alerts;
  std::shared_ptr<const config::NotificationConfig> config;
  bool config_applied = false;
  std::unique_ptr<RouteNode> tree;  // null without a config
  TimeIntervals intervals;
  IntegrationMap integrations;
  std::map<std::string, AggregationGroup> groups;  // by group key
  std::unique_ptr<NotificationLog> nflog;
  std::unique_ptr<Outbox> outbox;
  int64_t last_gc_ms = 0;
  int64_t last_alert_gc_ms = 0;
  int64_t last_gauges_ms = 0;

  std::thread thread;

  metrics::Family<metrics::Counter>& notifications;
  metrics::Family<metrics::Counter>& notifications_failed;
  metrics::Family<metrics::Histogram>& latency;
  metrics::Family<metrics::Gauge>& queue_length;
  metrics::Family<metrics::Gauge>& alerts_by_state;
  metrics::Family<metrics::Counter>& alerts_received;
  metrics::Counter& state_write_failures;
};

// The notification log / outbox key of a group's notifications to one
// integration of its receiver.
std::string IntegrationKey(const std::string& group_key, const std::string& receiver,
                           std::string_view kind, size_t index);

}  // namespace vigil::notify
