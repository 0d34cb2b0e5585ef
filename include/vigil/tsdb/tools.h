// Offline tools over an open storage engine, for `vigil tsdb analyze` and
// `vigil tsdb dump`: what the data directory holds, and its samples as text.
// Thread-safety: each function may be called from any thread while the DB is
// in use; the figures are a moment's view, not a snapshot.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "vigil/base/result.h"
#include "vigil/model/matcher.h"
#include "vigil/tsdb/db.h"

namespace vigil::tsdb {

struct AnalyzeReport {
  uint64_t series = 0;
  uint64_t samples = 0;            // head and RocksDB
  uint64_t head_samples = 0;       // not yet persisted
  uint64_t persisted_samples = 0;  // in RocksDB
  uint64_t persisted_chunks = 0;
  uint64_t chunk_bytes = 0;        // Gorilla bytes of the persisted chunks
  uint64_t disk_bytes = 0;         // RocksDB's files on disk
  uint64_t wal_bytes = 0;
  // disk_bytes / persisted_samples (0 when nothing is persisted).
  double bytes_per_sample = 0;
  TimestampMs min_time = 0;  // of every sample; both 0 when there is none
  TimestampMs max_time = 0;
  // Label names by number of distinct values, and label pairs by number of
  // series, highest first (ties by name), at most `top` each.
  std::vector<std::pair<std::string, uint64_t>> top_names;
  std::vector<std::pair<std::string, uint64_t>> top_pairs;  // "name=value"
};

// Walks every series and chunk of `db` (a DB from DB::Open; anything else is
// InvalidArgument). Reads everything once: cost grows with the data.
Result<AnalyzeReport> Analyze(DB& db, size_t top);

// The report as human-readable text, one figure per line.
std::string FormatAnalyzeReport(const AnalyzeReport& report);

// Writes every sample in [mint, maxt] of the series the matchers select
// (all when empty), series sorted by labels, samples in time order, one line
// each: `labels value timestamp`, e.g. `up{job="api"} 1 1700000000000`.
// Values use Prometheus's float format (NaN, +Inf, -Inf).
Status Dump(Queryable& db, TimestampMs mint, TimestampMs maxt,
            const std::vector<model::Matcher>& matchers, std::ostream& out);

}  // namespace vigil::tsdb
