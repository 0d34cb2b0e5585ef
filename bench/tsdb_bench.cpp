// Micro-benchmarks of the storage engine: chunk encode/decode (the head's
// Gorilla chunks, one chunk hot and 20k cold ones round-robin, and stored
// chunks re-encoded packed), append with a series ref, commit with fsync, select of
// 10k series × 1 h (persisted and head chunks, with bytes per sample on
// disk), postings intersection.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include <cstdint>
#include <random>
#include <vector>

#include "chunk.h"
#include "chunk_packed.h"
#include "db_impl.h"
#include "postings.h"
#include "store.h"
#include "vigil/tsdb/tools.h"
#include "bench_tsdb_util.h"
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

// The head's pattern: one sample per series per scrape, over 20k chunks
// allocated one by one, with the caches flushed between rounds (a second of
// other work passes between two samples of a series in the head).
void BM_ChunkAppendColdRoundRobin(benchmark::State& state) {
  constexpr int kSeries = 20'000;
  constexpr int kRounds = 30;
  std::vector<Point> pts = CounterPoints(kRounds);
  std::vector<char> evict(64 << 20, 1);
  std::vector<std::unique_ptr<ChunkEncoder>> chunks(kSeries);
  int64_t samples = 0;
  int64_t sink = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (auto& c : chunks) c = std::make_unique<ChunkEncoder>();
    // Visited out of allocation order, as the head's series are spread over
    // its heap: the hardware prefetcher cannot guess the next chunk. (The
    // chunks' byte buffers, grown during the rounds, still end up in visiting
    // order: this misses on the encoder objects, less on their buffers than
    // the head does.)
    std::shuffle(chunks.begin(), chunks.end(), std::mt19937_64(7));
    state.ResumeTiming();
    for (const Point& p : pts) {
      state.PauseTiming();
      for (size_t i = 0; i < evict.size(); i += 64) sink += ++evict[i];
      state.ResumeTiming();
      for (auto& c : chunks) c->Append(p.t, p.v);
    }
    samples += int64_t{kRounds} * kSeries;
  }
  benchmark::DoNotOptimize(sink);
  state.counters["ns_per_sample"] = benchmark::Counter(
      static_cast<double>(samples), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ChunkAppendColdRoundRobin)->Unit(benchmark::kMillisecond)->Iterations(3);

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

// Series as bench/workload_target.py exposes them, one value per second.
enum class Kind { kCounter, kQueueDepth, kTemperature, kMemoryBytes, kCpuRatio, kBucket, kSum };
constexpr Kind kKinds[] = {Kind::kCounter,     Kind::kQueueDepth, Kind::kTemperature,
                           Kind::kMemoryBytes, Kind::kCpuRatio,   Kind::kBucket,
                           Kind::kSum};

