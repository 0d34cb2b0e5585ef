// A scripted notify::Integration for dispatcher tests: records every
// notification and answers with queued results (OK once the queue is
// empty), synchronously or when the test releases it.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "vigil/notify/integration.h"

namespace vigil::notify::testing {

class FakeIntegration final : public Integration {
 public:
  explicit FakeIntegration(bool send_resolved = true, std::string kind = "webhook")
      : send_resolved_(send_resolved), kind_(std::move(kind)) {}

  std::string_view kind() const override { return kind_; }
  bool send_resolved() const override { return send_resolved_; }
  void Notify(const Notification& n, std::function<void(DeliveryResult)> done) override {
    DeliveryResult r;
    {
      std::lock_guard<std::mutex> lock(mu_);
      attempts_.push_back(n);
      if (hold_) {
        held_.push_back(std::move(done));
        return;
      }
      if (!results_.empty()) {
        r = results_.front();
        results_.pop_front();
      }
      if (r.status.ok()) delivered_.push_back(n);
    }
    done(r);
  }

  // The next attempts fail with a retryable (or not) error.
  void FailNext(int times, bool retryable = true) {
    std::lock_guard<std::mutex> lock(mu_);
    for (int i = 0; i < times; ++i) results_.push_back({Unavailable("HTTP 500"), retryable});
  }
  // Attempts wait until Release.
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = true;
  }
  void Release(DeliveryResult r) {
    std::vector<std::function<void(DeliveryResult)>> held;
    {
      std::lock_guard<std::mutex> lock(mu_);
      hold_ = false;
      held.swap(held_);
      // Held attempts are the last len(held) ones, in order.
      if (r.status.ok()) {
        for (size_t i = attempts_.size() - held.size(); i < attempts_.size(); ++i) {
          delivered_.push_back(attempts_[i]);
        }
      }
    }
    for (auto& done : held) done(r);
  }

  std::vector<Notification> delivered() const {
    std::lock_guard<std::mutex> lock(mu_);
    return delivered_;
  }
  size_t attempts() const {
    std::lock_guard<std::mutex> lock(mu_);
    return attempts_.size();
  }

 private:
  const bool send_resolved_;
  const std::string kind_;
  mutable std::mutex mu_;
  std::deque<DeliveryResult> results_;
  std::vector<Notification> attempts_;
  std::vector<Notification> delivered_;
  std::vector<std::function<void(DeliveryResult)>> held_;
  bool hold_ = false;
};

}  // namespace vigil::notify::testing
