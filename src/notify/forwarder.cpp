#include "vigil/notify/forwarder.h"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "http_post.h"
#include "notification_data.h"
#include "vigil/base/event_loop.h"
#include "vigil/base/log.h"
#include "vigil/relabel/relabel.h"

namespace vigil::notify {

namespace {

nlohmann::json LabelsJson(const model::Labels& labels) {
  nlohmann::json j = nlohmann::json::object();
  for (const model::Label& l : labels) j[std::string(l.name)] = std::string(l.value);
  return j;
}

// Prometheus's relabelAlerts: external labels the alert lacks are added,
// then alert_relabel_configs run; a dropped alert is not sent.
std::optional<Alert> Relabel(Alert alert, const std::map<std::string, std::string>& external_labels,
                             const config::AlertingConfig& alerting) {
  if (!external_labels.empty() || !alerting.alert_relabel_configs.empty()) {
    model::LabelsBuilder builder(alert.labels);
    for (const auto& [name, value] : external_labels) {
      if (builder.Get(name).empty()) builder.Set(name, value);
    }
    if (!relabel::ProcessBuilder(&builder, alerting.alert_relabel_configs)) return std::nullopt;
    alert.labels = builder.Build();
  }
  return alert;
}

}  // namespace

std::vector<AlertmanagerTarget> AlertmanagerTargets(const config::AlertingConfig& alerting) {
  std::vector<AlertmanagerTarget> out;
  for (const config::AlertmanagerConfig& am : alerting.alertmanagers) {
    std::string prefix = am.path_prefix;
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    for (const config::StaticConfig& sc : am.static_configs) {
      for (const std::string& address : sc.targets) {
        model::LabelsBuilder builder;
        for (const auto& [name, value] : sc.labels) builder.Set(name, value);
        builder.Set("__address__", address);
        builder.Set("__scheme__", am.scheme);
        builder.Set("__alerts_path__", prefix + "/api/" + am.api_version + "/alerts");
        if (!relabel::ProcessBuilder(&builder, am.relabel_configs)) continue;
        std::string path(builder.Get("__alerts_path__"));
        if (path.empty() || path.front() != '/') path.insert(0, "/");
        out.push_back(AlertmanagerTarget{
            std::string(builder.Get("__scheme__")) + "://" + std::string(builder.Get("__address__")) + path,
            &am});
      }
    }
  }
  return out;
}

std::string PostableAlertsJson(const std::vector<Alert>& alerts) {
  nlohmann::json array = nlohmann::json::array();
  for (const Alert& a : alerts) {
    nlohmann::json j = {{"labels", LabelsJson(a.labels)}, {"annotations", LabelsJson(a.annotations)}};
    if (a.starts_at_ms != 0) j["startsAt"] = FormatRfc3339Nano(a.starts_at_ms);
    if (a.ends_at_ms != 0) j["endsAt"] = FormatRfc3339Nano(a.ends_at_ms);
    if (!a.generator_url.empty()) j["generatorURL"] = a.generator_url;
    array.push_back(std::move(j));
  }
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Forwarder::Forwarder(EventLoop& loop, metrics::Registry& registry, Options options)
    : loop_(loop),
      options_(options),
      dropped_(registry.AddCounter("vigil_alertmanager_forward_dropped_total",
                                   "Alerts dropped because the forwarding queue was full or an "
                                   "Alertmanager could not be reached.")),
      queue_length_(registry.AddGauge("vigil_alertmanager_forward_queue_length",
                                      "Alerts waiting to be forwarded to Alertmanagers.")),
      sent_(registry.AddCounterFamily("vigil_alertmanager_forward_sent_total",
                                      "Alerts posted to each Alertmanager.", {"alertmanager"})),
      errors_(registry.AddCounterFamily("vigil_alertmanager_forward_errors_total",
                                        "Alerts that failed to reach each Alertmanager.",
                                        {"alertmanager"})),
      latency_(registry.AddHistogramFamily("vigil_alertmanager_forward_latency_seconds",
                                           "Time to post a batch to each Alertmanager.",
                                           {"alertmanager"}, metrics::DefaultBuckets())),
      discovered_(registry.AddGauge("vigil_alertmanager_forward_alertmanagers",
                                    "Alertmanagers alerts are forwarded to.")) {
  registry.AddGaugeFunc("vigil_alertmanager_forward_queue_capacity",
                        "Capacity of the forwarding queue.",
                        [capacity = options.queue_capacity] { return static_cast<double>(capacity); });
}

Forwarder::~Forwarder() { Stop(); }

void Forwarder::ApplyConfig(const config::Config& config) {
  auto settings = std::make_shared<const Settings>(
      Settings{config.alerting, config.global.external_labels});
  discovered_.Set(static_cast<double>(AlertmanagerTargets(settings->alerting).size()));
  std::lock_guard<std::mutex> lock(mu_);
  settings_ = std::move(settings);
}

void Forwarder::Send(std::vector<Alert> alerts) {
  std::unique_lock<std::mutex> lock(mu_);
  if (stopped_ || settings_ == nullptr) return;
  for (Alert& a : alerts) {
    std::optional<Alert> relabelled = Relabel(std::move(a), settings_->external_labels, settings_->alerting);
    if (relabelled) queue_.push_back(std::move(*relabelled));
  }
  if (queue_.size() > options_.queue_capacity) {
    const size_t excess = queue_.size() - options_.queue_capacity;
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(excess));
    dropped_.Inc(static_cast<double>(excess));
    log::Warn("Alert forwarding queue full, dropping oldest alerts", {{"count", excess}});
  }
  queue_length_.Set(static_cast<double>(queue_.size()));
  if (in_flight_ || queue_.empty()) return;
  in_flight_ = true;
  lock.unlock();
  loop_.Post([this] { SendNextBatch(); });
}

void Forwarder::SendNextBatch() {
  std::vector<Alert> batch;
  std::shared_ptr<const Settings> settings;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const size_t n = std::min(queue_.size(), options_.max_batch);
    batch.assign(std::make_move_iterator(queue_.begin()),
                 std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(n)));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    queue_length_.Set(static_cast<double>(queue_.size()));
    settings = settings_;
  }
  std::vector<AlertmanagerTarget> targets = AlertmanagerTargets(settings->alerting);
  if (batch.empty() || targets.empty()) return BatchDone();

  const std::string body = PostableAlertsJson(batch);
  struct Pending {
    std::atomic<size_t> left;
    std::atomic<bool> any_delivered{false};
  };
  auto pending = std::make_shared<Pending>();
  pending->left = targets.size();
  const double count = static_cast<double>(batch.size());
  for (const AlertmanagerTarget& target : targets) {
    HttpPostRequest request;
    request.url = target.url;
    request.body = body;
    request.timeout = target.config->timeout;
    const auto start = std::chrono::steady_clock::now();
    // `settings` keeps target.config alive until the callback ran.
    HttpPost(loop_.context(), target.config->http, std::move(request),
             [this, url = target.url, pending, count, start, settings](Result<HttpPostResponse> r) {
               latency_.With({url}).Observe(
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
               DeliveryResult result = ClassifyHttpResult("alertmanager " + url, r);
               if (result.status.ok()) {
                 sent_.With({url}).Inc(count);
                 pending->any_delivered = true;
               } else {
                 errors_.With({url}).Inc(count);
                 log::Error("Error sending alerts to Alertmanager",
                            {{"alertmanager", url}, {"count", count}, {"err", result.status.message()}});
               }
               if (pending->left.fetch_sub(1) != 1) return;
               // Prometheus counts a batch no Alertmanager took as dropped.
               if (!pending->any_delivered) dropped_.Inc(count);
               BatchDone();
             });
  }
}

void Forwarder::BatchDone() {
  std::unique_lock<std::mutex> lock(mu_);
  if (queue_.empty() || stopped_) {
    in_flight_ = false;
    idle_.notify_all();
    return;
  }
  lock.unlock();
  loop_.Post([this] { SendNextBatch(); });
}

void Forwarder::Stop() {
  std::unique_lock<std::mutex> lock(mu_);
  stopped_ = true;
  queue_.clear();
  queue_length_.Set(0);
  idle_.wait(lock, [this] { return !in_flight_; });
}

size_t Forwarder::queue_length() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

}  // namespace vigil::notify
