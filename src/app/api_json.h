// The Prometheus API v1 envelope shared by every /api/v1 handler:
// {"status":"success","data":...} or {"status":"error","errorType":...,
// "error":...} with the HTTP status code Prometheus gives each error type.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "vigil/base/result.h"
#include "vigil/http/message.h"
#include "vigil/model/labels.h"
#include "vigil/promql/engine.h"

namespace vigil::app {

http::Response ApiSuccess(nlohmann::ordered_json data);
// 400 bad_data, 422 execution, 503 timeout/canceled, 500 otherwise.
http::Response ApiError(promql::ErrorType type, const std::string& message);
http::Response ApiBadData(const std::string& message);

// A label set as a JSON object {"name": "value", ...}.
nlohmann::ordered_json LabelsJson(const model::Labels& labels);

// The `limit` parameter as Go's strconv.Atoi reads it; `absent` when empty.
Result<int64_t> ParseLimitParam(std::string_view text, int64_t absent);

}  // namespace vigil::app
