// End-to-end scrape cost: HTTP fetch + parse + relabel + append for 100
// targets of 2,000 series each, scraped every second by real scrape loops.
// The targets are served by a child process, so the CPU measured here is the
// scraper's alone. Reports CPU microseconds per appended sample.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "vigil/base/event_loop.h"
#include "vigil/base/metrics.h"
#include "vigil/base/worker_pool.h"
#include "vigil/config/config.h"
#include "vigil/http/server.h"
#include "vigil/scrape/manager.h"

namespace {

using namespace vigil;

constexpr int kTargets = 100;
constexpr int kSeries = 2000;
constexpr int kBasePort = 19100;

// A node_exporter-like body: counters and gauges with a few labels each.
std::string Body() {
  std::string body = "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n"
                     "# TYPE node_cpu_seconds_total counter\n";
  for (int i = 0; i < kSeries; ++i) {
    body += "node_cpu_seconds_total{cpu=\"" + std::to_string(i / 8) + "\",mode=\"mode" +
            std::to_string(i % 8) + "\"} " + std::to_string(123456.78 + i * 3.25) + "\n";
  }
  return body;
}

// Serves Body() on 127.0.0.<k>:kBasePort for k in 1..kTargets, until killed.
[[noreturn]] void ServeTargets() {
  EventLoop loop;
  std::string body = Body();
  std::vector<std::unique_ptr<http::Server>> servers;
  for (int k = 1; k <= kTargets; ++k) {
    http::Router router;
    router.HandleSync({"GET"}, "/metrics", [&body](const http::Request&) {
      http::Response r = http::Response::Text(200, body);
      r.content_type = "text/plain; version=0.0.4";
      return r;
    });
    http::ServerOptions options;
    options.listen_address = "127.0.0." + std::to_string(k) + ":" + std::to_string(kBasePort);
    options.access_log = false;
    servers.push_back(std::make_unique<http::Server>(loop, options, std::move(router)));
    if (!servers.back()->Start().ok()) _exit(1);
  }
  loop.Start(1);
  for (;;) pause();
}

// Counts samples; keeps nothing, so memory stays flat.
class CountingStorage : public tsdb::Appendable {
 public:
  std::unique_ptr<tsdb::Appender> NewAppender() override {
    return std::make_unique<CountingAppender>(this);
  }
  std::atomic<uint64_t> samples{0};

 private:
  class CountingAppender : public tsdb::Appender {
   public:
    explicit CountingAppender(CountingStorage* s) : s_(s) {}
    Result<tsdb::SeriesRef> Append(tsdb::SeriesRef ref, const model::Labels& labels, TimestampMs,
                                   double) override {
      ++pending_;
      return ref != 0 ? ref : labels.Hash() | 1;
    }
    Status Commit() override {
      s_->samples += pending_;
      pending_ = 0;
      return Status::Ok();
    }
    void Rollback() override { pending_ = 0; }

   private:
    CountingStorage* s_;
    uint64_t pending_ = 0;
  };
};

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

void BM_ScrapeEndToEnd(benchmark::State& state) {
  pid_t child = fork();
  if (child == 0) ServeTargets();
  std::string yaml = "scrape_configs:\n  - job_name: node\n    scrape_interval: 1s\n"
                     "    metric_relabel_configs:\n      - source_labels: [mode]\n"
                     "        regex: mode7\n        action: drop\n    static_configs:\n"
                     "      - targets: [";
  for (int k = 1; k <= kTargets; ++k) {
    yaml += (k > 1 ? ", '" : "'") + std::string("127.0.0.") + std::to_string(k) + ":" +
            std::to_string(kBasePort) + "'";
  }
  yaml += "]\n";
  auto cfg = config::ParseConfig(yaml, "bench.yml");
  if (!cfg.ok()) {
    state.SkipWithError(cfg.status().message().c_str());
    kill(child, SIGKILL);
    return;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let the child bind
  EventLoop loop;
  WorkerPool workers(2);
  metrics::Registry registry;
  SystemClock clock;
  CountingStorage storage;
  loop.Start(2);
  double cpu = 0;
  uint64_t samples = 0;
  {
    scrape::Manager manager(loop, workers, storage, registry, clock);
    if (!manager.ApplyConfig(**cfg).ok()) state.SkipWithError("apply failed");
    // Warm up one round (first scrapes fill the series caches), then measure.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    for (auto _ : state) {
      double cpu0 = CpuSeconds();
      uint64_t s0 = storage.samples;
      std::this_thread::sleep_for(std::chrono::seconds(5));
      cpu += CpuSeconds() - cpu0;
      samples += storage.samples - s0;
    }
  }
  loop.Stop();
  loop.Join();
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  state.counters["samples"] = static_cast<double>(samples);
  state.counters["cpu_us_per_sample"] = samples ? cpu * 1e6 / static_cast<double>(samples) : 0;
}
BENCHMARK(BM_ScrapeEndToEnd)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
