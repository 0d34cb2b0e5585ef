// notify::Integration — the seam between the dispatcher (grouping, silences,
// inhibition, the durable outbox and its retries) and the receivers that
// deliver one notification to one place (a Slack webhook, an SMTP server, a
// webhook URL). An Integration delivers once; retrying is the outbox's job.
// Thread-safety: Notify may be called from any thread; `done` runs on the
// event loop or a worker thread, exactly once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/duration.h"
#include "vigil/base/result.h"
#include "vigil/base/status.h"
#include "vigil/model/labels.h"
#include "vigil/notify/sink.h"

namespace vigil {
class EventLoop;
class WorkerPool;
}  // namespace vigil

namespace vigil::config {
struct Receiver;
struct NotificationGlobalConfig;
}  // namespace vigil::config

namespace vigil::tmpl {
class Template;
}

namespace vigil::notify {

// One notification of one aggregation group: the inputs of Alertmanager's
// template data (.Receiver, .Status, .Alerts, .GroupLabels, .CommonLabels,
// .CommonAnnotations, .ExternalURL).
struct Notification {
  std::string receiver;
  std::string group_key;  // Alertmanager's, e.g. `{}/{team="db"}:{alertname="X"}`
  model::Labels group_labels;
  std::vector<Alert> alerts;  // firing or resolved as of now_ms
  int64_t now_ms = 0;
  std::string external_url;
};

struct DeliveryResult {
  Status status;           // OK when delivered
  bool retryable = false;  // e.g. 5xx, 429, connection refused, timeout
};

class Integration {
 public:
  virtual ~Integration() = default;
  // "slack", "email" or "webhook".
  virtual std::string_view kind() const = 0;
  // Whether resolved notifications go to this integration.
  virtual bool send_resolved() const = 0;
  // Renders and delivers `n` once, then calls `done`.
  virtual void Notify(const Notification& n, std::function<void(DeliveryResult)> done) = 0;
};

struct IntegrationContext {
  EventLoop* loop = nullptr;       // HTTP clients (Slack, webhook)
  WorkerPool* workers = nullptr;   // blocking clients (SMTP through libcurl)
  const tmpl::Template* templates = nullptr;  // default.tmpl + the config's `templates:`
  // The deadline of one delivery attempt (HTTP request, SMTP session).
  Duration timeout = std::chrono::seconds(30);
};

// The integrations of one receiver, in config order (slack, email, webhook).
// Secret files (api_url_file, url_file, auth_password_file) are read at each
// delivery, so a missing one is a delivery error naming the file. Fails when
// the context lacks what a config needs (templates, loop, workers);
// unsupported receiver kinds give no integration (the caller logs them).
Result<std::vector<std::unique_ptr<Integration>>> BuildIntegrations(
    const config::Receiver& receiver, const IntegrationContext& context);

}  // namespace vigil::notify
