// End-to-end scrape cost: HTTP fetch + parse + relabel + append for 100
// targets of 2,000 series each, scraped every second by real scrape loops.
// The targets are served by a child process, so the CPU measured here is the
// scraper's alone. Reports CPU microseconds per appended sample.
// BM_ParseWorkloadBody is the parse step alone, on one target's body of
// bench/workload_target.py, in nanoseconds per line.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "vigil/base/event_loop.h"
#include "vigil/base/metrics.h"
#include "vigil/base/worker_pool.h"
#include "vigil/config/config.h"
#include "vigil/expfmt/parser.h"
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

// One target's body as bench/workload_target.py renders it for 2,000 series:
// 812 counters, 600 gauges (integers and six-decimal floats) and 42 classic
// histograms of 12 buckets plus _sum and _count, all led by the t="0" label.
std::string WorkloadBody() {
  const char* methods[] = {"GET", "POST", "PUT", "DELETE"};
  const char* codes[] = {"200", "201", "204", "301", "400", "401", "404", "429", "500", "503"};
  const char* buckets[] = {"0.005", "0.01", "0.025", "0.05", "0.1",  "0.25",
                           "0.5",   "1.0",  "2.5",   "5.0",  "10.0", "+Inf"};
  auto six_decimals = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.6f", v);
    return std::string(buf);
  };
  std::string b =
      "# HELP bench_http_requests_total Requests served.\n"
      "# TYPE bench_http_requests_total counter\n";
  for (int i = 0; i < 812; ++i) {
    b += "bench_http_requests_total{t=\"0\",handler=\"/api/v" + std::to_string(i % 3 + 1) + "/r" +
         std::to_string(i / 40) + "\",method=\"" + methods[i % 4] + "\",code=\"" +
         codes[(i / 4) % 10] + "\"} " + std::to_string(881337 + i * 7919) + "\n";
  }
  const char* gauges[] = {"bench_queue_depth", "bench_temperature_celsius",
                          "bench_memory_usage_bytes", "bench_cpu_utilisation_ratio"};
  for (int i = 0; i < 600; ++i) {
    if (i < 4) b += std::string("# TYPE ") + gauges[i] + " gauge\n";
    std::string value;
    switch (i % 4) {
      case 0:
        value = std::to_string(1000 + i);
        break;
      case 1:
        value = six_decimals(10.0 + i * 0.137);
        break;
      case 2:
        value = std::to_string(123456789LL * (i + 1));
        break;
      default:
        value = six_decimals(i / 600.0);
        break;
    }
    b += std::string(gauges[i % 4]) + "{t=\"0\",device=\"dev" + std::to_string(i / 4) +
         "\",shard=\"" + std::to_string(i % 7) + "\"} " + value + "\n";
  }
  b += "# HELP bench_request_duration_seconds Request latency.\n"
       "# TYPE bench_request_duration_seconds histogram\n";
  for (int h = 0; h < 42; ++h) {
    std::string labels =
        "t=\"0\",handler=\"/h" + std::to_string(h / 4) + "\",method=\"" + methods[h % 4] + "\"";
    for (int k = 0; k < 12; ++k) {
      b += "bench_request_duration_seconds_bucket{" + labels + ",le=\"" + buckets[k] + "\"} " +
           std::to_string(40 * k + h) + "\n";
    }
    b += "bench_request_duration_seconds_sum{" + labels + "} " + six_decimals(12.5 + h) + "\n";
    b += "bench_request_duration_seconds_count{" + labels + "} " + std::to_string(480 + h) + "\n";
  }
  return b;
}

// What the scrape loop asks of the parser once its series cache knows every
// series: Next, Series, Value and TimestampMs per line, no label decoding.
void BM_ParseWorkloadBody(benchmark::State& state) {
  const std::string body = WorkloadBody();
  int64_t lines = 0;
  for (char c : body) lines += c == '\n';
  for (auto _ : state) {
    std::unique_ptr<expfmt::Parser> parser = expfmt::Parser::New(body, expfmt::Format::kText);
    for (;;) {
      Result<expfmt::Parser::Entry> entry = parser->Next();
      if (!entry.ok()) {
        state.SkipWithError(entry.status().ToString().c_str());
        return;
      }
      if (*entry == expfmt::Parser::Entry::kEnd) break;
      if (*entry != expfmt::Parser::Entry::kSeries) continue;
      benchmark::DoNotOptimize(parser->Series().data());
      benchmark::DoNotOptimize(parser->Value());
      benchmark::DoNotOptimize(parser->TimestampMs());
    }
  }
  // Seconds per line, printed with an SI prefix (e.g. "99n").
  state.counters["per_line"] =
      benchmark::Counter(static_cast<double>(lines), benchmark::Counter::kIsIterationInvariantRate |
                                                         benchmark::Counter::kInvert);
}
BENCHMARK(BM_ParseWorkloadBody);

}  // namespace
