// /api/v1/rules and /api/v1/alerts in Prometheus 2.42's JSON shapes, from the
// rules manager's groups.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/http/router.h"
#include "vigil/rules/manager.h"

namespace vigil::app {

// `type`: "alert", "record" or "" (both); anything else is a bad_data error
// (`ok` false, the body is the error).
struct ApiBody {
  int status;
  std::string json;
};
ApiBody RulesJson(const std::vector<std::shared_ptr<const rules::Group>>& groups,
                  std::string_view type);
std::string AlertsJson(const std::vector<std::shared_ptr<const rules::Group>>& groups);

// Registers both endpoints. `manager` must outlive the router.
void AddRulesRoutes(const rules::Manager* manager, http::Router* router);

}  // namespace vigil::app
