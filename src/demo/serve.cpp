#include "serve.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>
#include <future>
#include <memory>

#include "vigil/base/event_loop.h"
#include "vigil/base/log.h"
#include "vigil/base/metrics.h"

namespace vigil::demo {
namespace {

constexpr int kLoopThreads = 2;
constexpr Duration kShutdownGrace = std::chrono::seconds(10);

}  // namespace

Status Serve(const AppOptions& options) {
  EventLoop loop;
  metrics::Registry registry;
  // Destroyed before the loop stops, so its connections close on a running loop.
  auto app = std::make_unique<App>(loop, options, registry);
  VIGIL_RETURN_IF_ERROR(app->Start());

  std::promise<int> stop;
  boost::asio::signal_set signals(loop.context(), SIGINT, SIGTERM);
  signals.async_wait([&stop](const boost::system::error_code& ec, int signal) {
    stop.set_value(ec ? 0 : signal);
  });
  loop.Start(kLoopThreads);

  const int signal = stop.get_future().get();
  log::Info("Shutting down", {{"signal", signal}});
  const bool drained = app->Shutdown(kShutdownGrace);
  app.reset();
  boost::system::error_code ignored;
  signals.cancel(ignored);
  loop.Stop();
  loop.Join();
  log::Info("Stopped", {{"drained", drained}});
  return Status::Ok();
}

}  // namespace vigil::demo
