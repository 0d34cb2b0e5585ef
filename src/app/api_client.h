// A small blocking HTTP/1.1 client for the command-line tools that talk to a
// running server's API (`vigil query ...`): one request per connection, a
// whole-request deadline, plain http:// URLs with an optional path prefix.
// Thread-safety: a free function; each call has its own connection.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "vigil/base/result.h"

namespace vigil::app {

struct ApiResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

using FormParams = std::vector<std::pair<std::string, std::string>>;

enum class FormMethod { kGet, kPost };

// Sends `form` to `base_url` + `path` ("http://host:port[/prefix]" +
// "/api/v1/query"): in the query string for kGet, as an
// application/x-www-form-urlencoded body for kPost. A connection, protocol or
// deadline failure is an error; any HTTP status is a response.
Result<ApiResponse> SendForm(const std::string& base_url, FormMethod method,
                             const std::string& path, const FormParams& form,
                             std::chrono::milliseconds timeout = std::chrono::minutes(2));

// application/x-www-form-urlencoded encoding of one key or value.
std::string FormEncode(std::string_view text);

}  // namespace vigil::app
