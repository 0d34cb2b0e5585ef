// EventLoop: the process's one boost::asio::io_context and the threads that
// run it. All network I/O (HTTP server, scrape clients, notification clients)
// lives here; nothing that runs on it may block.
//
// Asio stays out of this header: code that needs the io_context includes
// <boost/asio/io_context.hpp> in its .cpp and calls context().
// Thread-safety: Post, Stop and context() may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace vigil {

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();  // stops and joins
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  boost::asio::io_context& context();

  // Starts `threads` threads running the loop. An exception escaping a handler
  // is logged and the thread goes back to running the loop.
  void Start(int threads);
  // Runs the loop on the calling thread until Stop(); for tests and tools.
  void RunHere();
  void Post(std::function<void()> fn);
  // Makes every running thread return; Join waits for them.
  void Stop();
  void Join();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<std::thread> threads_;
};

}  // namespace vigil
