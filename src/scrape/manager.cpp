#include "vigil/scrape/manager.h"

#include <xxhash.h>

#include "scrape_pool.h"
#include "vigil/base/log.h"

namespace vigil::scrape {

std::string_view TargetHealthName(TargetHealth health) {
  switch (health) {
    case TargetHealth::kUp: return "up";
    case TargetHealth::kDown: return "down";
    case TargetHealth::kUnknown: return "unknown";
  }
  return "unknown";
}

Manager::Manager(EventLoop& loop, WorkerPool& workers, tsdb::Appendable& storage,
                 metrics::Registry& registry, const Clock& clock)
    : loop_(loop),
      workers_(workers),
      storage_(storage),
      clock_(clock),
      metrics_(std::make_unique<ScrapeMetrics>(registry)) {
  registry.AddGaugeFunc("vigil_scrape_active_targets", "Targets being scraped.", [this] {
    return static_cast<double>(ActiveTargets().size());
  });
}

Manager::~Manager() { Stop(); }

Status Manager::ApplyConfig(const config::Config& cfg) {
  // Validate first: every job's TLS settings must load.
  std::map<std::string, std::shared_ptr<TlsContext>> tls;
  for (const config::ScrapeConfig& sc : cfg.scrape_configs) {
    if (!sc.http.proxy_url.empty()) {
      return Unimplemented("scrape_configs " + sc.job_name +
                           ": proxy_url is not supported by vigil");
    }
    Result<std::shared_ptr<TlsContext>> ctx = MakeTlsContext(sc.http.tls_config);
    if (!ctx.ok()) return ctx.status().WithPrefix("scrape_configs " + sc.job_name);
    tls[sc.job_name] = *ctx;
  }

  // Targets of every vigil spread alike over the interval, seeded by the
  // external labels as Prometheus does.
  std::string seed_text;
  for (const auto& [k, v] : cfg.global.external_labels) seed_text += k + "=" + v + ";";
  LoopEnv env{&loop_, &workers_, &storage_, &clock_, metrics_.get(),
              XXH3_64bits(seed_text.data(), seed_text.size())};

  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::shared_ptr<ScrapePool>> next;
  for (const config::ScrapeConfig& sc : cfg.scrape_configs) {
    auto config = std::make_shared<const config::ScrapeConfig>(sc);
    auto it = pools_.find(sc.job_name);
    if (it != pools_.end()) {
      std::shared_ptr<ScrapePool> pool = it->second;
      if (!(pool->config() == sc)) pool->Reload(config, tls[sc.job_name]);
      next.emplace(sc.job_name, std::move(pool));
      pools_.erase(it);
      continue;
    }
    auto pool = std::make_shared<ScrapePool>(env, config, tls[sc.job_name]);
    pool->Start();
    next.emplace(sc.job_name, std::move(pool));
  }
  for (auto& [job, pool] : pools_) {
    log::Info("Stopping scrape pool", {{"scrape_pool", job}});
    pool->Stop(/*stale_markers=*/true);
  }
  pools_ = std::move(next);
  return Status::Ok();
}

void Manager::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [job, pool] : pools_) pool->Stop(/*stale_markers=*/false);
  pools_.clear();
}

std::vector<TargetStatus> Manager::ActiveTargets() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<TargetStatus> out;
  for (const auto& [job, pool] : pools_) {
    for (TargetStatus& t : pool->Active()) out.push_back(std::move(t));
  }
  return out;
}

std::vector<DroppedTarget> Manager::DroppedTargets() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DroppedTarget> out;
  for (const auto& [job, pool] : pools_) {
    for (DroppedTarget& t : pool->Dropped()) out.push_back(std::move(t));
  }
  return out;
}

}  // namespace vigil::scrape
