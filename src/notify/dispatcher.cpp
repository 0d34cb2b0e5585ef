#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "dispatcher_impl.h"
#include "vigil/base/log.h"

namespace vigil::notify {
namespace {

std::vector<std::string> IntegrationLabels(std::string_view kind, const std::string& receiver) {
  return {std::string(kind), receiver};
}

// Alertmanager's Alert.Merge: `newer` was updated later than `older`.
StoredAlert Merge(const StoredAlert& older, const StoredAlert& newer, int64_t now) {
  StoredAlert res = newer;
  if (older.alert.starts_at_ms < newer.alert.starts_at_ms) {
    res.alert.starts_at_ms = older.alert.starts_at_ms;
  }
  if (newer.alert.ResolvedAt(now)) {
    if (older.alert.ResolvedAt(now) && older.alert.ends_at_ms > newer.alert.ends_at_ms) {
      res.alert.ends_at_ms = older.alert.ends_at_ms;
    }
  } else if (older.alert.ends_at_ms > newer.alert.ends_at_ms && !older.timeout) {
    res.alert.ends_at_ms = older.alert.ends_at_ms;
  }
  return res;
}

// Alertmanager merges only when the new alert overlaps the old one's span.
bool Overlaps(const Alert& old, const Alert& next) {
  return (next.ends_at_ms > old.starts_at_ms && next.ends_at_ms < old.ends_at_ms) ||
         (next.starts_at_ms > old.starts_at_ms && next.starts_at_ms < old.ends_at_ms);
}

}  // namespace

std::string IntegrationKey(const std::string& group_key, const std::string& receiver,
                           std::string_view kind, size_t index) {
  return group_key + "|" + receiver + "/" + std::string(kind) + "/" + std::to_string(index);
}

std::string FingerprintString(uint64_t fingerprint) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fingerprint));
  return buf;
}

Status ValidateAlert(const Alert& alert) {
  if (alert.labels.empty()) return InvalidArgument("at least one label pair required");
  for (const model::Label& l : alert.labels) {
    if (!model::IsValidLabelName(l.name)) {
      return InvalidArgument("invalid label name \"" + std::string(l.name) + "\"");
    }
  }
  for (const model::Label& l : alert.annotations) {
    if (!model::IsValidLabelName(l.name)) {
      return InvalidArgument("invalid annotation name \"" + std::string(l.name) + "\"");
    }
  }
  if (alert.starts_at_ms != 0 && alert.ends_at_ms != 0 && alert.ends_at_ms < alert.starts_at_ms) {
    return InvalidArgument("start time must be before end time");
  }
  return Status::Ok();
}

Dispatcher::Impl::Impl(DispatcherOptions o)
    : options(std::move(o)),
      notifications(options.registry->AddCounterFamily(
          "vigil_notifications_total", "The total number of attempted notifications.",
          {"integration", "receiver"})),
      notifications_failed(options.registry->AddCounterFamily(
          "vigil_notifications_failed_total", "The total number of failed notifications.",
          {"integration", "receiver"})),
      latency(options.registry->AddHistogramFamily(
          "vigil_notification_latency_seconds", "The latency of notifications in seconds.",
          {"integration", "receiver"}, {1, 5, 10, 15, 20})),
      queue_length(options.registry->AddGaugeFamily(
          "vigil_notification_queue_length", "Notifications waiting in the outbox to be delivered.",
          {"integration", "receiver"})),
      alerts_by_state(
          options.registry->AddGaugeFamily("vigil_alerts", "How many alerts by state.", {"state"})),
      alerts_received(options.registry->AddCounterFamily(
          "vigil_alerts_received_total", "The total number of received alerts.", {"status"})),
      state_write_failures(options.registry->AddCounter(
          "vigil_notification_state_write_failures_total",
          "Writes of the notification log or outbox that failed (disk errors).")) {}

void Dispatcher::Impl::CountStateWriteFailure(const Status& s, std::string_view what) {
  if (s.ok()) return;
  state_write_failures.Inc();
  log::Error("Cannot write notification state", {{"what", what}, {"err", s.message()}});
}

Dispatcher::Dispatcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Dispatcher::~Dispatcher() { Stop(); }

Result<std::unique_ptr<Dispatcher>> Dispatcher::Open(DispatcherOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec) return IoError("cannot create " + options.dir + ": " + ec.message());
  auto impl = std::make_unique<Impl>(options);
  int64_t now = options.clock->Now();
  std::filesystem::path dir(options.dir);
  VIGIL_ASSIGN_OR_RETURN(impl->nflog, NotificationLog::Open((dir / "nflog").string(), now));
  VIGIL_ASSIGN_OR_RETURN(impl->outbox, Outbox::Open((dir / "outbox").string()));
  if (!impl->outbox->entries().empty()) {
    log::Info("Notifications left in the outbox will be retried",
              {{"count", impl->outbox->entries().size()}});
  }
  impl->last_gc_ms = now;
  impl->last_alert_gc_ms = now;
  return std::unique_ptr<Dispatcher>(new Dispatcher(std::move(impl)));
}

