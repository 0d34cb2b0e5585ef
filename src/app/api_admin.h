// The TSDB admin API of Prometheus 2.42: POST or PUT
// /api/v1/admin/tsdb/delete_series (match[], start, end; 204),
// /api/v1/admin/tsdb/clean_tombstones (204) and /api/v1/admin/tsdb/snapshot
// (skip_head; {"name": ...} of <data>/snapshots/<name>). Off unless
// --web.enable-admin-api: then every /api/v1/admin/ endpoint answers as
// Prometheus 2.42 does, HTTP 500 with errorType "unavailable" and
// "admin APIs disabled". The storage work runs on a worker pool, never on
// the event loop.
#pragma once

#include <string>

#include "vigil/base/worker_pool.h"
#include "vigil/http/router.h"
#include "vigil/tsdb/db.h"

namespace vigil::app {

struct AdminApiContext {
  tsdb::DB* db;
  std::string data_dir;  // --storage.tsdb.path: snapshots go to its snapshots/
  WorkerPool* workers;
  bool enabled;  // --web.enable-admin-api
};

void AddAdminRoutes(const AdminApiContext& ctx, http::Router* router);

}  // namespace vigil::app