class SeriesGen {
 public:
  SeriesGen(Kind kind, uint64_t seed) : kind_(kind), rng_(seed) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    switch (kind) {
      case Kind::kCounter:
        v_ = std::round(u(rng_) * 1e6);
        rate_ = std::lognormal_distribution<double>(1.5, 1.5)(rng_);
        break;
      case Kind::kQueueDepth: v_ = std::round(u(rng_) * 5000); break;
      case Kind::kTemperature: v_ = 10 + u(rng_) * 85; break;
      case Kind::kMemoryBytes: v_ = std::round(1e8 + u(rng_) * 7.9e9); break;
      case Kind::kCpuRatio: v_ = u(rng_); break;
      case Kind::kBucket:
      case Kind::kSum: rate_ = 1 + std::floor(u(rng_) * 40); break;
    }
  }
  double Next() {
    std::normal_distribution<double> unit(0.0, 1.0);
    switch (kind_) {
      case Kind::kCounter: v_ += std::round(std::max(0.0, rate_ + 0.3 * rate_ * unit(rng_))); break;
      case Kind::kQueueDepth: v_ = std::clamp(std::round(v_ + 3 * unit(rng_)), 0.0, 5000.0); break;
      case Kind::kTemperature: v_ = std::clamp(v_ + 0.2 * unit(rng_), 10.0, 95.0); break;
      case Kind::kMemoryBytes: v_ = std::clamp(std::round(v_ + 2e6 * unit(rng_)), 1e8, 8e9); break;
      case Kind::kCpuRatio: v_ = std::clamp(v_ + 0.01 * unit(rng_), 0.0, 1.0); break;
      case Kind::kBucket:  // a cumulative bucket count: a share of the observations
        v_ += std::max(0.0, std::round(rate_ * 0.3 + rate_ * 0.06 * unit(rng_)));
        break;
      case Kind::kSum: {
        std::lognormal_distribution<double> latency(-2.5, 1.0);
        int n = std::max(0, static_cast<int>(std::lround(rate_ + 0.2 * rate_ * unit(rng_))));
        for (int i = 0; i < n; ++i) v_ += latency(rng_);
        break;
      }
    }
    // The exposition prints at most six decimals (Python's round(v, 6)).
    bool decimal = kind_ == Kind::kTemperature || kind_ == Kind::kCpuRatio || kind_ == Kind::kSum;
    return decimal ? std::round(v_ * 1e6) / 1e6 : v_;
  }

 private:
  Kind kind_;
  std::mt19937_64 rng_;
  double v_ = 0;
  double rate_ = 0;
};

// One series scraped every second with a few ms of jitter.
std::vector<Point> WorkloadPoints(Kind kind, int n) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> jitter(0.0, 3.0);
  SeriesGen gen(kind, 12 + static_cast<uint64_t>(kind));
  std::vector<Point> out;
  TimestampMs t = 1'700'000'000'000;
  for (int i = 0; i < n; ++i) {
    t += 1000 + static_cast<int64_t>(std::lround(jitter(rng)));
    out.push_back({t, gen.Next()});
  }
  return out;
}

std::string GorillaChunk(const std::vector<Point>& pts) {
  ChunkEncoder enc;
  for (const Point& p : pts) enc.Append(p.t, p.v);
  return std::string(enc.bytes());
}

double PerSample(benchmark::State& state, size_t n) {
  return static_cast<double>(state.iterations()) * static_cast<double>(n);
}

