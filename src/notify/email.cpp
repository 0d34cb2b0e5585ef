// The email receiver: one SMTP session through libcurl per notification, run
// on the worker pool because libcurl's easy interface blocks. STARTTLS when
// require_tls (implicit TLS on port 465), AUTH with auth_username and
// auth_password / auth_password_file (read at send time), EHLO with `hello`.
#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>

#include "http_post.h"
#include "receivers.h"
#include "vigil/base/worker_pool.h"
#include "vigil/config/notifications.h"

namespace vigil::notify {

namespace {

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* userdata) {
  auto* upload = static_cast<Upload*>(userdata);
  size_t n = std::min(size * count, upload->data->size() - upload->offset);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

std::string Hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  return name;
}

// Sends `msg` in one SMTP session. Every SMTP or network failure is
// retryable, as Alertmanager treats them.
DeliveryResult SendMail(const config::EmailConfig& cfg, const EmailMessage& msg, Duration timeout) {
  static std::once_flag curl_initialized;
  std::call_once(curl_initialized, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

  std::string password = cfg.auth_password.Reveal();
  if (!cfg.auth_password_file.empty()) {
    Result<std::string> file = ReadSecretFile(cfg.auth_password_file);
    if (!file.ok()) return DeliveryResult{Status(file.status().code(), "email: " + file.status().message()), false};
    password = std::move(*file);
  }
  const bool implicit_tls = cfg.smarthost.port == "465";
  // libcurl takes the EHLO name from the URL's path.
  std::string url = std::string(implicit_tls ? "smtps://" : "smtp://") + cfg.smarthost.host + ":" +
                    cfg.smarthost.port + "/" + cfg.hello;

  CURL* curl = curl_easy_init();
  if (curl == nullptr) return DeliveryResult{Internal("email: curl_easy_init failed"), true};
  curl_slist* recipients = nullptr;
  for (const std::string& to : msg.to) recipients = curl_slist_append(recipients, ("<" + to + ">").c_str());
  Upload upload{&msg.data};
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, ("<" + msg.from + ">").c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(msg.data.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  if (cfg.require_tls && !implicit_tls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  const config::TlsConfig& tls = cfg.tls_config;
  if (!tls.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (!tls.cert_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT, tls.cert_file.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLKEY, tls.key_file.c_str());
  }
  if (tls.insecure_skip_verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!cfg.auth_username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, cfg.auth_username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, password.c_str());
    if (!cfg.auth_identity.empty()) curl_easy_setopt(curl, CURLOPT_SASL_AUTHZID, cfg.auth_identity.c_str());
  }
  CURLcode rc = curl_easy_perform(curl);
  long smtp_code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &smtp_code);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  if (rc == CURLE_OK) return DeliveryResult{};
  std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
  std::string message = "email: " + cfg.smarthost.ToString() + ": " + detail;
  if (smtp_code != 0) message += " (SMTP " + std::to_string(smtp_code) + ")";
  if (rc == CURLE_OPERATION_TIMEDOUT) return DeliveryResult{Status(StatusCode::kDeadlineExceeded, message), true};
  return DeliveryResult{Unavailable(message), true};
}

class EmailIntegration final : public Integration {
 public:
  EmailIntegration(const config::EmailConfig& cfg, const IntegrationContext& context)
      : cfg_(cfg), context_(context), hostname_(Hostname()) {}

  std::string_view kind() const override { return "email"; }
  bool send_resolved() const override { return cfg_.send_resolved; }

  void Notify(const Notification& n, std::function<void(DeliveryResult)> done) override {
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    Result<EmailMessage> msg = RenderEmail(cfg_, *context_.templates, n, now_ms, hostname_);
    if (!msg.ok()) {
      return done(DeliveryResult{Status(msg.status().code(), "email: " + msg.status().message()), false});
    }
    context_.workers->Post([cfg = cfg_, msg = std::move(*msg), timeout = context_.timeout,
                            done = std::move(done)] { done(SendMail(cfg, msg, timeout)); });
  }

 private:
  const config::EmailConfig cfg_;
  const IntegrationContext context_;
  const std::string hostname_;
};

}  // namespace

std::unique_ptr<Integration> MakeEmailIntegration(const config::EmailConfig& cfg,
                                                  const IntegrationContext& context) {
  return std::make_unique<EmailIntegration>(cfg, context);
}

}  // namespace vigil::notify
