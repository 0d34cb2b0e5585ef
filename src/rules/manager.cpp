#include "vigil/rules/manager.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <algorithm>
#include <condition_variable>
#include <map>

#include "vigil/base/log.h"

namespace vigil::rules {
namespace net = boost::asio;

namespace {

// Runs one group: a timer on the event loop's strand fires at the group's
// schedule; the evaluation runs on the worker pool; the next tick is armed
// when it is done, so a group never evaluates twice at once.
class GroupRunner : public std::enable_shared_from_this<GroupRunner> {
 public:
  GroupRunner(EventLoop& loop, WorkerPool& workers, const Clock& clock,
              std::shared_ptr<Group> group, GroupEnv env, const ManagerOptions& options,
              bool restore)
      : workers_(workers),
        clock_(clock),
        group_(std::move(group)),
        env_(std::move(env)),
        options_(options),
        restore_(restore),
        key_(group_->Key()),
        strand_(net::make_strand(loop.context())),
        timer_(strand_) {}

  const std::shared_ptr<Group>& group() const { return group_; }

  void Start() {
    if (env_.metrics) {
      env_.metrics->interval.With({key_}).Set(
          std::chrono::duration<double>(group_->interval()).count());
      env_.metrics->rules.With({key_}).Set(static_cast<double>(group_->rules().size()));
    }
    net::dispatch(strand_, [self = shared_from_this()] {
      self->next_ts_ = self->group_->EvalTimestamp(self->clock_.Now()) +
                       self->group_->interval().count();
      self->Arm();
    });
  }

  // Stops the timer and waits for an evaluation in progress to finish.
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopped_ = true;
    }
    net::dispatch(strand_, [self = shared_from_this()] { self->timer_.cancel(); });
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [this] { return !in_flight_; });
  }

 private:
  void Arm() {
    int64_t wait_ms = std::max<int64_t>(0, next_ts_ - clock_.Now());
    timer_.expires_after(std::chrono::milliseconds(wait_ms));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return;
      self->Tick();
    });
  }

  void Tick() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) return;
      in_flight_ = true;
    }
    const TimestampMs ts = next_ts_;
    workers_.Post([self = shared_from_this(), ts] {
      self->group_->Eval(self->env_, ts);
      if (self->restore_ && ++self->evaluations_ == 2) {
        // As Prometheus: after the second evaluation, so recording rules the
        // alerts depend on have caught up.
        self->group_->RestoreForState(self->env_, self->clock_.Now(),
                                      self->options_.outage_tolerance,
                                      self->options_.for_grace_period);
        self->restore_ = false;
      }
      {
        std::lock_guard<std::mutex> lock(self->mu_);
        self->in_flight_ = false;
        self->idle_.notify_all();
      }
      net::post(self->strand_, [self, ts] { self->AfterEval(ts); });
    });
  }

  void AfterEval(TimestampMs ts) {
    const int64_t interval = group_->interval().count();
    // The next point on the schedule after now; the ones skipped are missed.
    const int64_t ticks = std::max<int64_t>(1, (clock_.Now() - ts) / interval + 1);
    if (env_.metrics) {
      env_.metrics->iterations.With({key_}).Inc(static_cast<double>(ticks));
      if (ticks > 1) env_.metrics->iterations_missed.With({key_}).Inc(static_cast<double>(ticks - 1));
    }
    next_ts_ = ts + ticks * interval;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) return;
    }
    Arm();
  }

  WorkerPool& workers_;
  const Clock& clock_;
  const std::shared_ptr<Group> group_;
  const GroupEnv env_;
  const ManagerOptions options_;
  bool restore_;         // the evaluating thread only
  int evaluations_ = 0;  // the evaluating thread only
  const std::string key_;
  net::strand<net::io_context::executor_type> strand_;
  net::steady_timer timer_;  // strand only
  TimestampMs next_ts_ = 0;  // strand only
  std::mutex mu_;
  std::condition_variable idle_;
  bool stopped_ = false;    // guarded by mu_
  bool in_flight_ = false;  // guarded by mu_
};

}  // namespace

