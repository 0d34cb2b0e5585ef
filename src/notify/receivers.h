// The integrations of receiver configs (Slack, webhook, email) and the pure
// functions that build what they send, exposed for tests.
// Thread-safety: the builders are pure; see integration.h for Integration.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vigil/base/result.h"
#include "vigil/config/notifications.h"
#include "vigil/notify/integration.h"
#include "vigil/template/template.h"

namespace vigil::notify {

// The JSON Alertmanager 0.25's Slack notifier posts for `n`: one attachment
// with the rendered title (at most 1024 characters), title_link, pretext,
// text, fallback, callback_id, fields, actions, footer, color, mrkdwn_in.
Result<std::string> SlackPayload(const config::SlackConfig& cfg, const tmpl::Template& templates,
                                 const Notification& n);

// Alertmanager's webhook message, version "4"; with max_alerts > 0, only the
// first max_alerts alerts and truncatedAlerts the count of the others.
std::string WebhookPayload(const Notification& n, uint64_t max_alerts);

struct EmailMessage {
  std::string from;              // the envelope sender (address only)
  std::vector<std::string> to;   // envelope recipients (addresses only)
  std::string data;              // the whole RFC 5322 message, CRLF line ends
};

// Renders headers (Subject, To, From, Message-Id, Date and the configured
// ones) and bodies (multipart/alternative with text/plain when `text` is set
// and text/html when `html` is set) as Alertmanager's email notifier does.
// `now_ms` dates the message; `hostname` goes into the Message-Id.
Result<EmailMessage> RenderEmail(const config::EmailConfig& cfg, const tmpl::Template& templates,
                                 const Notification& n, int64_t now_ms, const std::string& hostname);

std::unique_ptr<Integration> MakeSlackIntegration(const config::SlackConfig& cfg,
                                                  const IntegrationContext& context);
std::unique_ptr<Integration> MakeWebhookIntegration(const config::WebhookConfig& cfg,
                                                    const IntegrationContext& context);
std::unique_ptr<Integration> MakeEmailIntegration(const config::EmailConfig& cfg,
                                                  const IntegrationContext& context);

}  // namespace vigil::notify
