// Labels: hashing, comparison and building, on a realistic label set.
#include <benchmark/benchmark.h>

#include "vigil/model/labels.h"

namespace {

using vigil::model::Labels;

Labels NodeLabels(int i) {
  return Labels::FromStrings({"__name__", "node_cpu_seconds_total", "cpu", std::to_string(i % 64),
                              "instance", "host-" + std::to_string(i / 64) + ".example.com:9100",
                              "job", "node", "mode", "idle"});
}

void BM_LabelsHash(benchmark::State& state) {
  Labels l = NodeLabels(7);
  for (auto _ : state) benchmark::DoNotOptimize(l.Hash());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(l.encoded().size()));
}
BENCHMARK(BM_LabelsHash);

void BM_LabelsEqual(benchmark::State& state) {
  Labels a = NodeLabels(7), b = NodeLabels(7);
  for (auto _ : state) benchmark::DoNotOptimize(a == b);
}
BENCHMARK(BM_LabelsEqual);

void BM_LabelsCompare(benchmark::State& state) {
  Labels a = NodeLabels(7), b = NodeLabels(8);
  for (auto _ : state) benchmark::DoNotOptimize(Compare(a, b));
}
BENCHMARK(BM_LabelsCompare);

void BM_LabelsGet(benchmark::State& state) {
  Labels l = NodeLabels(7);
  for (auto _ : state) benchmark::DoNotOptimize(l.Get("job"));
}
BENCHMARK(BM_LabelsGet);

void BM_LabelsFromPairs(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(NodeLabels(7));
}
BENCHMARK(BM_LabelsFromPairs);

}  // namespace
