// A small blocking HTTP/1.1 client over POSIX sockets, for tests: it can send
// well-formed requests and raw bytes, so tests can also misbehave on purpose.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "vigil/base/result.h"

namespace vigil::testing {

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string Header(const std::string& name) const;
};

// One TCP connection to 127.0.0.1:port; requests on it reuse the connection.
class HttpConnection {
 public:
  static Result<HttpConnection> Open(uint16_t port,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(10));
  HttpConnection(HttpConnection&& other) noexcept;
  HttpConnection& operator=(HttpConnection&&) = delete;
  ~HttpConnection();

  Status SendRaw(const std::string& bytes);
  // Reads one response (Content-Length or until close); the response to a
  // HEAD request, and a 1xx, 204 or 304, has no body whatever its headers say.
  Result<HttpResponse> ReadResponse(bool head_request = false);
  Result<HttpResponse> Request(const std::string& method, const std::string& target,
                               const std::string& body = "",
                               const std::vector<std::pair<std::string, std::string>>& headers = {});
  // True when the peer closed the connection within `timeout`.
  bool WaitClosed(std::chrono::milliseconds timeout);

 private:
  explicit HttpConnection(int fd) : fd_(fd) {}
  int fd_;
  std::string buffered_;
};

// One request on a fresh connection.
Result<HttpResponse> HttpGet(uint16_t port, const std::string& target);
Result<HttpResponse> HttpPost(uint16_t port, const std::string& target, const std::string& body,
                              const std::string& content_type = "application/x-www-form-urlencoded");

}  // namespace vigil::testing
