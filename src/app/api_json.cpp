#include "api_json.h"

#include <charconv>

namespace vigil::app {

http::Response ApiSuccess(nlohmann::ordered_json data) {
  nlohmann::ordered_json body = {{"status", "success"}, {"data", std::move(data)}};
  return http::Response::Json(200, body.dump());
}

http::Response ApiError(promql::ErrorType type, const std::string& message) {
  int code = 500;
  switch (type) {
    case promql::ErrorType::kBadData: code = 400; break;
    case promql::ErrorType::kExecution: code = 422; break;
    case promql::ErrorType::kTimeout:
    case promql::ErrorType::kCanceled: code = 503; break;
    default: break;
  }
  nlohmann::ordered_json body = {{"status", "error"},
                                 {"errorType", promql::ErrorTypeName(type)},
                                 {"error", message}};
  return http::Response::Json(code, body.dump());
}

http::Response ApiBadData(const std::string& message) {
  return ApiError(promql::ErrorType::kBadData, message);
}

nlohmann::ordered_json LabelsJson(const model::Labels& labels) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const model::Label& l : labels) out[std::string(l.name)] = std::string(l.value);
  return out;
}

Result<int64_t> ParseLimitParam(std::string_view text, int64_t absent) {
  if (text.empty()) return absent;
  int64_t limit = 0;
  const char* begin = text.data() + (text.front() == '+' ? 1 : 0);
  auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), limit);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return InvalidArgument("limit must be a number");
  }
  return limit;
}

}  // namespace vigil::app
