// HttpScraper: fetches one target's exposition over HTTP or HTTPS
// (Boost.Beast), with a whole-request deadline, a body size limit, gzip
// decoding and the target's TLS settings. A plain-HTTP connection is kept
// open for the next request when the response allows it (keep-alive), as
// Prometheus's client does. Beast stays in the .cpp.
// Thread-safety: one request at a time per HttpScraper; the callback runs on
// the event loop.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "vigil/base/duration.h"
#include "vigil/base/result.h"
#include "vigil/config/common.h"

namespace boost::asio {
class io_context;
}

namespace vigil::scrape {

// A TLS client context built from a tls_config (CA, client certificate,
// server name, verification), on the first https request unless the config
// names files (then at once, so a bad file fails here). Shared by the loops
// of one scrape pool.
class TlsContext;
Result<std::shared_ptr<TlsContext>> MakeTlsContext(const config::TlsConfig& cfg);

struct ScrapeRequest {
  bool https = false;
  std::string host;    // without brackets for IPv6
  std::string port;
  std::string target;  // path and query
  std::vector<std::pair<std::string, std::string>> headers;
  Duration timeout{};
  int64_t body_limit = 0;  // bytes after decoding; 0: none
};

struct ScrapeResponse {
  std::string content_type;
  std::string body;  // decoded (gunzipped) body
};

class HttpScraper {
 public:
  HttpScraper(boost::asio::io_context& io, std::shared_ptr<TlsContext> tls,
              std::string server_name, bool verify);
  ~HttpScraper();

  using Done = std::function<void(Result<ScrapeResponse>)>;
  // Errors name what failed as Prometheus words it: a non-2xx status
  // ("server returned HTTP status 500 Internal Server Error"), "context
  // deadline exceeded", "body size limit exceeded", connection errors.
  void Get(const ScrapeRequest& request, Done done);
  // Aborts a request in flight; its callback gets an error.
  void Cancel();

 private:
  struct Call;
  struct Shared;
  std::shared_ptr<Shared> shared_;
  std::shared_ptr<TlsContext> tls_;
  std::string server_name_;
  bool verify_;
  std::weak_ptr<Call> current_;
};

// Splits "host:port" / "[v6]:port".
std::pair<std::string, std::string> SplitHostPort(std::string_view address);
// Gunzips `in`; fails when it is not gzip or grows past `limit` (0: none).
Result<std::string> Gunzip(std::string_view in, int64_t limit);

}  // namespace vigil::scrape
