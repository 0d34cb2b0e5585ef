// Micro-benchmarks of the storage engine: chunk encode/decode, append with a
// series ref, commit with fsync, select of 10k series × 1 h (persisted and
// head chunks, with bytes per sample on disk), postings intersection.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>

#include <cstdint>
#include <random>
#include <vector>

#include "chunk.h"
#include "db_impl.h"
#include "postings.h"
#include "vigil/tsdb/tools.h"
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

// "prefix" + n (+ suffix), built by appending: GCC 12's -Wrestrict misfires
// on operator+ chains at -O3.
std::string Name(std::string_view prefix, int64_t n, std::string_view suffix = "") {
  std::string out(prefix);
  out.append(std::to_string(n));
  out.append(suffix);
  return out;
}

// 10k series (100 instances × 100 series, counters and gauges) scraped every
// 15 s for 2 h; everything but each series' open chunk flushed to RocksDB and
// compacted. Built once for every select benchmark.
struct SelectFixture {
  static constexpr int kSeries = 10'000;
  static constexpr TimestampMs kStart = 1'700'006'400'000;  // a bucket boundary
  static constexpr TimestampMs kEnd = kStart + 2 * 3600 * 1000;

  SelectFixture() : dir(TempDir()) {
    Options o;
    o.background = false;
    o.wal_sync = false;
    db = std::move(*DB::Open(dir, o));
    std::vector<model::Labels> labels;
    for (int i = 0; i < kSeries; ++i) {
      labels.push_back(model::Labels::FromStrings(
          {"__name__", i % 2 == 0 ? "http_requests_total" : "process_resident_memory_bytes",
           "instance", Name("host-", i / 100, ":9100"), "job", "node", "series",
           std::to_string(i % 100)}));
    }
    std::vector<SeriesRef> refs(kSeries, 0);
    std::vector<double> values(kSeries, 0);
    std::mt19937_64 rng(7);
    auto app = db->NewAppender();
    for (TimestampMs t = kStart; t < kEnd; t += 15'000) {
      for (int i = 0; i < kSeries; ++i) {
        TimestampMs jitter = static_cast<TimestampMs>(rng() % 3);
        if (i % 2 == 0) {
          values[i] += static_cast<double>(rng() % 20);
        } else {
          values[i] = 2e8 + static_cast<double>(rng() % 4096) * 4096;
        }
        refs[i] = *app->Append(refs[i], labels[i], t + jitter, values[i]);
      }
      if (!app->Commit().ok()) std::abort();
    }
    if (!db->Flush().ok()) std::abort();
    // Memtables to SSTs, so the disk figure is RocksDB's files, not its log.
    if (!dynamic_cast<DBImpl&>(*db).store()->CompactAll().ok()) std::abort();
    auto report = Analyze(*db, 0);
    persisted_samples = report->persisted_samples;
    bytes_per_sample = report->bytes_per_sample;
    chunk_bytes_per_sample =
        static_cast<double>(report->chunk_bytes) / static_cast<double>(persisted_samples);
  }
  ~SelectFixture() {
    db.reset();
    std::filesystem::remove_all(dir);
  }

  std::string dir;
  std::unique_ptr<DB> db;
  uint64_t persisted_samples = 0;
  double bytes_per_sample = 0;
  double chunk_bytes_per_sample = 0;
};

SelectFixture& Fixture() {
  static SelectFixture* f = new SelectFixture();
  return *f;
}

// Every sample of 10k series over the last hour (half in RocksDB, the newest
// chunk of each in the head), series sorted.
void BM_Select10kSeries1h(benchmark::State& state) {
  SelectFixture& f = Fixture();
  Result<model::Matcher> m = model::Matcher::Make(model::MatchType::kEqual, "job", "node");
  int64_t samples = 0;
  for (auto _ : state) {
    auto q = f.db->NewQuerier(SelectFixture::kEnd - 3600 * 1000, SelectFixture::kEnd);
    auto set = (*q)->Select(true, nullptr, {*m});
    int64_t n = 0;
    double sum = 0;
    while (set->Next()) {
      auto it = set->At().Iterator();
      while (it->Next()) {
        sum += it->AtV();
        ++n;
      }
    }
    benchmark::DoNotOptimize(sum);
    samples = n;
  }
  state.counters["series"] = SelectFixture::kSeries;
  state.counters["samples"] = static_cast<double>(samples);
  state.counters["ns_per_sample"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(samples),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["disk_bytes_per_sample"] = f.bytes_per_sample;
  state.counters["chunk_bytes_per_sample"] = f.chunk_bytes_per_sample;
}
BENCHMARK(BM_Select10kSeries1h)->Unit(benchmark::kMillisecond);

// Two sorted lists: a dense one (`range(0)` refs) and a sparse one (every
// 10th), as job="node" ∩ instance=~"host-1.*".
void BM_PostingsIntersect(benchmark::State& state) {
  Postings a;
  Postings b;
  for (SeriesRef r = 1; r <= static_cast<SeriesRef>(state.range(0)); ++r) {
    a.push_back(r);
    if (r % 10 == 0) b.push_back(r);
  }
  for (auto _ : state) benchmark::DoNotOptimize(Intersect(a, b));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(a.size() + b.size()));
}
BENCHMARK(BM_PostingsIntersect)->Arg(10'000)->Arg(1'000'000);

// A select's matcher evaluation over an index of 100k series:
// __name__="m3", job="node", instance=~"host-1.*" (a prefix fast path).
void BM_PostingsSelect(benchmark::State& state) {
  PostingsIndex index;
  for (SeriesRef r = 1; r <= 100'000; ++r) {
    index.Add(r, model::Labels::FromStrings({"__name__", Name("m", static_cast<int64_t>(r % 10)), "instance",
                                             Name("host-", static_cast<int64_t>(r % 1000)), "job",
                                             r % 3 == 0 ? "node" : "api"}));
  }
  std::vector<model::Matcher> ms = {
      *model::Matcher::Make(model::MatchType::kEqual, "__name__", "m3"),
      *model::Matcher::Make(model::MatchType::kEqual, "job", "node"),
      *model::Matcher::Make(model::MatchType::kRegexMatch, "instance", "host-1.*")};
  size_t n = 0;
  for (auto _ : state) {
    Postings p = index.Select(ms);
    n = p.size();
    benchmark::DoNotOptimize(p.data());
  }
  state.counters["matched"] = static_cast<double>(n);
}
BENCHMARK(BM_PostingsSelect)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace vigil::tsdb