void Dispatcher::Send(std::vector<Alert> batch) {
  Impl& d = *impl_;
  int64_t now = d.options.clock->Now();
  {
    std::lock_guard<std::mutex> lock(d.mu);
    Duration resolve_timeout =
        d.config ? d.config->global.resolve_timeout : std::chrono::minutes(5);
    for (Alert& a : batch) {
      StoredAlert s;
      if (a.starts_at_ms == 0) a.starts_at_ms = a.ends_at_ms != 0 ? a.ends_at_ms : now;
      if (a.ends_at_ms == 0) {
        a.ends_at_ms = now + resolve_timeout.count();
        s.timeout = true;
      }
      s.fingerprint = a.labels.Hash();
      s.updated_ms = now;
      d.alerts_received.With({a.ResolvedAt(now) ? "resolved" : "firing"}).Inc();
      s.alert = std::move(a);
      auto it = d.alerts.find(s.fingerprint);
      if (it != d.alerts.end() && Overlaps(it->second.alert, s.alert)) {
        s = Merge(it->second, s, now);
      }
      d.alerts.insert_or_assign(s.fingerprint, s);
      d.Insert(s, now);
    }
  }
  d.mailbox->Wake();
}

void Dispatcher::Impl::Insert(const StoredAlert& a, int64_t now) {
  if (tree == nullptr) return;
  for (const RouteNode* node : MatchRoutes(*tree, a.alert.labels)) {
    model::Labels labels = GroupLabels(*node->route, a.alert.labels);
    std::string key = GroupKey(*node, labels);
    auto [it, created] = groups.try_emplace(key);
    AggregationGroup& g = it->second;
    if (created) {
      g.node = node;
      g.key = key;
      g.labels = std::move(labels);
      g.next_flush_ms = now + node->route->group_wait.count();
    }
    g.alerts.insert_or_assign(a.fingerprint, a);
    // An alert that started long ago needs no group_wait to gather others.
    if (!g.has_flushed && a.alert.starts_at_ms + node->route->group_wait.count() < now) {
      g.next_flush_ms = std::min(g.next_flush_ms, now);
    }
  }
}

Status Dispatcher::ApplyConfig(std::shared_ptr<const config::NotificationConfig> config,
                               IntegrationMap integrations) {
  Impl& d = *impl_;
  TimeIntervals intervals;
  std::unique_ptr<RouteNode> tree;
  if (config) {
    VIGIL_ASSIGN_OR_RETURN(intervals, TimeIntervals::Build(*config));
    tree = std::make_unique<RouteNode>(BuildRouteTree(config->route));
  }
  {
    std::lock_guard<std::mutex> lock(d.mu);
    int64_t now = d.options.clock->Now();
    d.config = std::move(config);
    d.tree = std::move(tree);
    d.intervals = std::move(intervals);
    d.integrations = std::move(integrations);
    d.config_applied = true;
    d.groups.clear();
    for (const auto& [fp, a] : d.alerts) d.Insert(a, now);
  }
  d.mailbox->Wake();
  return Status::Ok();
}

void Dispatcher::Tick() {
  Impl& d = *impl_;
  std::vector<Attempt> attempts;
  {
    std::lock_guard<std::mutex> lock(d.mu);
    int64_t now = d.options.clock->Now();
    d.ProcessCompletions(now);
    d.FlushDueGroups(now);
    d.CollectAttempts(now, &attempts);
    if (now - d.last_gauges_ms >= 1000) d.RefreshGauges(now);
    d.CollectGarbage(now);
  }
  d.StartAttempts(std::move(attempts));
}

void Dispatcher::Start() {
  Impl& d = *impl_;
  d.thread = std::thread([this, &d] {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(d.mailbox->mu);
        d.mailbox->cv.wait_for(lock, d.options.tick_interval,
                               [&d] { return d.mailbox->wake || d.mailbox->stopping; });
        if (d.mailbox->stopping) return;
        d.mailbox->wake = false;
      }
      Tick();
    }
  });
}

void Dispatcher::Stop() {
  Impl& d = *impl_;
  {
    std::lock_guard<std::mutex> lock(d.mailbox->mu);
    d.mailbox->stopping = true;
  }
  d.mailbox->cv.notify_all();
  if (d.thread.joinable()) d.thread.join();
}

