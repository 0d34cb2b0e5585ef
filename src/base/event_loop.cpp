#include "vigil/base/event_loop.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <exception>
#include <optional>

#include "vigil/base/log.h"

namespace vigil {

struct EventLoop::Impl {
  boost::asio::io_context io;
  // Keeps run() from returning while the loop has no work.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work{
      boost::asio::make_work_guard(io)};

  void Run() {
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        log::Error("Unhandled exception on the event loop", {{"err", e.what()}});
      } catch (...) {
        log::Error("Unhandled exception on the event loop");
      }
    }
  }
};

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {}

EventLoop::~EventLoop() {
  Stop();
  Join();
}

boost::asio::io_context& EventLoop::context() { return impl_->io; }

void EventLoop::Start(int threads) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { impl_->Run(); });
}

void EventLoop::RunHere() { impl_->Run(); }

void EventLoop::Post(std::function<void()> fn) { boost::asio::post(impl_->io, std::move(fn)); }

void EventLoop::Stop() {
  impl_->work.reset();
  impl_->io.stop();
}

void EventLoop::Join() {
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace vigil