Result<std::vector<std::unique_ptr<Group>>> LoadGroups(const config::Config& config,
                                                       bool restore) {
  // The config loader already resolved the globs against the config's directory.
  VIGIL_ASSIGN_OR_RETURN(std::vector<std::string> files,
                         ExpandRuleFileGlobs(config.rule_files, /*base_dir=*/""));
  std::vector<std::unique_ptr<Group>> groups;
  std::string errors;
  for (const std::string& file : files) {
    Result<RuleFile> parsed = ParseRuleFile(file);
    if (!parsed.ok()) {
      errors += (errors.empty() ? "" : "\n") + parsed.status().message();
      continue;
    }
    for (const GroupSpec& spec : parsed->groups) {
      Result<std::unique_ptr<Group>> g =
          Group::Build(spec, file, config.global.evaluation_interval, restore);
      if (!g.ok()) return g.status();
      groups.push_back(std::move(*g));
    }
  }
  if (!errors.empty()) return InvalidArgument(errors);
  return groups;
}

struct Manager::Impl {
  EventLoop& loop;
  WorkerPool& workers;
  promql::Engine& engine;
  tsdb::Queryable& queryable;
  tsdb::Appendable& appendable;
  notify::Sink* sink;
  RuleMetrics metrics;
  const Clock& clock;
  const ManagerOptions options;
  bool applied_once = false;  // control thread only

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<GroupRunner>> runners;  // by key; guarded by mu_

  GroupEnv EnvFor(const config::Config& config) {
    GroupEnv env;
    env.eval.engine = &engine;
    env.eval.queryable = &queryable;
    std::vector<std::pair<std::string, std::string>> external(
        config.global.external_labels.begin(), config.global.external_labels.end());
    env.eval.external_labels = model::Labels::FromPairs(std::move(external));
    env.eval.external_url = options.external_url;
    env.appendable = &appendable;
    env.sink = sink;
    env.resend_delay = options.resend_delay;
    env.metrics = &metrics;
    return env;
  }
};

Manager::Manager(EventLoop& loop, WorkerPool& workers, promql::Engine& engine,
                 tsdb::Queryable& queryable, tsdb::Appendable& appendable, notify::Sink* sink,
                 metrics::Registry& registry, const Clock& clock, ManagerOptions options)
    : impl_(new Impl{loop, workers, engine, queryable, appendable, sink, RuleMetrics(registry),
                     clock, std::move(options)}) {}

Manager::~Manager() { Stop(); }

Status Manager::ApplyConfig(const config::Config& config) {
  const bool restore = !impl_->applied_once;
  VIGIL_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Group>> loaded, LoadGroups(config, restore));
  impl_->applied_once = true;
  GroupEnv env = impl_->EnvFor(config);

  std::map<std::string, std::shared_ptr<GroupRunner>> old;
  {
    std::lock_guard<std::mutex> lock(impl_->mu_);
    old = impl_->runners;
  }
  std::map<std::string, std::shared_ptr<GroupRunner>> next;
  std::vector<std::shared_ptr<GroupRunner>> to_start;
  for (std::unique_ptr<Group>& g : loaded) {
    std::string key = g->Key();
    auto it = old.find(key);
    if (it != old.end() && it->second->group()->SameDefinition(*g)) {
      next[key] = it->second;
      old.erase(it);
      continue;
    }
    std::shared_ptr<Group> group(std::move(g));
    if (it != old.end()) {
      it->second->Stop();
      group->CopyStateFrom(*it->second->group());
      old.erase(it);
    }
    auto runner = std::make_shared<GroupRunner>(impl_->loop, impl_->workers, impl_->clock, group,
                                                env, impl_->options, restore);
    next[key] = runner;
    to_start.push_back(runner);
  }
  // Groups no longer configured: their series go stale.
  for (auto& [key, runner] : old) {
    runner->Stop();
    runner->group()->MarkAllStale(env, impl_->clock.Now());
  }
  {
    std::lock_guard<std::mutex> lock(impl_->mu_);
    impl_->runners = std::move(next);
  }
  for (const auto& runner : to_start) runner->Start();
  return Status::Ok();
}

void Manager::Stop() {
  std::map<std::string, std::shared_ptr<GroupRunner>> runners;
  {
    std::lock_guard<std::mutex> lock(impl_->mu_);
    runners.swap(impl_->runners);
  }
  for (auto& [key, runner] : runners) runner->Stop();
}

std::vector<std::shared_ptr<const Group>> Manager::Groups() const {
  std::vector<std::shared_ptr<const Group>> out;
  {
    std::lock_guard<std::mutex> lock(impl_->mu_);
    for (const auto& [key, runner] : impl_->runners) out.push_back(runner->group());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a->file() != b->file() ? a->file() < b->file() : a->name() < b->name();
  });
  return out;
}

}  // namespace vigil::rules
