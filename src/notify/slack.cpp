// The Slack receiver: an incoming-webhook POST with one attachment, as
// Alertmanager 0.25's notifier/slack builds it.
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "http_post.h"
#include "receivers.h"
#include "template_data.h"
#include "text_renderer.h"
#include "vigil/base/event_loop.h"
#include "vigil/config/notifications.h"

namespace vigil::notify {

namespace {

using Json = nlohmann::ordered_json;  // Go marshals struct fields in order

// Alertmanager's notify.Truncate: at most `n` runes, the last one "…".
std::string TruncateRunes(const std::string& s, size_t n) {
  size_t runes = 0;
  size_t cut = std::string::npos;  // byte offset of rune n-1
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (runes == n - 1) cut = i;
    ++runes;
  }
  if (runes <= n) return s;
  return s.substr(0, cut) + "…";
}

void PutIfSet(Json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

class SlackIntegration final : public Integration {
 public:
  SlackIntegration(const config::SlackConfig& cfg, const IntegrationContext& context)
      : cfg_(cfg), context_(context) {}

  std::string_view kind() const override { return "slack"; }
  bool send_resolved() const override { return cfg_.send_resolved; }

  void Notify(const Notification& n, std::function<void(DeliveryResult)> done) override {
    Result<std::string> payload = SlackPayload(cfg_, *context_.templates, n);
    if (!payload.ok()) return done(DeliveryResult{payload.status(), false});
    std::string url = cfg_.api_url.Reveal();
    if (!cfg_.api_url_file.empty()) {
      Result<std::string> file = ReadSecretFile(cfg_.api_url_file);
      if (!file.ok()) return done(DeliveryResult{file.status(), false});
      url = std::move(*file);
    }
    HttpPostRequest request;
    request.url = std::move(url);
    request.body = std::move(*payload);
    request.timeout = context_.timeout;
    HttpPost(context_.loop->context(), cfg_.http_config, std::move(request),
             [done = std::move(done)](Result<HttpPostResponse> r) {
               done(ClassifyHttpResult("slack", r));
             });
  }

 private:
  const config::SlackConfig cfg_;
  const IntegrationContext context_;
};

}  // namespace

Result<std::string> SlackPayload(const config::SlackConfig& cfg, const tmpl::Template& templates,
                                 const Notification& n) {
  TextRenderer render(templates, TemplateDataOf(n));
  Json att = Json::object();
  PutIfSet(att, "title", TruncateRunes(render(cfg.title), 1024));
  PutIfSet(att, "title_link", render(cfg.title_link));
  PutIfSet(att, "pretext", render(cfg.pretext));
  att["text"] = render(cfg.text);
  att["fallback"] = render(cfg.fallback);
  att["callback_id"] = render(cfg.callback_id);
  if (!cfg.fields.empty()) {
    Json fields = Json::array();
    for (const config::SlackField& f : cfg.fields) {
      Json field = Json::object();
      PutIfSet(field, "title", render(f.title));
      PutIfSet(field, "value", render(f.value));
      field["short"] = f.is_short.value_or(cfg.short_fields);
      fields.push_back(std::move(field));
    }
    att["fields"] = std::move(fields);
  }
  if (!cfg.actions.empty()) {
    Json actions = Json::array();
    for (const config::SlackAction& a : cfg.actions) {
      Json action = Json::object();
      PutIfSet(action, "type", render(a.type));
      PutIfSet(action, "text", render(a.text));
      PutIfSet(action, "url", render(a.url));
      PutIfSet(action, "style", render(a.style));
      PutIfSet(action, "name", render(a.name));
      PutIfSet(action, "value", render(a.value));
      if (a.confirm) {
        Json confirm = Json::object();
        PutIfSet(confirm, "text", render(a.confirm->text));
        PutIfSet(confirm, "title", render(a.confirm->title));
        PutIfSet(confirm, "ok_text", render(a.confirm->ok_text));
        PutIfSet(confirm, "dismiss_text", render(a.confirm->dismiss_text));
        action["confirm"] = std::move(confirm);
      }
      actions.push_back(std::move(action));
    }
    att["actions"] = std::move(actions);
  }
  PutIfSet(att, "image_url", render(cfg.image_url));
  PutIfSet(att, "thumb_url", render(cfg.thumb_url));
  att["footer"] = render(cfg.footer);
  PutIfSet(att, "color", render(cfg.color));
  att["mrkdwn_in"] = cfg.mrkdwn_in.empty()
                         ? std::vector<std::string>{"fallback", "pretext", "text"}
                         : cfg.mrkdwn_in;

  Json req = Json::object();
  PutIfSet(req, "channel", render(cfg.channel));
  PutIfSet(req, "username", render(cfg.username));
  PutIfSet(req, "icon_emoji", render(cfg.icon_emoji));
  PutIfSet(req, "icon_url", render(cfg.icon_url));
  if (cfg.link_names) req["link_names"] = true;
  req["attachments"] = Json::array({std::move(att)});
  if (!render.error().ok()) return render.error();
  return req.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::unique_ptr<Integration> MakeSlackIntegration(const config::SlackConfig& cfg,
                                                  const IntegrationContext& context) {
  return std::make_unique<SlackIntegration>(cfg, context);
}

}  // namespace vigil::notify
