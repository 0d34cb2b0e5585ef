// Server: the HTTP/1.1 server (Boost.Beast) that serves vigil's API, UI and
// /metrics, and the demo app.
//
// Runs on the EventLoop. Every connection has its own strand. Limits are
// enforced per request: an oversized header is answered 431, an oversized
// body 413, a request not read within read_timeout (slowloris) or a
// keep-alive connection idle past idle_timeout is closed.
// Thread-safety: Start/StopAccepting/WaitIdle/Close may be called from any
// thread other than the event loop's.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "vigil/base/duration.h"
#include "vigil/base/event_loop.h"
#include "vigil/base/result.h"
#include "vigil/http/router.h"

namespace vigil::http {

struct ServerOptions {
  std::string listen_address = "0.0.0.0:9090";  // host:port; port 0 picks one
  size_t max_header_bytes = 64 * 1024;
  size_t max_body_bytes = 16 * 1024 * 1024;
  Duration read_timeout = std::chrono::seconds(30);   // one whole request
  Duration idle_timeout = std::chrono::seconds(120);  // between keep-alive requests
  Duration write_timeout = std::chrono::seconds(60);  // one whole response
  size_t max_connections = 1024;
  bool access_log = true;  // one structured log line per request
  std::string server_name = "vigil";
};

// What happened to one request, reported when its response is ready to be
// written (so before the client can see it) or it was rejected. `route` is
// the matched pattern ("" when none matched); `response_bytes` is the body.
struct RequestInfo {
  const Request& request;
  std::string_view route;
  int status;
  double duration_seconds;
  size_t response_bytes;
};
using Observer = std::function<void(const RequestInfo&)>;

class Server {
 public:
  Server(EventLoop& loop, ServerOptions options, Router router, Observer observer = nullptr);
  ~Server();  // closes every connection
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting. Fails on a bad address or a port in use.
  Status Start();
  // "127.0.0.1:9090" as bound (with the real port when 0 was asked for).
  std::string LocalAddress() const;
  uint16_t Port() const;

  // Stops accepting and closes connections that are idle between requests;
  // requests in flight run to completion.
  void StopAccepting();
  // Waits until no connection is open or `timeout` passes; true when drained.
  bool WaitIdle(Duration timeout);
  // Closes every connection now.
  void CloseAll();

  size_t OpenConnections() const;

  // Defined inside the http module only; shared with its connections.
  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace vigil::http
