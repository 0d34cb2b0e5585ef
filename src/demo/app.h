// App: the vigil-demo HTTP application, a Prometheus-style target to monitor.
//
// Routes: "/" (hello, or 500 for a fraction --error-rate of requests, after
// --latency), "/boom" (always 500), "/slow?ms=N" (answers after N ms, from a
// timer), "/healthz" and "/metrics". Every request is counted in
// http_requests_total{method,route,status_code} and timed in
// http_request_duration_seconds{method,route}; demo_build_info{version} tells
// a canary from a stable release.
//
// Thread-safety: Start, Shutdown and the accessors may be called from any
// thread other than the event loop's; handlers run on the event loop.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "vigil/base/duration.h"
#include "vigil/base/event_loop.h"
#include "vigil/base/metrics.h"
#include "vigil/base/result.h"
#include "vigil/base/status.h"

namespace vigil::demo {

struct AppOptions {
  std::string listen_address = "0.0.0.0:8080";
  double error_rate = 0;                 // fraction of "/" requests answering 500, in [0, 1]
  Duration latency = Duration::zero();   // added to every "/" request, in [0, 1h]
  std::string version_label = "stable";  // the version label of demo_build_info
  bool access_log = true;                // one structured log line per request
};

// Checks ranges: error_rate in [0, 1], latency in [0, 1h], a non-empty
// listen address and version label.
Status ValidateAppOptions(const AppOptions& options);

// The longest /slow?ms=N wait; larger values are capped to it.
inline constexpr int64_t kMaxSlowMs = 60000;

// The ms parameter of /slow: a non-negative decimal integer, capped at
// kMaxSlowMs. Fails on an empty or non-numeric value.
Result<int64_t> ParseSlowMs(std::string_view text);

class App {
 public:
  // Registers the demo's metrics (and the process_* ones) on `registry`.
  // `loop` and `registry` must outlive the App. Precondition: `options` pass
  // ValidateAppOptions, and `registry` holds none of the demo's metric names.
  App(EventLoop& loop, AppOptions options, metrics::Registry& registry);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Binds the listen address and starts serving.
  Status Start();
  // The bound address and port (the real port when 0 was asked for).
  std::string LocalAddress() const;
  uint16_t Port() const;

  // Stops accepting, answers delayed requests in flight with 503, and waits up
  // to `grace` for connections to drain before closing the rest. True when
  // every connection drained in time.
  bool Shutdown(Duration grace);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::demo
