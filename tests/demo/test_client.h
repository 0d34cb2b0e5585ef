// TestClient: a small blocking HTTP/1.1 client for the demo's tests, over one
// keep-alive loopback connection (Boost.Beast). Every call is bounded by a
// timeout, so a hung server fails the test instead of hanging it.
// Thread-safety: none; use one client per thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::demo::testing {

struct HttpResult {
  int status = 0;  // 0 when no response was read
  std::string body;
  std::string error;  // why there is no response
  std::chrono::steady_clock::duration elapsed{};
};

class TestClient {
 public:
  explicit TestClient(uint16_t port,
                      std::chrono::steady_clock::duration timeout = std::chrono::seconds(10));

  // GET `target` ("/slow?ms=5") on the kept-alive connection, connecting first
  // when needed.
  HttpResult Get(std::string_view target);

 private:
  boost::asio::io_context io_;
  const uint16_t port_;
  const std::chrono::steady_clock::duration timeout_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

// One GET on a fresh connection.
HttpResult HttpGet(uint16_t port, std::string_view target);

// The value of one sample line of a text exposition, e.g.
// `http_requests_total{method="GET",route="/",status_code="200"}`; 0 when the
// series is absent.
double SampleValue(const std::string& exposition, std::string_view series);

}  // namespace vigil::demo::testing
