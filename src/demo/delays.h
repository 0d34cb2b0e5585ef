// Delays: runs callbacks after a delay on the event loop's steady timers, so a
// handler can answer later without ever sleeping on an I/O thread. CancelAll
// completes every pending callback at once (for shutdown).
//
// Asio stays out of this header, as in vigil/base/event_loop.h.
// Thread-safety: every method may be called from any thread. Callbacks run on
// the io_context's threads; an exception escaping one is logged and dropped.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "vigil/base/duration.h"

namespace boost::asio {
class io_context;
}

namespace vigil::demo {

class Delays {
 public:
  // `io` must outlive every callback scheduled here.
  explicit Delays(boost::asio::io_context& io);
  ~Delays();  // cancels what is still pending
  Delays(const Delays&) = delete;
  Delays& operator=(const Delays&) = delete;

  // Calls fn(true) on the io_context once `delay` has passed, or fn(false)
  // when the call is cancelled by CancelAll. After CancelAll, fn(false) is
  // posted at once. A delay <= 0 fires on the next turn of the loop.
  void After(Duration delay, std::function<void(bool fired)> fn);

  // Cancels every pending call (each gets fn(false)) and every later one.
  void CancelAll();

  // Calls scheduled and not yet completed.
  size_t Pending() const;

 private:
  struct State;
  // Shared with the timers' completion handlers, which may outlive *this.
  std::shared_ptr<State> state_;
};

}  // namespace vigil::demo
