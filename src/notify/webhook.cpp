// The webhook receiver: Alertmanager 0.25's webhook message (version "4").
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "http_post.h"
#include "notification_data.h"
#include "receivers.h"
#include "vigil/base/event_loop.h"
#include "vigil/config/notifications.h"

namespace vigil::notify {

namespace {

using Json = nlohmann::ordered_json;

Json LabelsJson(const model::Labels& labels) {
  Json j = Json::object();  // pairs come sorted, as Go marshals maps
  for (const model::Label& l : labels) j[std::string(l.name)] = std::string(l.value);
  return j;
}

class WebhookIntegration final : public Integration {
 public:
  WebhookIntegration(const config::WebhookConfig& cfg, const IntegrationContext& context)
      : cfg_(cfg), context_(context) {}

  std::string_view kind() const override { return "webhook"; }
  bool send_resolved() const override { return cfg_.send_resolved; }

  void Notify(const Notification& n, std::function<void(DeliveryResult)> done) override {
    std::string url = cfg_.url.Reveal();
    if (!cfg_.url_file.empty()) {
      Result<std::string> file = ReadSecretFile(cfg_.url_file);
      if (!file.ok()) return done(DeliveryResult{file.status(), false});
      url = std::move(*file);
    }
    HttpPostRequest request;
    request.url = std::move(url);
    request.body = WebhookPayload(n, cfg_.max_alerts);
    request.timeout = context_.timeout;
    HttpPost(context_.loop->context(), cfg_.http_config, std::move(request),
             [done = std::move(done)](Result<HttpPostResponse> r) {
               done(ClassifyHttpResult("webhook", r));
             });
  }

 private:
  const config::WebhookConfig cfg_;
  const IntegrationContext context_;
};

}  // namespace

std::string WebhookPayload(const Notification& n, uint64_t max_alerts) {
  // As Alertmanager: truncate first, then derive status and common labels
  // from the alerts that are sent.
  uint64_t truncated = 0;
  Notification kept;
  const Notification* sent = &n;
  if (max_alerts > 0 && n.alerts.size() > max_alerts) {
    truncated = n.alerts.size() - max_alerts;
    kept = n;
    kept.alerts.resize(max_alerts);
    sent = &kept;
  }
  NotificationView view = ViewOf(*sent);
  Json alerts = Json::array();
  for (const AlertView& a : view.alerts) {
    alerts.push_back(Json{{"status", a.status()},
                          {"labels", LabelsJson(a.alert->labels)},
                          {"annotations", LabelsJson(a.alert->annotations)},
                          {"startsAt", FormatRfc3339Nano(a.alert->starts_at_ms)},
                          {"endsAt", FormatRfc3339Nano(a.ends_at_ms)},
                          {"generatorURL", a.alert->generator_url},
                          {"fingerprint", a.fingerprint}});
  }
  Json msg = Json{{"receiver", view.receiver},
                  {"status", view.status()},
                  {"alerts", std::move(alerts)},
                  {"groupLabels", LabelsJson(n.group_labels)},
                  {"commonLabels", LabelsJson(view.common_labels)},
                  {"commonAnnotations", LabelsJson(view.common_annotations)},
                  {"externalURL", n.external_url},
                  {"version", "4"},
                  {"groupKey", n.group_key},
                  {"truncatedAlerts", truncated}};
  return msg.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::unique_ptr<Integration> MakeWebhookIntegration(const config::WebhookConfig& cfg,
                                                    const IntegrationContext& context) {
  return std::make_unique<WebhookIntegration>(cfg, context);
}

}  // namespace vigil::notify
