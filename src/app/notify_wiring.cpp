#include "notify_wiring.h"

#include "vigil/base/log.h"
#include "vigil/notify/templates.h"

namespace vigil::app {

void AlertFanout::Send(std::vector<notify::Alert> alerts) {
  for (size_t i = 0; i < sinks_.size(); ++i) {
    if (i + 1 == sinks_.size()) {
      sinks_[i]->Send(std::move(alerts));
    } else {
      sinks_[i]->Send(alerts);
    }
  }
}

Result<std::unique_ptr<Notifications>> Notifications::Open(Options options) {
  std::unique_ptr<Notifications> n(new Notifications(options));
  VIGIL_ASSIGN_OR_RETURN(n->silences_, notify::Silences::Open({.dir = options.dir,
                                                               .clock = options.clock,
                                                               .registry = options.registry}));
  notify::DispatcherOptions d;
  d.dir = options.dir;
  d.clock = options.clock;
  d.registry = options.registry;
  d.silences = n->silences_.get();
  d.external_url = options.external_url;
  VIGIL_ASSIGN_OR_RETURN(n->dispatcher_, notify::Dispatcher::Open(d));
  n->fanout_.Add(n->dispatcher_.get());
  return n;
}

Status Notifications::ApplyConfig(const config::Config& config) {
  if (!config.notifications) return dispatcher_->ApplyConfig(nullptr, {});
  auto notifications = std::make_shared<const config::NotificationConfig>(*config.notifications);
  Result<tmpl::Template> loaded = notify::LoadNotificationTemplates(notifications->templates);
  if (!loaded.ok()) return loaded.status().WithPrefix("notification templates");
  auto templates = std::make_shared<const tmpl::Template>(std::move(*loaded));
  notify::IntegrationContext context = options_.integrations;
  context.templates = templates.get();
  notify::IntegrationMap integrations;
  for (const config::Receiver& receiver : notifications->receivers) {
    auto built = notify::BuildIntegrations(receiver, context);
    if (!built.ok()) return built.status().WithPrefix("receiver " + receiver.name);
    for (const config::UnsupportedReceiverConfig& u : receiver.unsupported_configs) {
      log::Warn("Receiver kind not supported by vigil; nothing will be sent there",
                {{"receiver", receiver.name}, {"kind", u.kind}});
    }
    auto& list = integrations[receiver.name];
    for (auto& integration : *built) {
      // Each integration keeps the templates (and the config they point
      // into) alive while a delivery is in flight across a reload.
      list.push_back(std::shared_ptr<notify::Integration>(
          integration.release(), [templates, notifications](notify::Integration* p) { delete p; }));
    }
  }
  return dispatcher_->ApplyConfig(std::move(notifications), std::move(integrations));
}

}  // namespace vigil::app
