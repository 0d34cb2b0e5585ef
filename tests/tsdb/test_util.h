// Helpers for the tsdb tests: temporary directories and reading everything
// a querier returns.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "vigil/tsdb/db.h"

namespace vigil::tsdb::testutil {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vigil-tsdb-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Point {
  TimestampMs t;
  uint64_t bits;
  friend bool operator==(const Point&, const Point&) = default;
};
inline Point P(TimestampMs t, double v) { return Point{t, std::bit_cast<uint64_t>(v)}; }

// Labels (as text) → samples, for every series Select returns.
inline std::map<std::string, std::vector<Point>> ReadAll(
    Queryable& db, TimestampMs mint, TimestampMs maxt,
    const std::vector<model::Matcher>& matchers = {}) {
  std::map<std::string, std::vector<Point>> out;
  Result<std::unique_ptr<Querier>> q = db.NewQuerier(mint, maxt);
  EXPECT_TRUE(q.ok());
  if (!q.ok()) return out;
  std::unique_ptr<SeriesSet> set = (*q)->Select(true, nullptr, matchers);
  while (set->Next()) {
    const Series& s = set->At();
    std::vector<Point>& pts = out[s.labels().ToString()];
    auto it = s.Iterator();
    while (it->Next()) pts.push_back(Point{it->AtT(), std::bit_cast<uint64_t>(it->AtV())});
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  }
  EXPECT_TRUE(set->status().ok());
  return out;
}

inline model::Matcher M(model::MatchType type, std::string name, std::string value) {
  Result<model::Matcher> m = model::Matcher::Make(type, std::move(name), std::move(value));
  EXPECT_TRUE(m.ok());
  return *m;
}

}  // namespace vigil::tsdb::testutil
