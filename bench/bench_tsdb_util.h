// Helpers shared by the tsdb-backed benchmarks: a scratch data directory,
// and reading every sample a Select returns.
#pragma once

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "vigil/tsdb/querier.h"

namespace vigil::bench {

// A new empty directory under the system's temporary directory; aborts when
// none can be made (a benchmark has nothing to measure without it).
inline std::string MakeScratchDir(const std::string& prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  return tmpl;
}

// Iterates every sample of every series `matchers` select in [mint, maxt],
// sorted; returns how many there were.
inline int64_t ReadEverySample(tsdb::Queryable& db, TimestampMs mint, TimestampMs maxt,
                               const std::vector<model::Matcher>& matchers) {
  auto q = db.NewQuerier(mint, maxt);
  if (!q.ok()) std::abort();
  auto set = (*q)->Select(true, nullptr, matchers);
  int64_t n = 0;
  double sum = 0;
  while (set->Next()) {
    auto it = set->At().Iterator();
    while (it->Next()) {
      sum += it->AtV();
      ++n;
    }
  }
  if (!set->status().ok()) std::abort();
  benchmark::DoNotOptimize(sum);
  return n;
}

}  // namespace vigil::bench