// The flusher's re-encoding of a full 120-sample head chunk for RocksDB
// (Gorilla decode + packed encode, through one ChunkCompactor as a flush
// does), with both sizes; range(0) indexes kKinds.
void BM_StoredChunkEncode(benchmark::State& state) {
  std::vector<Point> pts = WorkloadPoints(kKinds[state.range(0)], 120);
  std::string gorilla = GorillaChunk(pts);
  ChunkCompactor compactor;
  size_t stored = 0;
  for (auto _ : state) {
    std::string_view out = compactor.Compact(gorilla);
    stored = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["ns_per_sample"] = benchmark::Counter(
      PerSample(state, pts.size()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["bytes_per_sample"] =
      static_cast<double>(stored) / static_cast<double>(pts.size());
  state.counters["gorilla_bytes_per_sample"] =
      static_cast<double>(gorilla.size()) / static_cast<double>(pts.size());
}
BENCHMARK(BM_StoredChunkEncode)->DenseRange(0, std::size(kKinds) - 1)->ArgName("kind");

// Reading every sample of a stored 120-sample chunk: range(0) indexes
// kKinds, range(1) 0 = Gorilla, 1 = packed.
void BM_StoredChunkDecode(benchmark::State& state) {
  std::vector<Point> pts = WorkloadPoints(kKinds[state.range(0)], 120);
  std::string bytes = GorillaChunk(pts);
  if (state.range(1) == 1) bytes = CompactChunkForStorage(bytes);
  for (auto _ : state) {
    ChunkIterator it(bytes);
    double sum = 0;
    while (it.Next()) sum += it.v();
    benchmark::DoNotOptimize(sum);
  }
  state.counters["ns_per_sample"] = benchmark::Counter(
      PerSample(state, pts.size()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["bytes_per_sample"] =
      static_cast<double>(bytes.size()) / static_cast<double>(pts.size());
}
BENCHMARK(BM_StoredChunkDecode)
    ->ArgsProduct({benchmark::CreateDenseRange(0, std::size(kKinds) - 1, 1), {0, 1}})
    ->ArgNames({"kind", "packed"});

// 1000 series per batch (one scrape), appended by ref after the first round.
void BM_AppendWithRef(benchmark::State& state) {
  std::string dir = bench::MakeScratchDir("vigil-bench");
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

// storage_compare's ingest without the scrape: 10 targets × 2000 series,
// each iteration one "scrape round" (a 2000-sample commit per target, by
// ref), WAL on without fsync. 20k series do not stay in the CPU caches from
// one round to the next, as in vigil; BM_AppendWithRef's 1000 do.
void BM_AppendScrapeRounds(benchmark::State& state) {
  constexpr int kTargets = 10;
  constexpr int kPerTarget = 2000;
  std::string dir = bench::MakeScratchDir("vigil-bench");
  {
    Options o;
    o.background = false;
    o.wal_sync = false;
    std::unique_ptr<DB> db = std::move(*DB::Open(dir, o));
    auto app = db->NewAppender();
    std::vector<model::Labels> labels;
    for (int i = 0; i < kTargets * kPerTarget; ++i) {
      labels.push_back(model::Labels::FromStrings(
          {"__name__", "bench_metric", "instance", std::to_string(i / kPerTarget), "i",
           std::to_string(i)}));
    }
    std::vector<SeriesRef> refs(labels.size(), 0);
    TimestampMs t = 1'700'006'400'000;
    for (auto _ : state) {
      t += 1000;
      for (int target = 0; target < kTargets; ++target) {
        for (int j = 0; j < kPerTarget; ++j) {
          size_t k = static_cast<size_t>(target * kPerTarget + j);
          refs[k] = *app->Append(refs[k], labels[k], t, static_cast<double>(t / 1000 + j % 7));
        }
        if (!app->Commit().ok()) state.SkipWithError("commit failed");
      }
    }
    state.counters["ns_per_sample"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * kTargets * kPerTarget,
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_AppendScrapeRounds)->Iterations(300)->Unit(benchmark::kMillisecond);

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

  SelectFixture() : dir(bench::MakeScratchDir("vigil-bench")) {
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

// Built on first use, removed (with its directory) at exit.
SelectFixture& Fixture() {
  static SelectFixture f;
  return f;
}

// Every sample of 10k series over the last hour (half in RocksDB, the newest
// chunk of each in the head), series sorted.
void BM_Select10kSeries1h(benchmark::State& state) {
  SelectFixture& f = Fixture();
  Result<model::Matcher> m = model::Matcher::Make(model::MatchType::kEqual, "job", "node");
  int64_t samples = 0;
  for (auto _ : state) {
    samples = bench::ReadEverySample(*f.db, SelectFixture::kEnd - 3600 * 1000,
                                     SelectFixture::kEnd, {*m});
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

// 10 targets × 200 series in workload_target.py's mix (40% counters, 30%
// gauges, 30% histogram series), 600 one-second scrapes — five 120-sample
// chunks per series, a target's series sharing its scrape times — written to
// a Store as the flusher writes them, then compacted. Reports the SST bytes
// per sample by stored chunk encoding (range(0): 0 Gorilla as the head holds
// it, 1 packed) and chunks CF compression (range(1): 0 none, 1 LZ4, 2 ZSTD);
// the timed part scans and decodes every chunk (blocks not cached).
void BM_StoredBytes(benchmark::State& state) {
  constexpr int kTargets = 10;
  constexpr int kPerTarget = 200;
  constexpr int kScrapes = 600;
  constexpr int kChunkSamples = 120;
  constexpr StoreOptions::Compression kCompression[] = {
      StoreOptions::Compression::kNone, StoreOptions::Compression::kLz4,
      StoreOptions::Compression::kZstd};
  const bool packed = state.range(0) == 1;
  std::string dir = bench::MakeScratchDir("vigil-bench");
  StoreOptions so;
  so.chunk_compression = kCompression[state.range(1)];
  std::unique_ptr<Store> store = std::move(*Store::Open(dir, so));
  std::mt19937_64 rng(3);
  std::normal_distribution<double> jitter(0.0, 3.0);
  uint64_t samples = 0;
  for (int target = 0; target < kTargets; ++target) {
    std::vector<TimestampMs> times;
    TimestampMs t = SelectFixture::kStart + target * 97;
    for (int i = 0; i < kScrapes; ++i) {
      times.push_back(t);
      t += 1000 + static_cast<int64_t>(std::lround(jitter(rng)));
    }
    std::vector<model::Labels> labels;
    std::vector<SeriesGen> gens;
    for (int j = 0; j < kPerTarget; ++j) {
      Kind kind = Kind::kCounter;
      if (j >= 140) {
        kind = (j - 140) % 14 == 12 ? Kind::kSum : Kind::kBucket;
      } else if (j >= 80) {
        kind = kKinds[1 + j % 4];
      }
      gens.emplace_back(kind, static_cast<uint64_t>(target * kPerTarget + j));
      labels.push_back(model::Labels::FromStrings(
          {"__name__", Name("bench_metric_", static_cast<int64_t>(kind)), "instance",
           Name("127.0.0.1:", 19100 + target), "job", "bench", "series", std::to_string(j)}));
    }
    for (int c = 0; c < kScrapes / kChunkSamples; ++c) {
      std::vector<FlushItem> items;
      for (int j = 0; j < kPerTarget; ++j) {
        ChunkEncoder enc;
        for (int i = c * kChunkSamples; i < (c + 1) * kChunkSamples; ++i) {
          enc.Append(times[i], gens[j].Next());
        }
        std::string bytes(enc.bytes());
        if (packed) bytes = CompactChunkForStorage(bytes);
        samples += kChunkSamples;
        FlushItem item;
        item.ref = static_cast<SeriesRef>(target * kPerTarget + j + 1);
        item.labels = c == 0 ? &labels[j] : nullptr;
        item.chunks.push_back(ChunkRef{std::make_shared<const std::string>(std::move(bytes)),
                                       enc.min_time(), enc.max_time()});
        items.push_back(std::move(item));
      }
      if (!store->Flush(items).ok()) state.SkipWithError("flush failed");
    }
  }
  if (!store->CompactAll().ok()) state.SkipWithError("compaction failed");
  uint64_t chunk_bytes = 0;
  uint64_t read = 0;
  for (auto _ : state) {
    read = 0;
    chunk_bytes = 0;
    double sum = 0;
    Status st = store->ScanChunks(kMinTime, kMaxTime, [&](const StoredChunk& c) {
      chunk_bytes += c.bytes.size();
      ChunkIterator it(c.bytes);
      while (it.Next()) {
        sum += it.v();
        ++read;
      }
    });
    if (!st.ok()) state.SkipWithError("scan failed");
    benchmark::DoNotOptimize(sum);
  }
  if (read != samples) state.SkipWithError("read back a different number of samples");
  const auto n = static_cast<double>(samples);
  state.counters["sst_bytes_per_sample"] = static_cast<double>(store->Stats().sst_bytes) / n;
  state.counters["chunk_bytes_per_sample"] = static_cast<double>(chunk_bytes) / n;
  state.counters["ns_per_sample"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * n,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  store.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_StoredBytes)
    ->ArgsProduct({{0, 1}, {0, 1, 2}})
    ->ArgNames({"packed", "compression"})
    ->Unit(benchmark::kMillisecond);

// One chunk-full round of bench/storage_compare.sh's workload through the
// flusher: 10 targets × 2000 series with workload_target.py's label sets and
// value mix, 120 one-second scrapes, then DB::Flush moves every series' full
// chunk to RocksDB (re-encoded packed). range(0): 0 times the first round,
// which also writes each series' labels and postings; 1 times the second.
// Timed: the Flush call in process CPU time (RocksDB's threads included;
// memtable flushes it starts may finish after it). ns_per_sample is per
// sample of the flushed chunks.
void BM_FlushFullChunks(benchmark::State& state) {
  constexpr int kTargets = 10;
  constexpr int kPerTarget = 2000;
  constexpr int kChunkSamples = 120;
  const int rounds = static_cast<int>(state.range(0)) + 1;
  constexpr const char* kMethods[] = {"GET", "POST", "PUT", "DELETE"};
  constexpr const char* kCodes[] = {"200", "201", "204", "301", "400",
                                    "401", "404", "429", "500", "503"};
  std::vector<model::Labels> labels;
  std::vector<Kind> kinds;
  for (int target = 0; target < kTargets; ++target) {
    std::string instance = Name("127.0.0.1:", 19100 + target);
    for (int j = 0; j < kPerTarget; ++j) {
      Kind kind = Kind::kCounter;
      std::vector<std::pair<std::string, std::string>> l = {
          {"instance", instance}, {"job", "bench"}, {"t", std::to_string(target)}};
      if (j < 800) {
        l.insert(l.end(), {{"__name__", "bench_http_requests_total"},
                           {"handler", Name("/api/v", j % 3 + 1, Name("/r", j / 40))},
                           {"method", kMethods[j % 4]},
                           {"code", kCodes[(j / 4) % 10]}});
      } else if (j < 1400) {
        kind = kKinds[1 + j % 4];
        l.insert(l.end(), {{"__name__", Name("bench_gauge_", static_cast<int64_t>(kind))},
                           {"device", Name("dev", (j - 800) / 4)},
                           {"shard", std::to_string(j % 7)}});
      } else {
        kind = (j - 1400) % 14 == 12 ? Kind::kSum : Kind::kBucket;
        l.insert(l.end(), {{"__name__", "bench_request_duration_seconds_bucket"},
                           {"handler", Name("/h", (j - 1400) / 56)},
                           {"method", kMethods[((j - 1400) / 14) % 4]},
                           {"le", Name("b", (j - 1400) % 14)}});
      }
      labels.push_back(model::Labels::FromPairs(std::move(l)));
      kinds.push_back(kind);
    }
  }
  const size_t n_series = labels.size();
  std::mt19937_64 rng(5);
  std::normal_distribution<double> jitter(0.0, 3.0);
  uint64_t flushed_samples = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string dir = bench::MakeScratchDir("vigil-bench");
    {
      Options o;
      o.background = false;
      o.wal_sync = false;
      std::unique_ptr<DB> db = std::move(*DB::Open(dir, o));
      std::vector<SeriesGen> gens;
      for (size_t i = 0; i < n_series; ++i) gens.emplace_back(kinds[i], i);
      std::vector<SeriesRef> refs(n_series, 0);
      auto app = db->NewAppender();
      TimestampMs t = SelectFixture::kStart;
      // One sample more than the rounds' chunks hold: it cuts the last ones.
      for (int i = 0; i <= rounds * kChunkSamples; ++i) {
        if (i == kChunkSamples + 1 && rounds == 2 && !db->Flush().ok()) std::abort();
        for (int target = 0; target < kTargets; ++target) {
          for (int j = 0; j < kPerTarget; ++j) {
            size_t k = static_cast<size_t>(target * kPerTarget + j);
            refs[k] = *app->Append(refs[k], labels[k], t + target * 97, gens[k].Next());
          }
          if (!app->Commit().ok()) std::abort();
        }
        t += 1000 + static_cast<int64_t>(std::lround(jitter(rng)));
      }
      state.ResumeTiming();
      if (!db->Flush().ok()) state.SkipWithError("flush failed");
      state.PauseTiming();
      flushed_samples += n_series * kChunkSamples;
    }
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.counters["ns_per_sample"] = benchmark::Counter(
      static_cast<double>(flushed_samples), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_FlushFullChunks)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("round")
    ->MeasureProcessCPUTime()
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);

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
