#include "app.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <mutex>
#include <random>
#include <string_view>
#include <utility>

#include "delays.h"
#include "request_metrics.h"
#include "vigil/base/log.h"
#include "vigil/http/message.h"
#include "vigil/http/router.h"
#include "vigil/http/server.h"

namespace vigil::demo {
namespace {

constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";
constexpr Duration kMaxLatency = std::chrono::hours(1);
constexpr Duration kCloseWait = std::chrono::seconds(1);

http::Response ShuttingDown() { return http::Response::Text(503, "shutting down\n"); }

}  // namespace

Result<int64_t> ParseSlowMs(std::string_view text) {
  if (text.empty())
    return InvalidArgument("missing ms parameter (want /slow?ms=<0.." + std::to_string(kMaxSlowMs) +
                           ">)");
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return InvalidArgument("bad ms parameter \"" + std::string(text) +
                             "\": want a non-negative integer");
    }
  }
  // Seven digits or more is past the cap however it parses.
  if (text.size() > 6) return kMaxSlowMs;
  int64_t ms = 0;
  std::from_chars(text.data(), text.data() + text.size(), ms);
  return std::min(ms, kMaxSlowMs);
}

Status ValidateAppOptions(const AppOptions& options) {
  if (options.listen_address.empty()) return InvalidArgument("empty listen address");
  if (!(options.error_rate >= 0 && options.error_rate <= 1)) {
    return InvalidArgument("error rate must be between 0 and 1");
  }
  if (options.latency < Duration::zero() || options.latency > kMaxLatency) {
    return InvalidArgument("latency must be between 0 and 1h");
  }
  if (options.version_label.empty()) return InvalidArgument("empty version label");
  return Status::Ok();
}

class App::Impl {
 public:
  Impl(EventLoop& loop, AppOptions options, metrics::Registry& registry)
      : options_(std::move(options)),
        registry_(registry),
        request_metrics_(registry),
        delays_(loop.context()),
        rng_(std::random_device{}()),
        error_dist_(options_.error_rate) {
    metrics::RegisterProcessMetrics(registry_);
    registry_
        .AddGaugeFamily("demo_build_info", "Always 1; the version label names the release.",
                        {"version"})
        .With({options_.version_label})
        .Set(1);
    request_metrics_.Prime("GET", "/", {200, 500});

    http::ServerOptions server_options;
    server_options.listen_address = options_.listen_address;
    server_options.access_log = options_.access_log;
    server_options.server_name = "vigil-demo";
    server_ = std::make_unique<http::Server>(loop, std::move(server_options), MakeRouter(),
                                             request_metrics_.MakeObserver());
  }

  Status Start() {
    VIGIL_RETURN_IF_ERROR(server_->Start());
    log::Info("vigil-demo listening", {{"address", server_->LocalAddress()},
                                       {"version", options_.version_label},
                                       {"error_rate", options_.error_rate},
                                       {"latency", FormatDuration(options_.latency)}});
    return Status::Ok();
  }

  std::string LocalAddress() const { return server_->LocalAddress(); }
  uint16_t Port() const { return server_->Port(); }

  bool Shutdown(Duration grace) {
    server_->StopAccepting();
    delays_.CancelAll();
    const bool drained = server_->WaitIdle(grace);
    if (!drained) {
      log::Warn("Connections still open after the grace period; closing them",
                {{"open", server_->OpenConnections()}, {"grace", FormatDuration(grace)}});
      server_->CloseAll();
      // Close runs on each connection's strand; give it a moment to finish.
      server_->WaitIdle(kCloseWait);
    }
    return drained;
  }

 private:
  http::Router MakeRouter() {
    http::Router router;
    router.Handle({"GET"}, "/", [this](const http::Request&, http::Respond respond) {
      HandleRoot(std::move(respond));
    });
    router.HandleSync({"GET"}, "/boom",
                      [](const http::Request&) { return http::Response::Text(500, "boom\n"); });
    router.Handle({"GET"}, "/slow", [this](const http::Request& request, http::Respond respond) {
      HandleSlow(request, std::move(respond));
    });
    router.HandleSync({"GET"}, "/healthz",
                      [](const http::Request&) { return http::Response::Text(200, "ok"); });
    router.HandleSync({"GET"}, "/metrics", [this](const http::Request&) {
      http::Response response = http::Response::Text(200, registry_.Render());
      response.content_type = std::string(kMetricsContentType);
      return response;
    });
    return router;
  }

  void HandleRoot(http::Respond respond) {
    http::Response response = RollError()
                                  ? http::Response::Text(500, "simulated failure (--error-rate)\n")
                                  : http::Response::Text(200, "hello from vigil-demo\n");
    if (options_.latency <= Duration::zero()) {
      respond(std::move(response));
      return;
    }
    delays_.After(options_.latency, [respond = std::move(respond),
                                     response = std::move(response)](bool fired) mutable {
      respond(fired ? std::move(response) : ShuttingDown());
    });
  }

  void HandleSlow(const http::Request& request, http::Respond respond) {
    Result<int64_t> ms = ParseSlowMs(request.QueryParam("ms"));
    if (!ms.ok()) {
      respond(http::Response::Text(400, ms.status().message() + "\n"));
      return;
    }
    delays_.After(Duration(*ms), [respond = std::move(respond), ms = *ms](bool fired) {
      respond(fired ? http::Response::Text(200, "waited " + std::to_string(ms) + "ms\n")
                    : ShuttingDown());
    });
  }

  bool RollError() {
    if (options_.error_rate <= 0) return false;
    std::lock_guard<std::mutex> lock(rng_mu_);
    return error_dist_(rng_);
  }

  const AppOptions options_;
  metrics::Registry& registry_;
  RequestMetrics request_metrics_;
  Delays delays_;
  std::mutex rng_mu_;
  std::mt19937_64 rng_;                     // guarded by rng_mu_
  std::bernoulli_distribution error_dist_;  // guarded by rng_mu_
  // Last, so it goes first: its handlers use the members above.
  std::unique_ptr<http::Server> server_;
};

App::App(EventLoop& loop, AppOptions options, metrics::Registry& registry)
    : impl_(std::make_unique<Impl>(loop, std::move(options), registry)) {}

App::~App() = default;

Status App::Start() { return impl_->Start(); }
std::string App::LocalAddress() const { return impl_->LocalAddress(); }
uint16_t App::Port() const { return impl_->Port(); }
bool App::Shutdown(Duration grace) { return impl_->Shutdown(grace); }

}  // namespace vigil::demo
