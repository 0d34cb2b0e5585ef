// What deletion costs: a select of 10k series × 1 h without tombstones and
// with 10% of the series holding a deleted range in that hour (the querier's
// filtering), and DeleteSeries + CleanTombstones of 1,000 of those series.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench_tsdb_util.h"
#include "vigil/tsdb/db.h"

namespace vigil::tsdb {
namespace {

constexpr int kSeries = 10'000;
constexpr TimestampMs kStart = 1'700'006'400'000;  // a bucket boundary
constexpr TimestampMs kEnd = kStart + 2 * 3600 * 1000;

model::Matcher Equal(std::string name, std::string value) {
  return *model::Matcher::Make(model::MatchType::kEqual, std::move(name), std::move(value));
}

// 10k counters scraped every 15 s for 2 h, everything but the open chunks in
// RocksDB; `series` label 0..9999, `tenth` = series % 10.
std::unique_ptr<DB> Build(const std::string& dir) {
  Options o;
  o.background = false;
  o.wal_sync = false;
  std::unique_ptr<DB> db = std::move(*DB::Open(dir, o));
  std::vector<model::Labels> labels;
  for (int i = 0; i < kSeries; ++i) {
    labels.push_back(
        model::Labels::FromStrings({"__name__", "http_requests_total", "job", "node", "series",
                                    std::to_string(i), "tenth", std::to_string(i % 10)}));
  }
  std::vector<SeriesRef> refs(kSeries, 0);
  std::vector<double> values(kSeries, 0);
  std::mt19937_64 rng(7);
  auto app = db->NewAppender();
  for (TimestampMs t = kStart; t < kEnd; t += 15'000) {
    for (int i = 0; i < kSeries; ++i) {
      values[i] += static_cast<double>(rng() % 20);
      refs[i] = *app->Append(refs[i], labels[i], t, values[i]);
    }
    if (!app->Commit().ok()) std::abort();
  }
  if (!db->Flush().ok()) std::abort();
  return db;
}

// Every sample of the last hour; arg 1: tenth="0" (1,000 series) had 10
// minutes of it deleted.
void BM_SelectWithTombstones(benchmark::State& state) {
  std::string dir = bench::MakeScratchDir("vigil-bench");
  std::unique_ptr<DB> db = Build(dir);
  if (state.range(0) == 1) {
    Status s = db->DeleteSeries({Equal("tenth", "0")}, kEnd - 40 * 60'000, kEnd - 30 * 60'000);
    if (!s.ok()) std::abort();
  }
  int64_t samples = 0;
  for (auto _ : state) {
    samples = bench::ReadEverySample(*db, kEnd - 3600 * 1000, kEnd, {Equal("job", "node")});
  }
  state.counters["samples"] = static_cast<double>(samples);
  state.counters["ns_per_sample"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(samples),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  db.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SelectWithTombstones)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("deleted")
    ->Unit(benchmark::kMillisecond);

// One DeleteSeries (1,000 series, 30 minutes each) and the clean that
// rewrites their chunks, on a fresh DB each time (built outside the timing).
void BM_DeleteAndClean(benchmark::State& state) {
  double delete_ms = 0;
  double clean_ms = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string dir = bench::MakeScratchDir("vigil-bench");
    std::unique_ptr<DB> db = Build(dir);
    state.ResumeTiming();
    auto start = std::chrono::steady_clock::now();
    if (!db->DeleteSeries({Equal("tenth", "0")}, kStart + 30 * 60'000, kStart + 60 * 60'000).ok()) {
      std::abort();
    }
    auto deleted = std::chrono::steady_clock::now();
    if (!db->CleanTombstones().ok()) std::abort();
    auto cleaned = std::chrono::steady_clock::now();
    delete_ms += std::chrono::duration<double, std::milli>(deleted - start).count();
    clean_ms += std::chrono::duration<double, std::milli>(cleaned - deleted).count();
    state.PauseTiming();
    db.reset();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.counters["delete_ms"] = benchmark::Counter(delete_ms, benchmark::Counter::kAvgIterations);
  state.counters["clean_ms"] = benchmark::Counter(clean_ms, benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_DeleteAndClean)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vigil::tsdb
