// WorkerPool: a fixed set of threads for CPU-heavy and blocking work (parsing
// and appending scrapes, query evaluation, fsync) that must stay off the
// event loop. Tasks run in no particular order.
// Thread-safety: Post may be called from any thread; Stop/Join from one.
#pragma once

#include <functional>
#include <memory>

namespace vigil {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();  // runs what is queued, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // An exception escaping `task` is logged; the worker goes on.
  void Post(std::function<void()> task);
  // Waits for queued tasks, then joins the threads.
  void Join();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil
