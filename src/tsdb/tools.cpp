#include "vigil/tsdb/tools.h"

#include <algorithm>
#include <map>

#include "db_impl.h"
#include "vigil/base/format_float.h"

namespace vigil::tsdb {
namespace {

std::vector<std::pair<std::string, uint64_t>> Top(std::map<std::string, uint64_t> counts,
                                                  size_t top) {
  std::vector<std::pair<std::string, uint64_t>> out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (out.size() > top) out.resize(top);
  return out;
}

}  // namespace

Result<AnalyzeReport> Analyze(DB& db, size_t top) {
  auto* impl = dynamic_cast<DBImpl*>(&db);
  if (impl == nullptr) return InvalidArgument("analyze needs a DB opened by DB::Open");
  Head* head = impl->head();
  AnalyzeReport r;
  TimestampMs lo = kMaxTime;
  TimestampMs hi = kMinTime;
  ChunkArena arena;
  std::vector<ChunkView> chunks;
  std::vector<std::shared_ptr<const std::string>> owners;
  head->ForEachSeries([&](MemSeries* s) {
    arena.Clear();
    chunks.clear();
    owners.clear();
    head->Snapshot(s, kMinTime, kMaxTime, &arena, &chunks, &owners);
    for (const ChunkView& c : chunks) {
      r.head_samples += static_cast<uint64_t>(ChunkNumSamples(c.bytes));
      lo = std::min(lo, c.min_t);
      hi = std::max(hi, c.max_t);
    }
  });
  VIGIL_RETURN_IF_ERROR(
      impl->store()->ScanChunks(kMinTime, kMaxTime, [&](const StoredChunk& c) {
        r.persisted_samples += static_cast<uint64_t>(ChunkNumSamples(c.bytes));
        r.chunk_bytes += c.bytes.size();
        ++r.persisted_chunks;
        lo = std::min(lo, c.min_t);
        hi = std::max(hi, c.max_t);
      }));
  r.series = head->NumSeries();
  r.samples = r.head_samples + r.persisted_samples;
  DBStats stats = db.Stats();
  r.disk_bytes = stats.storage_bytes;
  r.wal_bytes = stats.wal_bytes;
  if (r.persisted_samples > 0) {
    r.bytes_per_sample =
        static_cast<double>(r.disk_bytes) / static_cast<double>(r.persisted_samples);
  }
  if (lo <= hi) {
    r.min_time = lo;
    r.max_time = hi;
  }
  std::map<std::string, uint64_t> names;
  std::map<std::string, uint64_t> pairs;
  head->postings().ForEachValue([&](std::string_view name, std::string_view value, size_t n) {
    ++names[std::string(name)];
    pairs[std::string(name) + "=" + std::string(value)] = n;
  });
  r.top_names = Top(std::move(names), top);
  r.top_pairs = Top(std::move(pairs), top);
  return r;
}

std::string FormatAnalyzeReport(const AnalyzeReport& r) {
  std::string out;
  auto line = [&](std::string_view k, const std::string& v) {
    out.append(k).append(": ").append(v).push_back('\n');
  };
  line("series", std::to_string(r.series));
  line("samples", std::to_string(r.samples));
  line("head samples", std::to_string(r.head_samples));
  line("persisted samples", std::to_string(r.persisted_samples));
  line("persisted chunks", std::to_string(r.persisted_chunks));
  line("chunk bytes", std::to_string(r.chunk_bytes));
  line("disk bytes (RocksDB)", std::to_string(r.disk_bytes));
  line("WAL bytes", std::to_string(r.wal_bytes));
  line("bytes per persisted sample on disk", FormatFloat(r.bytes_per_sample));
  line("min time", std::to_string(r.min_time));
  line("max time", std::to_string(r.max_time));
  out.append("label names by distinct values:\n");
  for (const auto& [name, n] : r.top_names) {
    out.append("  ").append(std::to_string(n)).append(" ").append(name).push_back('\n');
  }
  out.append("label pairs by series:\n");
  for (const auto& [pair, n] : r.top_pairs) {
    out.append("  ").append(std::to_string(n)).append(" ").append(pair).push_back('\n');
  }
  return out;
}

Status Dump(Queryable& db, TimestampMs mint, TimestampMs maxt,
            const std::vector<model::Matcher>& matchers, std::ostream& out) {
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<Querier> q, db.NewQuerier(mint, maxt));
  std::unique_ptr<SeriesSet> set = q->Select(true, nullptr, matchers);
  std::string line;
  while (set->Next()) {
    const Series& s = set->At();
    std::string labels = s.labels().ToString();
    std::unique_ptr<SampleIterator> it = s.Iterator();
    while (it->Next()) {
      line = labels;
      line.push_back(' ');
      AppendFloat(it->AtV(), &line);
      line.push_back(' ');
      line.append(std::to_string(it->AtT()));
      line.push_back('\n');
      out << line;
    }
    VIGIL_RETURN_IF_ERROR(it->status());
  }
  VIGIL_RETURN_IF_ERROR(set->status());
  if (!out) return IoError("dump: writing the output failed");
  return Status::Ok();
}

}  // namespace vigil::tsdb
