// The daemon's own HTTP endpoints: health, readiness, /metrics, lifecycle
// (reload, quit) and the status API. Handlers only read shared state or hand
// work to the control thread; none blocks the I/O thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "vigil/base/metrics.h"
#include "vigil/config/config.h"
#include "vigil/http/router.h"
#include "vigil/scrape/manager.h"

namespace vigil::app {

struct WebContext {
  metrics::Registry* registry;
  const std::atomic<bool>* ready;
  bool enable_lifecycle;
  // Asks the control thread to reload; `done` gets the outcome.
  std::function<void(std::function<void(const Status&)> done)> reload;
  std::function<void()> quit;
  std::function<std::shared_ptr<const config::Config>()> config;
  const scrape::Manager* scrape;
};

void AddWebRoutes(const WebContext& ctx, http::Router* router);

}  // namespace vigil::app
