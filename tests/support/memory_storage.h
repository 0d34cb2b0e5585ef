// MemoryStorage: an in-memory tsdb::Appendable and tsdb::Queryable for tests
// of the modules that append (scrape, rules) or read (promql), with the
// storage engine's rules for refusing samples (out of order, duplicate
// timestamp) and all-or-nothing batches. A Querier reads a snapshot of the
// committed samples taken when it is opened.
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "vigil/tsdb/appender.h"
#include "vigil/tsdb/querier.h"

namespace vigil::testing {

struct StoredSample {
  TimestampMs t;
  double v;
};

class MemoryStorage : public tsdb::Appendable, public tsdb::Queryable {
 public:
  std::unique_ptr<tsdb::Appender> NewAppender() override;
  Result<std::unique_ptr<tsdb::Querier>> NewQuerier(TimestampMs mint, TimestampMs maxt) override;

  // Every committed sample of the series with exactly these labels.
  std::vector<StoredSample> Samples(const model::Labels& labels) const;
  // The labels of every series with a committed sample, sorted.
  std::vector<model::Labels> Series() const;
  // Series whose metric name is `name`.
  std::vector<model::Labels> SeriesNamed(std::string_view name) const;
  size_t commits() const;
  // Drops a series and its ref, as retention or deletion does: an append by
  // that ref then fails with tsdb::IsUnknownRef.
  void Remove(const model::Labels& labels);

 private:
  friend class MemoryAppender;
  struct SeriesData {
    model::Labels labels;
    std::vector<StoredSample> samples;
  };
  mutable std::mutex mu_;
  std::map<std::string, tsdb::SeriesRef> refs_;  // encoded labels → ref; guarded by mu_
  std::map<tsdb::SeriesRef, SeriesData> series_;  // guarded by mu_
  size_t commits_ = 0;                            // guarded by mu_
  tsdb::SeriesRef next_ref_ = 1;                  // refs are never reused; guarded by mu_
};

}  // namespace vigil::testing
