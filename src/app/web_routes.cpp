#include "web_routes.h"

#include <nlohmann/json.hpp>

#include "api_targets.h"
#include "vigil/base/build_info.h"
#include "web_assets.h"

namespace vigil::app {
namespace {

http::Response ApiSuccess(nlohmann::json data) {
  nlohmann::json body = {{"status", "success"}, {"data", std::move(data)}};
  return http::Response::Json(200, body.dump());
}

std::string_view ContentType(std::string_view path) {
  auto ends_with = [path](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  return "application/octet-stream";
}

http::Response Asset(std::string_view path) {
  for (const WebAsset& asset : WebAssets()) {
    if (asset.path == path) {
      http::Response r = http::Response::Text(200, std::string(asset.content));
      r.content_type = ContentType(path);
      return r;
    }
  }
  return http::Response::Text(404, "404 page not found\n");
}

}  // namespace

void AddWebRoutes(const WebContext& ctx, http::Router* router) {
  router->HandleSync({"GET"}, "/", [](const http::Request&) { return Asset("index.html"); });
  router->HandleSync({"GET"}, "/static/*file", [](const http::Request& r) {
    return Asset(r.path_params.at("file"));
  });
  router->HandleSync({"GET"}, "/-/healthy", [](const http::Request&) {
    return http::Response::Text(200, "vigil is Healthy.\n");
  });
  router->HandleSync({"GET"}, "/-/ready", [ready = ctx.ready](const http::Request&) {
    if (!ready->load()) return http::Response::Text(503, "Service Unavailable\n");
    return http::Response::Text(200, "vigil is Ready.\n");
  });
  router->HandleSync({"GET"}, "/metrics", [registry = ctx.registry](const http::Request&) {
    http::Response r = http::Response::Text(200, registry->Render());
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
  });

  const bool lifecycle = ctx.enable_lifecycle;
  router->Handle({"POST", "PUT"}, "/-/reload",
                 [lifecycle, reload = ctx.reload](const http::Request&, http::Respond respond) {
                   if (!lifecycle) {
                     return respond(http::Response::Text(403, "Lifecycle API is not enabled.\n"));
                   }
                   reload([respond](const Status& s) {
                     if (s.ok()) return respond(http::Response::Text(200, ""));
                     respond(http::Response::Text(
                         500, "failed to reload config: " + s.message() + "\n"));
                   });
                 });
  router->HandleSync({"POST", "PUT"}, "/-/quit",
                     [lifecycle, quit = ctx.quit](const http::Request&) {
                       if (!lifecycle) {
                         return http::Response::Text(403, "Lifecycle API is not enabled.\n");
                       }
                       quit();
                       return http::Response::Text(200, "Requesting termination... Goodbye!\n");
                     });

  router->HandleSync({"GET"}, "/api/v1/status/config", [config = ctx.config](const http::Request&) {
    return ApiSuccess({{"yaml", config::RenderConfigYaml(*config())}});
  });
  router->HandleSync({"GET"}, "/api/v1/targets", [scrape = ctx.scrape](const http::Request& r) {
    return http::Response::Json(200, TargetsJson(scrape->ActiveTargets(), scrape->DroppedTargets(),
                                                 r.FormValue("state"), r.FormValue("scrapePool")));
  });
  router->HandleSync({"GET"}, "/api/v1/status/buildinfo", [](const http::Request&) {
    return ApiSuccess({{"version", build_info::Version()},
                       {"revision", build_info::Revision()},
                       {"branch", ""},
                       {"buildUser", ""},
                       {"buildDate", ""},
                       {"goVersion", build_info::Compiler()}});
  });
}

}  // namespace vigil::app
