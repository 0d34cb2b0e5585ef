#include "receivers.h"
#include "vigil/config/notifications.h"

namespace vigil::notify {

Result<std::vector<std::unique_ptr<Integration>>> BuildIntegrations(
    const config::Receiver& receiver, const IntegrationContext& context) {
  if (context.templates == nullptr) return InvalidArgument("receiver " + receiver.name + ": no templates");
  const bool needs_loop = !receiver.slack_configs.empty() || !receiver.webhook_configs.empty();
  if (needs_loop && context.loop == nullptr) return InvalidArgument("receiver " + receiver.name + ": no event loop");
  if (!receiver.email_configs.empty() && context.workers == nullptr) {
    return InvalidArgument("receiver " + receiver.name + ": no worker pool");
  }
  std::vector<std::unique_ptr<Integration>> out;
  for (const auto& cfg : receiver.slack_configs) out.push_back(MakeSlackIntegration(cfg, context));
  for (const auto& cfg : receiver.email_configs) out.push_back(MakeEmailIntegration(cfg, context));
  for (const auto& cfg : receiver.webhook_configs) out.push_back(MakeWebhookIntegration(cfg, context));
  return out;
}

}  // namespace vigil::notify
