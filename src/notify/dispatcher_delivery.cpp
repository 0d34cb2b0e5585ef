// Delivery from the outbox: due entries are handed to their integration
// outside the lock; results come back through the mailbox and are applied in
// the next tick (notification log written, entry removed, or a retry
// scheduled with exponential backoff and jitter).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <random>

#include "dispatcher_impl.h"
#include "vigil/base/log.h"

namespace vigil::notify {

int64_t Dispatcher::Impl::Backoff(int attempts) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  double base = static_cast<double>(options.retry_initial_backoff.count());
  double max = static_cast<double>(options.retry_max_backoff.count());
  double delay = std::min(max, base * std::pow(2.0, std::max(0, attempts - 1)));
  // ±20% so integrations failing together do not retry in lockstep.
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return static_cast<int64_t>(delay * jitter(rng));
}

void Dispatcher::Impl::ProcessCompletions(int64_t now) {
  std::vector<Completion> done;
  {
    std::lock_guard<std::mutex> lock(mailbox->mu);
    done.swap(mailbox->done);
  }
  for (Completion& c : done) {
    std::vector<std::string> labels = {c.integration, c.receiver};
    notifications.With(labels).Inc();
    latency.With(labels).Observe(c.seconds);
    OutboxEntry* entry = outbox->Find(c.key);
    bool current = entry != nullptr && entry->id == c.id;
    if (c.result.status.ok()) {
      // What was delivered is logged even when a newer notification
      // replaced the entry meanwhile; the newer one is still sent.
      int64_t expires =
          now + std::max<int64_t>(options.nflog_retention.count(), 2 * c.repeat_interval_ms);
      CountStateWriteFailure(nflog->Log(c.key, {c.firing, c.resolved, now, expires}),
                             "notification log");
      if (current) CountStateWriteFailure(outbox->Remove(c.key, c.id), "outbox");
      continue;
    }
    notifications_failed.With(labels).Inc();
    if (!current) continue;
    entry->in_flight = false;
    if (c.result.retryable && now < entry->expires_ms) {
      entry->next_attempt_ms = now + Backoff(entry->attempts);
      log::Warn("Notify attempt failed, will retry later", {{"receiver", c.receiver},
                                                            {"integration", c.integration},
                                                            {"attempts", entry->attempts},
                                                            {"err", c.result.status.message()}});
      continue;
    }
    log::Error(c.result.retryable ? "Notify retries expired; giving up"
                                  : "Notify failed with a non-retryable error; giving up",
               {{"receiver", c.receiver},
                {"integration", c.integration},
                {"attempts", entry->attempts},
                {"err", c.result.status.message()}});
    CountStateWriteFailure(outbox->Remove(c.key, c.id), "outbox");
  }
}

void Dispatcher::Impl::CollectAttempts(int64_t now, std::vector<Attempt>* attempts) {
  std::vector<std::pair<std::string, std::string>> drop;  // key, id
  for (auto& [key, e] : outbox->entries()) {
    if (e.in_flight || e.next_attempt_ms > now) continue;
    if (now >= e.expires_ms) {
      log::Warn(
          "Dropping an undelivered notification that expired",
          {{"receiver", e.receiver}, {"integration", e.integration}, {"attempts", e.attempts}});
      drop.emplace_back(key, e.id);
      continue;
    }
    // Delivered before a crash that lost the outbox removal: not again.
    if (const NflogEntry* logged = nflog->Get(key);
        logged != nullptr && logged->timestamp_ms >= e.created_ms && logged->firing == e.firing &&
        logged->resolved == e.resolved) {
      drop.emplace_back(key, e.id);
      continue;
    }
    if (!config_applied) continue;  // integrations come with the config
    auto found = integrations.find(e.receiver);
    if (found == integrations.end() || e.integration_index >= found->second.size() ||
        found->second[e.integration_index]->kind() != e.integration) {
      log::Warn("Dropping a notification whose receiver integration is no longer configured",
                {{"receiver", e.receiver}, {"integration", e.integration}});
      drop.emplace_back(key, e.id);
      continue;
    }
    e.in_flight = true;
    ++e.attempts;
    Attempt a;
    a.integration = found->second[e.integration_index];
    a.notification = e.notification;
    a.completion = {
        key, e.id, e.receiver, e.integration, e.firing, e.resolved, e.repeat_interval_ms, {}, 0};
    attempts->push_back(std::move(a));
  }
  for (const auto& [key, id] : drop) CountStateWriteFailure(outbox->Remove(key, id), "outbox");
}

void Dispatcher::Impl::StartAttempts(std::vector<Attempt> attempts) {
  for (Attempt& a : attempts) {
    auto start = std::chrono::steady_clock::now();
    auto called = std::make_shared<std::atomic<bool>>(false);
    std::function<void(DeliveryResult)> finish = [mailbox = mailbox, integration = a.integration,
                                                  completion = std::move(a.completion), start,
                                                  called](DeliveryResult r) {
      if (called->exchange(true)) return;  // the integration broke its contract
      Completion c = completion;
      c.result = std::move(r);
      c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      {
        std::lock_guard<std::mutex> lock(mailbox->mu);
        mailbox->done.push_back(std::move(c));
        mailbox->wake = true;
      }
      mailbox->cv.notify_one();
    };
    try {
      a.integration->Notify(a.notification, finish);
    } catch (const std::exception& e) {
      finish({Internal(std::string("integration threw: ") + e.what()), true});
    }
  }
}

}  // namespace vigil::notify
