// Alertmanager's HTTP API v2 (the subset amtool and Prometheus use), served
// by vigil's in-process dispatcher: GET/POST /api/v2/alerts, GET
// /api/v2/alerts/groups, GET/POST /api/v2/silences, GET/DELETE
// /api/v2/silence/{id}, GET /api/v2/status and GET /api/v2/receivers, with
// Alertmanager 0.25's JSON shapes, `filter` matchers and the
// active/silenced/inhibited/unprocessed/receiver alert filters. Silence
// writes (fdatasync) run on the worker pool, never on the I/O thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "vigil/base/clock.h"
#include "vigil/base/worker_pool.h"
#include "vigil/config/config.h"
#include "vigil/http/router.h"
#include "vigil/notify/dispatcher.h"
#include "vigil/notify/silences.h"

namespace vigil::app {

struct AlertmanagerApiContext {
  notify::Dispatcher* dispatcher;
  notify::Silences* silences;
  WorkerPool* workers;
  const Clock* clock;
  std::function<std::shared_ptr<const config::Config>()> config;
  int64_t start_ms;  // for the status's uptime
};

void AddAlertmanagerRoutes(const AlertmanagerApiContext& ctx, http::Router* router);

}  // namespace vigil::app
