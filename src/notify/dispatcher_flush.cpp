// The notification pipeline of one aggregation group, as Alertmanager 0.25
// runs it per flush: time intervals, inhibition, silences, then per
// integration the dedup against the notification log and the outbox.
#include <algorithm>

#include "dispatcher_impl.h"
#include "vigil/base/log.h"

namespace vigil::notify {

void Dispatcher::Impl::FlushDueGroups(int64_t now) {
  for (auto it = groups.begin(); it != groups.end();) {
    AggregationGroup& g = it->second;
    if (g.next_flush_ms <= now) {
      if (Flush(g, now)) {
        // Resolved alerts were notified (or needed no notification): gone.
        std::erase_if(g.alerts, [now](const auto& e) { return e.second.alert.ResolvedAt(now); });
      }
      g.has_flushed = true;
      g.next_flush_ms = now + g.node->route->group_interval.count();
      if (g.alerts.empty()) {
        it = groups.erase(it);
        continue;
      }
    }
    ++it;
  }
}

bool Dispatcher::Impl::Flush(AggregationGroup& group, int64_t now) {
  if (group.alerts.empty()) return true;
  const config::Route& route = *group.node->route;
  if (!route.active_time_intervals.empty() &&
      std::none_of(route.active_time_intervals.begin(), route.active_time_intervals.end(),
                   [&](const std::string& n) { return intervals.Contains(n, now); })) {
    return true;
  }
  if (std::any_of(route.mute_time_intervals.begin(), route.mute_time_intervals.end(),
                  [&](const std::string& n) { return intervals.Contains(n, now); })) {
    return true;
  }

  std::vector<const StoredAlert*> kept;
  for (const auto& [fp, a] : group.alerts) {
    if (!InhibitedBy(a.alert.labels, now).empty()) continue;
    if (!options.silences->Mutes(a.alert.labels).empty()) continue;
    kept.push_back(&a);
  }
  std::sort(kept.begin(), kept.end(), [](const StoredAlert* a, const StoredAlert* b) {
    return a->alert.labels < b->alert.labels;
  });
  std::vector<uint64_t> firing;
  std::vector<uint64_t> resolved;
  for (const StoredAlert* a : kept) {
    (a->alert.ResolvedAt(now) ? resolved : firing).push_back(a->fingerprint);
  }
  std::sort(firing.begin(), firing.end());
  std::sort(resolved.begin(), resolved.end());

  const int64_t repeat_ms = route.repeat_interval.count();
  const int64_t expires_ms =
      now + std::max<int64_t>(options.nflog_retention.count(), 2 * repeat_ms);
  auto found = integrations.find(route.receiver);
  if (found == integrations.end()) return true;
  bool ok = true;
  for (size_t i = 0; i < found->second.size(); ++i) {
    const Integration& integration = *found->second[i];
    std::string key = IntegrationKey(group.key, route.receiver, integration.kind(), i);
    if (!NeedsUpdate(nflog->Get(key), firing, resolved, integration.send_resolved(), repeat_ms,
                     now)) {
      continue;
    }
    std::vector<Alert> sent;
    for (const StoredAlert* a : kept) {
      if (integration.send_resolved() || !a->alert.ResolvedAt(now)) sent.push_back(a->alert);
    }
    if (sent.empty()) {
      // Only resolved alerts for an integration that does not want them:
      // logged as notified so the next firing starts afresh.
      Status s = nflog->Log(key, {firing, resolved, now, expires_ms});
      CountStateWriteFailure(s, "notification log");
      ok = ok && s.ok();
      continue;
    }
    if (const OutboxEntry* pending = outbox->Find(key);
        pending != nullptr && pending->firing == firing && pending->resolved == resolved) {
      continue;  // the same notification is already on its way
    }
    OutboxEntry e;
    e.key = key;
    e.id = NewUuid();
    e.receiver = route.receiver;
    e.integration = std::string(integration.kind());
    e.integration_index = i;
    e.notification = {route.receiver,  group.key, group.labels,
                      std::move(sent), now,       options.external_url};
    e.firing = firing;
    e.resolved = resolved;
    e.created_ms = now;
    // Retried until the group would have sent it again anyway.
    e.expires_ms = now + std::max(repeat_ms, route.group_interval.count());
    e.repeat_interval_ms = repeat_ms;
    e.next_attempt_ms = now;
    Status s = outbox->Put(std::move(e));
    CountStateWriteFailure(s, "outbox");
    ok = ok && s.ok();
  }
  return ok;
}

}  // namespace vigil::notify
