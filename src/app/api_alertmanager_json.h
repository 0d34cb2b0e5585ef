// JSON shapes of Alertmanager's API v2 (its OpenAPI spec, 0.25): times as
// Go's strfmt.DateTime, matchers, gettable alerts and silences, and the
// decoding of postable alerts and silences with errors naming the field.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vigil/base/result.h"
#include "vigil/notify/dispatcher.h"
#include "vigil/notify/silences.h"

namespace vigil::app {

// 2006-01-02T15:04:05.000Z
std::string FormatDateTime(int64_t ms);

nlohmann::ordered_json GettableAlertJson(const notify::AlertSnapshot& view);
nlohmann::ordered_json GettableSilenceJson(const notify::Silence& s, int64_t now_ms);

// One element of POST /api/v2/alerts. Times are left 0 when absent.
Result<notify::Alert> PostableAlertFromJson(const nlohmann::json& j);
Result<notify::Silence> PostableSilenceFromJson(const nlohmann::json& j);

// `filter` values (amtool sends one matcher per value, each possibly a
// comma-separated list in braces).
Result<std::vector<model::Matcher>> ParseFilterMatchers(const std::vector<std::string>& values);

}  // namespace vigil::app
