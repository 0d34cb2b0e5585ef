// The engine's cost on the dashboard queries of bench/dashboard_compare.sh,
// in process and without HTTP: a tsdb::DB holding data of the same shape
// (10 targets x 2000 series in bench/workload_target.py's mix of counters,
// gauges and classic histograms, 1 h at one sample per 30 s, full chunks
// flushed to RocksDB as the daemon's flusher does), queried as the script
// queries. For before/after figures of engine changes and for profiling
// (perf record on this binary); the comparison with Prometheus stays the
// script's job.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "vigil/promql/engine.h"
#include "bench_tsdb_util.h"
#include "vigil/tsdb/db.h"

namespace vigil {
namespace {

constexpr TimestampMs kEnd = 1'700'003'600'000;
constexpr TimestampMs kStart = kEnd - 3600 * 1000;
constexpr int64_t kDataStep = 30'000;

struct Query {
  int64_t step_s;  // 0: instant at kEnd
  const char* expr;
};

// The script's queries, in its order.
constexpr Query kQueries[] = {
    {0, "sum by (t) (rate(bench_http_requests_total[5m]))"},
    {0, "histogram_quantile(0.95, sum by (le) (rate(bench_request_duration_seconds_bucket[5m])))"},
    {0, "topk(10, sum by (handler) (rate(bench_http_requests_total[5m])))"},
    {0, "sum by (t) (rate(bench_http_requests_total{code=~\"5..\"}[5m])) / sum by (t) "
        "(rate(bench_http_requests_total[5m]))"},
    {0, "avg by (t) (avg_over_time(bench_temperature_celsius[10m]))"},
    {0, "count by (code) (bench_http_requests_total)"},
    {0, "sum by (method) (rate(bench_request_duration_seconds_sum[5m])) / sum by (method) "
        "(rate(bench_request_duration_seconds_count[5m]))"},
    {0, "max by (t) (bench_memory_usage_bytes)"},
    {15, "sum by (t) (rate(bench_http_requests_total[5m]))"},
    {60, "histogram_quantile(0.95, sum by (le) (rate(bench_request_duration_seconds_bucket[5m])))"},
    {15, "histogram_quantile(0.99, sum by (le, method) "
         "(rate(bench_request_duration_seconds_bucket[5m])))"},
    {60, "sum by (t) (rate(bench_http_requests_total{code=~\"5..\"}[5m])) / sum by (t) "
         "(rate(bench_http_requests_total[5m]))"},
    {15, "topk(10, sum by (handler) (rate(bench_http_requests_total[5m])))"},
    {60, "avg by (t) (avg_over_time(bench_cpu_utilisation_ratio[10m]))"},
    {15, "count by (t) (bench_queue_depth > 2500)"},
};

// One generated series: its labels, value, and how the value moves.
struct Generated {
  model::Labels labels;
  double value;
  double step;      // counter increment or gauge walk width
  bool counter;
};

std::vector<Generated> Workload() {
  static const char* kMethods[] = {"GET", "POST", "PUT", "DELETE"};
  static const char* kCodes[] = {"200", "201", "204", "301", "400",
                                 "401", "404", "429", "500", "503"};
  static const char* kGauges[] = {"bench_queue_depth", "bench_temperature_celsius",
                                  "bench_memory_usage_bytes", "bench_cpu_utilisation_ratio"};
  static const char* kLe[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                              "0.5",   "1.0",  "2.5",   "5.0",  "10.0", "+Inf"};
  std::mt19937_64 rng(42);
  std::vector<Generated> out;
  for (int t = 0; t < 10; ++t) {
    const std::string target = std::to_string(t);
    const std::string instance = "127.0.0.1:" + std::to_string(19200 + t);
    auto labels = [&](std::initializer_list<std::string_view> extra) {
      std::vector<std::string_view> all = {"instance", instance, "job", "bench", "t", target};
      all.insert(all.end(), extra.begin(), extra.end());
      std::vector<std::pair<std::string, std::string>> pairs;
      for (size_t i = 0; i + 1 < all.size(); i += 2) pairs.emplace_back(all[i], all[i + 1]);
      return model::Labels::FromPairs(std::move(pairs));
    };
    for (int i = 0; i < 812; ++i) {
      const std::string handler = "/api/v" + std::to_string(i % 3 + 1) + "/r" + std::to_string(i / 40);
      out.push_back({labels({"__name__", "bench_http_requests_total", "handler", handler, "method",
                             kMethods[i % 4], "code", kCodes[(i / 4) % 10]}),
                     double(rng() % 1000000), double(1 + rng() % 200), true});
    }
    for (int i = 0; i < 600; ++i) {
      const std::string device = "dev" + std::to_string(i / 4);
      out.push_back({labels({"__name__", kGauges[i % 4], "device", device, "shard",
                             std::to_string(i % 7)}),
                     double(rng() % 5000), 3, false});
    }
    for (int i = 0; i < 42; ++i) {
      const std::string handler = "/h" + std::to_string(i / 4);
      for (int b = 0; b < 12; ++b) {
        out.push_back({labels({"__name__", "bench_request_duration_seconds_bucket", "handler",
                               handler, "method", kMethods[i % 4], "le", kLe[b]}),
                       0, double(1 + b * 3), true});
      }
      for (const char* name : {"bench_request_duration_seconds_sum",
                               "bench_request_duration_seconds_count"}) {
        out.push_back({labels({"__name__", name, "handler", handler, "method", kMethods[i % 4]}),
                       0, 40, true});
      }
    }
  }
  return out;
}

class Data {
 public:
  Data() {
    dir_ = bench::MakeScratchDir("vigil-promql-bench");
    tsdb::Options o;
    o.background = false;
    o.wal_sync = false;
    db_ = std::move(*tsdb::DB::Open(dir_, o));
    std::vector<Generated> series = Workload();
    std::vector<tsdb::SeriesRef> refs(series.size(), 0);
    std::mt19937_64 rng(7);
    for (TimestampMs t = kStart; t <= kEnd; t += kDataStep) {
      auto app = db_->NewAppender();
      for (size_t i = 0; i < series.size(); ++i) {
        Generated& g = series[i];
        double r = double(rng() % 1000) / 1000;
        g.value = g.counter ? g.value + std::floor(g.step * (0.5 + r))
                            : std::max(0.0, g.value + g.step * (r - 0.5));
        refs[i] = *app->Append(refs[i], g.labels, t, g.value);
      }
      (void)app->Commit();
    }
    (void)db_->Flush();
  }
  ~Data() {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  tsdb::DB& db() { return *db_; }

 private:
  std::string dir_;
  std::unique_ptr<tsdb::DB> db_;
};

void BM_DashboardQuery(benchmark::State& state) {
  static Data data;
  static promql::Engine engine;
  const Query& q = kQueries[state.range(0)];
  for (auto _ : state) {
    Result<promql::QueryResult> r =
        q.step_s == 0 ? engine.Instant(data.db(), q.expr, kEnd)
                      : engine.Range(data.db(), q.expr, kStart, kEnd, std::chrono::seconds(q.step_s));
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(r->value);
  }
  state.SetLabel(std::string(q.step_s == 0 ? "instant " : "range ") + q.expr);
}
BENCHMARK(BM_DashboardQuery)->DenseRange(0, 14)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vigil
