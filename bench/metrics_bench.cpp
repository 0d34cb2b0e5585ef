// The self-metrics registry: updating metrics and rendering /metrics.
#include <benchmark/benchmark.h>

#include "vigil/base/metrics.h"

namespace {

using vigil::metrics::Registry;

// A registry shaped like vigil's own: a few hundred series across counters,
// gauges and histograms with labels.
void Populate(Registry& r) {
  auto& requests = r.AddCounterFamily("http_requests_total", "Requests.", {"code", "handler"});
  auto& durations = r.AddHistogramFamily("http_request_duration_seconds", "Latency.",
                                         {"handler"}, vigil::metrics::DefaultBuckets());
  auto& gauges = r.AddGaugeFamily("queue_length", "Queue length.", {"queue"});
  for (int h = 0; h < 20; ++h) {
    std::string handler = "/api/v1/handler" + std::to_string(h);
    for (int code : {200, 400, 500}) requests.With({std::to_string(code), handler}).Inc(h);
    durations.With({handler}).Observe(0.01 * h);
    gauges.With({handler}).Set(h);
  }
}

void BM_RegistryRender(benchmark::State& state) {
  Registry r;
  Populate(r);
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out = r.Render();
    bytes = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
}
BENCHMARK(BM_RegistryRender);

void BM_CounterInc(benchmark::State& state) {
  Registry r;
  auto& c = r.AddCounter("c_total", "A counter.");
  for (auto _ : state) c.Inc();
}
BENCHMARK(BM_CounterInc)->Threads(1)->Threads(2);

void BM_FamilyWithInc(benchmark::State& state) {
  Registry r;
  auto& f = r.AddCounterFamily("c_total", "A counter.", {"code", "handler"});
  std::vector<std::string> values = {"200", "/metrics"};
  for (auto _ : state) f.With(values).Inc();
}
BENCHMARK(BM_FamilyWithInc);

void BM_HistogramObserve(benchmark::State& state) {
  Registry r;
  auto& h = r.AddHistogram("h_seconds", "A histogram.", vigil::metrics::DefaultBuckets());
  double v = 0;
  for (auto _ : state) {
    h.Observe(v);
    v = v > 10 ? 0 : v + 0.013;
  }
}
BENCHMARK(BM_HistogramObserve);

}  // namespace
