#include "delays.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>

#include "vigil/base/log.h"

namespace vigil::demo {
namespace {

// Runs a callback without letting an exception reach the event loop.
void Invoke(const std::function<void(bool)>& fn, bool fired) {
  try {
    fn(fired);
  } catch (const std::exception& e) {
    log::Error("Delayed call failed", {{"err", e.what()}});
  } catch (...) {
    log::Error("Delayed call failed with an unknown exception");
  }
}

}  // namespace

struct Delays::State {
  explicit State(boost::asio::io_context& context) : io(context) {}

  boost::asio::io_context& io;
  mutable std::mutex mu;
  bool cancelled = false;  // guarded by mu
  uint64_t next_id = 0;    // guarded by mu
  // Pending timers by id; a timer's operations run only while holding mu.
  std::map<uint64_t, std::shared_ptr<boost::asio::steady_timer>> timers;  // guarded by mu
};

Delays::Delays(boost::asio::io_context& io) : state_(std::make_shared<State>(io)) {}

Delays::~Delays() { CancelAll(); }

void Delays::After(Duration delay, std::function<void(bool fired)> fn) {
  std::lock_guard<std::mutex> lock(state_->mu);
  if (state_->cancelled) {
    boost::asio::post(state_->io, [fn = std::move(fn)] { Invoke(fn, false); });
    return;
  }
  const uint64_t id = state_->next_id++;
  auto timer = std::make_shared<boost::asio::steady_timer>(state_->io);
  timer->expires_after(delay);
  state_->timers.emplace(id, timer);
  timer->async_wait(
      [state = state_, id, timer, fn = std::move(fn)](const boost::system::error_code& ec) {
        {
          std::lock_guard<std::mutex> lock(state->mu);
          state->timers.erase(id);
        }
        Invoke(fn, !ec);
      });
}

void Delays::CancelAll() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->cancelled = true;
  for (auto& [id, timer] : state_->timers) timer->cancel();
}

size_t Delays::Pending() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->timers.size();
}

}  // namespace vigil::demo