std::vector<uint64_t> Dispatcher::Impl::InhibitedBy(const model::Labels& labels,
                                                    int64_t now) const {
  std::vector<uint64_t> out;
  if (!config) return out;
  auto matches_all = [](const std::vector<model::Matcher>& ms, const model::Labels& l) {
    return std::all_of(ms.begin(), ms.end(),
                       [&l](const model::Matcher& m) { return m.Matches(l.Get(m.name())); });
  };
  for (const config::InhibitRule& rule : config->inhibit_rules) {
    if (!matches_all(rule.target_matchers, labels)) continue;
    // An alert that is both source and target cannot be inhibited by alerts
    // that are also both (Alertmanager's two-sided match rule).
    bool two_sided = matches_all(rule.source_matchers, labels);
    for (const auto& [fp, s] : alerts) {
      if (s.alert.ResolvedAt(now)) continue;
      if (!matches_all(rule.source_matchers, s.alert.labels)) continue;
      bool equal = std::all_of(rule.equal.begin(), rule.equal.end(), [&](const std::string& n) {
        return s.alert.labels.Get(n) == labels.Get(n);
      });
      if (!equal) continue;
      if (two_sided && matches_all(rule.target_matchers, s.alert.labels)) continue;
      out.push_back(fp);
      break;
    }
  }
  return out;
}

AlertSnapshot Dispatcher::Impl::View(const StoredAlert& a, int64_t now) const {
  AlertSnapshot v;
  v.alert = a.alert;
  v.fingerprint = a.fingerprint;
  v.updated_at_ms = a.updated_ms;
  if (tree) {
    for (const RouteNode* node : MatchRoutes(*tree, a.alert.labels)) {
      const std::string& r = node->route->receiver;
      if (std::find(v.receivers.begin(), v.receivers.end(), r) == v.receivers.end()) {
        v.receivers.push_back(r);
      }
    }
  }
  v.silenced_by = options.silences->Mutes(a.alert.labels);
  for (uint64_t fp : InhibitedBy(a.alert.labels, now)) {
    v.inhibited_by.push_back(FingerprintString(fp));
  }
  return v;
}

std::vector<AlertSnapshot> Dispatcher::Alerts() const {
  const Impl& d = *impl_;
  std::lock_guard<std::mutex> lock(d.mu);
  int64_t now = d.options.clock->Now();
  std::vector<AlertSnapshot> out;
  for (const auto& [fp, a] : d.alerts) {
    if (!a.alert.ResolvedAt(now)) out.push_back(d.View(a, now));
  }
  std::sort(out.begin(), out.end(), [](const AlertSnapshot& a, const AlertSnapshot& b) {
    return a.alert.labels < b.alert.labels;
  });
  return out;
}

std::vector<GroupSnapshot> Dispatcher::Groups() const {
  const Impl& d = *impl_;
  std::lock_guard<std::mutex> lock(d.mu);
  int64_t now = d.options.clock->Now();
  std::vector<GroupSnapshot> out;
  for (const auto& [key, g] : d.groups) {
    GroupSnapshot v;
    v.labels = g.labels;
    v.receiver = g.node->route->receiver;
    for (const auto& [fp, a] : g.alerts) {
      if (!a.alert.ResolvedAt(now)) v.alerts.push_back(d.View(a, now));
    }
    if (v.alerts.empty()) continue;
    std::sort(v.alerts.begin(), v.alerts.end(), [](const AlertSnapshot& a, const AlertSnapshot& b) {
      return a.alert.labels < b.alert.labels;
    });
    out.push_back(std::move(v));
  }
  return out;
}

size_t Dispatcher::PendingNotifications() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->outbox->entries().size();
}

void Dispatcher::Impl::RefreshGauges(int64_t now) {
  last_gauges_ms = now;
  double active = 0;
  double suppressed = 0;
  for (const auto& [fp, a] : alerts) {
    if (a.alert.ResolvedAt(now)) continue;
    bool muted = !options.silences->Mutes(a.alert.labels).empty() ||
                 !InhibitedBy(a.alert.labels, now).empty();
    (muted ? suppressed : active) += 1;
  }
  alerts_by_state.With({"active"}).Set(active);
  alerts_by_state.With({"suppressed"}).Set(suppressed);
  std::map<std::vector<std::string>, double> queued;
  for (const auto& [receiver, list] : integrations) {
    for (const auto& integration : list)
      queued[IntegrationLabels(integration->kind(), receiver)] = 0;
  }
  for (const auto& [key, e] : outbox->entries())
    queued[IntegrationLabels(e.integration, e.receiver)] += 1;
  for (const auto& [labels, n] : queued) queue_length.With(labels).Set(n);
  options.silences->RefreshMetrics();
}

void Dispatcher::Impl::CollectGarbage(int64_t now) {
  // Resolved alerts leave memory a while after they resolved; the files are
  // compacted every 15 minutes, as Alertmanager's maintenance.
  if (now - last_alert_gc_ms >= 30'000) {
    last_alert_gc_ms = now;
    std::erase_if(alerts, [&](const auto& e) {
      return e.second.alert.ResolvedAt(now - options.resolved_retention.count());
    });
  }
  if (now - last_gc_ms < 15 * 60'000) return;
  last_gc_ms = now;
  CountStateWriteFailure(nflog->GarbageCollect(now), "notification log");
  CountStateWriteFailure(options.silences->GarbageCollect(), "silences");
}

}  // namespace vigil::notify
