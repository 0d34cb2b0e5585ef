#include "vigil/base/worker_pool.h"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <exception>

#include "vigil/base/log.h"

namespace vigil {

struct WorkerPool::Impl {
  explicit Impl(int threads) : pool(static_cast<size_t>(threads)) {}
  boost::asio::thread_pool pool;
};

WorkerPool::WorkerPool(int threads) : impl_(std::make_unique<Impl>(threads)) {}

WorkerPool::~WorkerPool() { Join(); }

void WorkerPool::Post(std::function<void()> task) {
  boost::asio::post(impl_->pool, [task = std::move(task)] {
    try {
      task();
    } catch (const std::exception& e) {
      log::Error("Unhandled exception in a worker task", {{"err", e.what()}});
    } catch (...) {
      log::Error("Unhandled exception in a worker task");
    }
  });
}

void WorkerPool::Join() { impl_->pool.join(); }

}  // namespace vigil
