#include "scrape_pool.h"

#include <glob.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "vigil/base/log.h"

namespace vigil::scrape {

namespace net = boost::asio;

// How often file SD files are checked for changes.
constexpr auto kFileCheckInterval = std::chrono::seconds(2);

struct ScrapePool::Timer {
  explicit Timer(net::io_context& io) : timer(io) {}
  net::steady_timer timer;
};

ScrapePool::ScrapePool(const LoopEnv& env, std::shared_ptr<const config::ScrapeConfig> config,
                       std::shared_ptr<TlsContext> tls)
    : env_(env),
      config_(std::move(config)),
      tls_(std::move(tls)),
      timer_(std::make_unique<Timer>(env.loop->context())) {}

ScrapePool::~ScrapePool() = default;

const config::ScrapeConfig& ScrapePool::config() const {
  std::lock_guard<std::mutex> lock(mu_);
  return *config_;
}

void ScrapePool::Start() {
  std::vector<TargetGroup> groups;
  {
    std::lock_guard<std::mutex> lock(mu_);
    groups = StaticGroups(config_->static_configs);
  }
  if (config().file_sd_configs.empty()) {
    Sync(groups);
    return;
  }
  CheckFiles();
  WatchFiles();
}

void ScrapePool::WatchFiles() {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_) return;
  timer_->timer.expires_after(kFileCheckInterval);
  timer_->timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      self->env_.workers->Post([self] {
        self->CheckFiles();
        self->WatchFiles();
      });
    }
  });
}

namespace {

// Paths, sizes and modification times of every file the globs match.
std::string Fingerprint(const std::vector<config::FileSdConfig>& configs) {
  std::string out;
  for (const auto& c : configs) {
    for (const std::string& pattern : c.files) {
      glob_t g{};
      if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) {
          struct stat st {};
          if (stat(g.gl_pathv[i], &st) == 0) {
            out += g.gl_pathv[i];
            out += '|' + std::to_string(st.st_size) + '|' + std::to_string(st.st_mtim.tv_sec) +
                   '.' + std::to_string(st.st_mtim.tv_nsec) + '\n';
          }
        }
      }
      globfree(&g);
    }
  }
  return out;
}

}  // namespace

// Re-reads the files when they changed, or every refresh_interval.
void ScrapePool::CheckFiles() {
  std::shared_ptr<const config::ScrapeConfig> cfg;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    cfg = config_;
  }
  std::lock_guard<std::mutex> lock(files_mu_);
  std::string fingerprint = Fingerprint(cfg->file_sd_configs);
  auto now = std::chrono::steady_clock::now();
  bool first = next_refresh_ == std::chrono::steady_clock::time_point();
  if (!first && fingerprint == file_fingerprint_ && now < next_refresh_) return;
  Duration refresh = cfg->file_sd_configs.front().refresh_interval;
  for (const auto& c : cfg->file_sd_configs) refresh = std::min(refresh, c.refresh_interval);
  next_refresh_ = now + refresh;
  file_fingerprint_ = fingerprint;
  std::vector<std::string> errors;
  std::map<std::string, std::vector<TargetGroup>> by_file;
  std::vector<TargetGroup> groups = ReadFileSd(cfg->file_sd_configs, file_groups_, &by_file, &errors);
  for (const std::string& e : errors) {
    log::Error("Error reading file SD file; keeping its previous targets",
               {{"scrape_pool", cfg->job_name}, {"err", e}});
  }
  file_groups_ = std::move(by_file);
  std::vector<TargetGroup> all = StaticGroups(cfg->static_configs);
  all.insert(all.end(), groups.begin(), groups.end());
  Sync(all);
}

void ScrapePool::Sync(const std::vector<TargetGroup>& groups) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_) return;
  last_groups_ = groups;
  std::map<uint64_t, TargetSpec> wanted;
  dropped_.clear();
  for (const TargetGroup& group : groups) {
    for (const model::Labels& discovered : group.targets) {
      model::Labels dropped_labels;
      Result<std::optional<TargetSpec>> spec = BuildTarget(discovered, *config_, &dropped_labels);
      if (!spec.ok()) {
        log::Error("Creating target failed", {{"scrape_pool", config_->job_name},
                                             {"target", discovered.ToString()},
                                             {"err", spec.status().message()}});
        continue;
      }
      if (!spec->has_value()) {
        dropped_.push_back({std::move(dropped_labels), config_->job_name});
        continue;
      }
      uint64_t hash = (*spec)->Hash();
      wanted.emplace(hash, std::move(**spec));
    }
  }
  for (auto it = loops_.begin(); it != loops_.end();) {
    if (wanted.count(it->first) == 0) {
      it->second->Stop(/*stale_markers=*/true);
      it = loops_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [hash, spec] : wanted) {
    if (loops_.count(hash) != 0) continue;
    auto loop = std::make_unique<ScrapeLoop>(env_, std::move(spec), config_, tls_);
    loop->Start();
    loops_.emplace(hash, std::move(loop));
  }
}

void ScrapePool::Reload(std::shared_ptr<const config::ScrapeConfig> new_config,
                        std::shared_ptr<TlsContext> tls) {
  std::vector<TargetGroup> groups;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Samples keep their labels when only timing, limits or transport
    // changed; then the new loops take over the old ones' staleness state.
    bool same_labels = new_config->honor_labels == config_->honor_labels &&
                       new_config->metric_relabel_configs == config_->metric_relabel_configs &&
                       new_config->relabel_configs == config_->relabel_configs;
    std::map<uint64_t, std::unique_ptr<ScrapeLoop>> old = std::move(loops_);
    loops_.clear();
    config_ = std::move(new_config);
    tls_ = std::move(tls);
    for (auto& [hash, loop] : old) {
      loop->Stop(/*stale_markers=*/!same_labels);
      Result<std::optional<TargetSpec>> spec = BuildTarget(loop->target().discovered, *config_);
      if (!same_labels || !spec.ok() || !spec->has_value() || (*spec)->Hash() != hash) continue;
      auto fresh = std::make_unique<ScrapeLoop>(env_, std::move(**spec), config_, tls_);
      fresh->AdoptCache(*loop);
      fresh->Start();
      loops_.emplace(hash, std::move(fresh));
    }
    groups = last_groups_;
    if (config_->file_sd_configs.empty()) groups = StaticGroups(config_->static_configs);
  }
  if (config().file_sd_configs.empty()) {
    Sync(groups);
  } else {
    {
      std::lock_guard<std::mutex> lock(files_mu_);
      next_refresh_ = {};  // re-read the files with the new config now
    }
    CheckFiles();
  }
}

void ScrapePool::Stop(bool stale_markers) {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = true;
  timer_->timer.cancel();
  for (auto& [hash, loop] : loops_) loop->Stop(stale_markers);
  loops_.clear();
}

std::vector<TargetStatus> ScrapePool::Active() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<TargetStatus> out;
  for (const auto& [hash, loop] : loops_) out.push_back(loop->Status());
  return out;
}

std::vector<DroppedTarget> ScrapePool::Dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

}  // namespace vigil::scrape
