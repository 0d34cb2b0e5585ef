// Request and Response: plain values that handlers see, with no Beast types,
// so modules that serve HTTP (API, UI, demo) don't compile Beast.
#pragma once

#include <atomic>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: "/api/v1/query?query=up"
  std::string path;    // percent-decoded path without the query
  // Percent-decoded query parameters in order, repeated names kept.
  std::vector<std::pair<std::string, std::string>> query;
  // Header names lower-cased.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;  // "127.0.0.1:53122"
  std::string request_id;      // from X-Request-Id, or generated
  // Values of ":name" segments of the matched route.
  std::map<std::string, std::string, std::less<>> path_params;
  // Becomes true when the client closes the connection while an
  // asynchronous handler runs, so long work can stop early (its response is
  // then dropped). Null outside the server. Valid as long as the Request.
  const std::atomic<bool>* client_gone = nullptr;

  // The first value of a header, or "" when absent. `name` is lower-case.
  std::string_view Header(std::string_view name) const;
  // The first query value of `name`, or "" when absent.
  std::string_view QueryParam(std::string_view name) const;
  // Query values and, for an application/x-www-form-urlencoded POST, body
  // values, as Go's Request.Form merges them (query values first).
  std::vector<std::string> FormValues(std::string_view name) const;
  // The first of FormValues(name), or "".
  std::string FormValue(std::string_view name) const;
  bool HasFormValue(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;

  static Response Text(int status, std::string body);
  static Response Json(int status, std::string body);
};

// Decodes %XX escapes (and '+' as space when `plus_is_space`); invalid escapes
// are kept as they are.
std::string PercentDecode(std::string_view s, bool plus_is_space);
// Splits "a=1&b=2" into decoded pairs.
std::vector<std::pair<std::string, std::string>> ParseQueryString(std::string_view qs);

// The standard reason phrase for a status code ("Not Found").
std::string_view StatusText(int status);

}  // namespace vigil::http
