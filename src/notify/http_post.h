// HttpPost: one HTTP(S) POST with a whole-request deadline, for the Slack and
// webhook receivers and the Alertmanager forwarder. The peer's http_config
// gives TLS settings and credentials (files read at send time). Beast stays
// in the .cpp.
// Thread-safety: HttpPost may be called from any thread; `done` runs once, on
// the event loop.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vigil/base/duration.h"
#include "vigil/base/result.h"
#include "vigil/config/common.h"
#include "vigil/notify/integration.h"

namespace boost::asio {
class io_context;
}

namespace vigil::notify {

struct HttpPostRequest {
  std::string url;  // http:// or https://
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  Duration timeout = std::chrono::seconds(10);
};

struct HttpPostResponse {
  unsigned status = 0;
  std::string body;  // at most 64 KiB kept
};

// Any HTTP status is a response; errors are for a bad URL, unreadable
// credential files, TLS setup, connection failures and the deadline
// (kDeadlineExceeded).
using HttpPostDone = std::function<void(Result<HttpPostResponse>)>;
void HttpPost(boost::asio::io_context& io, const config::HttpClientConfig& http,
              HttpPostRequest request, HttpPostDone done);

// Alertmanager's rule for HTTP receivers: 2xx delivered; 5xx, 429 and
// transport errors retryable; other statuses are final. `what` prefixes
// error messages (e.g. "slack").
DeliveryResult ClassifyHttpResult(std::string_view what, const Result<HttpPostResponse>& result);

// Reads a secret file (api_url_file, auth_password_file, ...), trailing
// newlines trimmed; the error names the file, never its content.
Result<std::string> ReadSecretFile(const std::string& path);

}  // namespace vigil::notify
