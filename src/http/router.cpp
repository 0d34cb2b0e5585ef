#include "vigil/http/router.h"

#include <algorithm>

namespace vigil::http {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

}  // namespace

void Router::Handle(std::vector<std::string> methods, std::string pattern, Handler handler) {
  Route route;
  route.methods = std::move(methods);
  route.segments = SplitPath(pattern);
  route.literal_segments = static_cast<int>(
      std::count_if(route.segments.begin(), route.segments.end(),
                    [](const std::string& s) { return s[0] != ':' && s[0] != '*'; }));
  route.pattern = std::move(pattern);
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
  // Most literal segments first, so "/api/v1/status/config" beats "/api/v1/:x/config".
  std::stable_sort(routes_.begin(), routes_.end(), [](const Route& a, const Route& b) {
    return a.literal_segments > b.literal_segments;
  });
}

void Router::HandleSync(std::vector<std::string> methods, std::string pattern,
                        SyncHandler handler) {
  Handle(std::move(methods), std::move(pattern),
         [handler = std::move(handler)](const Request& req, Respond respond) {
           respond(handler(req));
         });
}

Router::Match Router::Find(Request* request) const {
  std::vector<std::string> parts = SplitPath(request->path);
  bool trailing_slash = request->path.size() > 1 && request->path.back() == '/';
  Match result;
  for (const Route& route : routes_) {
    std::map<std::string, std::string, std::less<>> params;
    bool matched = true;
    size_t i = 0;
    for (; i < route.segments.size(); ++i) {
      const std::string& seg = route.segments[i];
      if (seg[0] == '*') {
        std::string rest;
        for (size_t j = i; j < parts.size(); ++j) {
          if (j > i) rest += '/';
          rest += parts[j];
        }
        params[seg.substr(1)] = rest;
        i = parts.size();
        break;
      }
      if (i >= parts.size()) {
        matched = false;
        break;
      }
      if (seg[0] == ':') {
        params[seg.substr(1)] = parts[i];
      } else if (seg != parts[i]) {
        matched = false;
        break;
      }
    }
    bool ends_with_wildcard = !route.segments.empty() && route.segments.back()[0] == '*';
    if (!matched || (i != parts.size()) ||
        (trailing_slash && !ends_with_wildcard)) {
      continue;
    }
    if (std::find(route.methods.begin(), route.methods.end(), request->method) ==
        route.methods.end()) {
      if (result.kind != Match::Kind::kMethodNotAllowed) {
        result.kind = Match::Kind::kMethodNotAllowed;
        result.pattern = route.pattern;
        for (const std::string& m : route.methods) {
          if (!result.allowed.empty()) result.allowed += ", ";
          result.allowed += m;
        }
      }
      continue;
    }
    request->path_params = std::move(params);
    result.kind = Match::Kind::kFound;
    result.handler = &route.handler;
    result.pattern = route.pattern;
    result.allowed.clear();
    return result;
  }
  return result;
}

}  // namespace vigil::http
