// /api/v1/metadata and /api/v1/targets/metadata: the TYPE, HELP and UNIT of
// each metric family as the scrape loops last saw them, in Prometheus's JSON
// shapes, with its `metric`, `limit` and `match_target` parameters.
#pragma once

#include "vigil/http/router.h"
#include "vigil/scrape/manager.h"

namespace vigil::app {

void AddMetadataRoutes(const scrape::Manager* scrape, http::Router* router);

}  // namespace vigil::app
