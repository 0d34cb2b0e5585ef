// ControlQueue: how signals and HTTP handlers ask the daemon's control thread
// (main) to reload or shut down. Reloading reads files, so it never runs on
// an I/O thread. Thread-safety: Push may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

#include "vigil/base/status.h"

namespace vigil::app {

struct ControlEvent {
  enum class Kind { kReload, kShutdown } kind;
  // For kReload: told the outcome (answers POST /-/reload); may be empty.
  std::function<void(const Status&)> done;
};

class ControlQueue {
 public:
  void Push(ControlEvent event) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      events_.push_back(std::move(event));
    }
    cv_.notify_one();
  }

  ControlEvent Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !events_.empty(); });
    ControlEvent e = std::move(events_.front());
    events_.pop_front();
    return e;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ControlEvent> events_;  // guarded by mu_
};

}  // namespace vigil::app
