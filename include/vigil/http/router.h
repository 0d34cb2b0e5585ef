// Router: maps a method and path to a handler.
//
// Patterns are literal segments, ":name" segments that match one segment and
// land in Request::path_params, and a final "*name" that matches the rest of
// the path. Literal routes win over parameter routes.
// Thread-safety: routes are added before the server starts; Match is then
// called concurrently.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/http/message.h"

namespace vigil::http {

// Sends the response; call exactly once, from any thread.
using Respond = std::function<void(Response)>;
// An asynchronous handler: it may answer later (from a timer or a worker pool)
// through `respond`. The Request stays valid until respond is called.
using Handler = std::function<void(const Request&, Respond)>;
// A handler that answers at once on the I/O thread; it must not block.
using SyncHandler = std::function<Response(const Request&)>;

class Router {
 public:
  // `methods`: e.g. {"GET"} or {"GET", "POST"}.
  void Handle(std::vector<std::string> methods, std::string pattern, Handler handler);
  void HandleSync(std::vector<std::string> methods, std::string pattern, SyncHandler handler);

  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed } kind = Kind::kNotFound;
    const Handler* handler = nullptr;
    std::string_view pattern;  // the route's pattern, used as a metrics label
    std::string allowed;       // "GET, POST" for kMethodNotAllowed
  };
  // Fills request->path_params on a match.
  Match Find(Request* request) const;

 private:
  struct Route {
    std::vector<std::string> methods;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    int literal_segments = 0;
  };
  std::vector<Route> routes_;
};

}  // namespace vigil::http
