// Micro-benchmarks of the storage engine: chunk encode/decode, append with a
// series ref, commit with fsync.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>

#include <cstdint>
#include <random>
#include <vector>

#include "chunk.h"
#include "vigil/tsdb/db.h"

namespace vigil::tsdb {
namespace {

struct Point {
  TimestampMs t;
  double v;
};

// A realistic series: 15 s scrapes with a little jitter, a counter that grows.
std::vector<Point> CounterPoints(int n) {
  std::mt19937_64 rng(1);
  std::vector<Point> out;
  TimestampMs t = 1'700'000'000'000;
  double v = 0;
  for (int i = 0; i < n; ++i) {
    t += 15'000 + static_cast<int64_t>(rng() % 5);
    v += static_cast<double>(rng() % 100);
    out.push_back({t, v});
  }
  return out;
}

void BM_ChunkEncode(benchmark::State& state) {
  std::vector<Point> pts = CounterPoints(120);
  size_t bytes = 0;
  for (auto _ : state) {
    ChunkEncoder enc;
    for (const Point& p : pts) enc.Append(p.t, p.v);
    bytes = enc.bytes().size();
    benchmark::DoNotOptimize(enc.bytes().data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(pts.size()));
  state.counters["bytes_per_sample"] = static_cast<double>(bytes) / static_cast<double>(pts.size());
  state.counters["ns_per_sample"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(pts.size()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ChunkEncode);

void BM_ChunkDecode(benchmark::State& state) {
  std::vector<Point> pts = CounterPoints(120);
  ChunkEncoder enc;
  for (const Point& p : pts) enc.Append(p.t, p.v);
  std::string bytes(enc.bytes());
  for (auto _ : state) {
    ChunkIterator it(bytes);
    double sum = 0;
    while (it.Next()) sum += it.v();
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(pts.size()));
  state.counters["ns_per_sample"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(pts.size()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ChunkDecode);

std::string TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "vigil-bench-XXXXXX").string();
  return ::mkdtemp(tmpl.data());
}

// 1000 series per batch (one scrape), appended by ref after the first round.
void BM_AppendWithRef(benchmark::State& state) {
  std::string dir = TempDir();
  {
    Options o;
    o.background = false;
    o.wal_sync = state.range(0) != 0;
    auto db = DB::Open(dir, o);
    auto app = (*db)->NewAppender();
    constexpr int kSeries = 1000;
    std::vector<SeriesRef> refs(kSeries, 0);
    std::vector<model::Labels> labels;
    for (int i = 0; i < kSeries; ++i) {
      labels.push_back(model::Labels::FromStrings(
          {"__name__", "bench_metric", "instance", "host:9100", "i", std::to_string(i)}));
    }
    TimestampMs t = 0;
    for (auto _ : state) {
      t += 15'000;
      for (int i = 0; i < kSeries; ++i) {
        refs[i] = *app->Append(refs[i], labels[i], t, static_cast<double>(t + i));
      }
      if (!app->Commit().ok()) state.SkipWithError("commit failed");
    }
    state.SetItemsProcessed(state.iterations() * kSeries);
    state.counters["ns_per_sample"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * kSeries,
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_AppendWithRef)->Arg(0)->Arg(1)->ArgName("fsync");

}  // namespace
}  // namespace vigil::tsdb
