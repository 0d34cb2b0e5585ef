// The read seam of the storage engine: what the PromQL engine, the HTTP API
// and the tools see of stored samples. No storage detail (RocksDB, chunks,
// the head) crosses it.
//
//   Result<std::unique_ptr<Querier>> q = db.NewQuerier();
//   Result<std::unique_ptr<SeriesSet>> set = (*q)->Select(mint, maxt, matchers);
//   while ((*set)->Next()) {
//     const Series& s = (*set)->At();
//     for (auto it = s.Iterator(); it->Next();) Use(s.labels(), it->At());
//   }
//
// A Querier sees the samples committed before its Select (whole batches:
// a commit is visible entirely or not at all) plus, possibly, later ones.
// Thread-safety: a Querier and what it returns are used by one thread at a
// time; different Queriers may be used concurrently. A SeriesSet and its
// iterators must not outlive the Querier that made them.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/clock.h"
#include "vigil/base/result.h"
#include "vigil/model/labels.h"
#include "vigil/model/matcher.h"

namespace vigil::tsdb {

struct Sample {
  TimestampMs t = 0;
  double v = 0;  // bit-exact as appended (staleness NaN included)
};

// The samples of one series within the Select's [mint, maxt], oldest first.
class SampleIterator {
 public:
  virtual ~SampleIterator() = default;
  // Moves to the next sample; false at the end (then check status()).
  virtual bool Next() = 0;
  // Moves to the first sample with time >= t; never moves backwards. False
  // when there is none.
  virtual bool Seek(TimestampMs t) = 0;
  // The current sample. Precondition: the last Next/Seek returned true.
  virtual Sample At() const = 0;
  // Not OK when stored data could not be read (corruption, I/O).
  virtual Status status() const = 0;
};

class Series {
 public:
  virtual ~Series() = default;
  virtual const model::Labels& labels() const = 0;
  // A new iterator over the series' samples; may be called more than once.
  virtual std::unique_ptr<SampleIterator> Iterator() const = 0;
};

// Series sorted by labels (model::Compare), each once.
class SeriesSet {
 public:
  virtual ~SeriesSet() = default;
  virtual bool Next() = 0;
  // Precondition: the last Next returned true. Valid until the next Next.
  virtual const Series& At() const = 0;
  virtual Status status() const = 0;
};

class Querier {
 public:
  virtual ~Querier() = default;

  // Series matching every matcher (a matcher that matches "" also matches
  // series without the label, as Prometheus), with their samples in
  // [mint, maxt]; only series with at least one chunk in the range.
  virtual Result<std::unique_ptr<SeriesSet>> Select(
      TimestampMs mint, TimestampMs maxt, const std::vector<model::Matcher>& matchers) = 0;

  // Sorted label names of the series matching `matchers` (all when empty).
  virtual Result<std::vector<std::string>> LabelNames(
      const std::vector<model::Matcher>& matchers = {}) = 0;
  // Sorted values of `name` among the series matching `matchers`.
  virtual Result<std::vector<std::string>> LabelValues(
      std::string_view name, const std::vector<model::Matcher>& matchers = {}) = 0;
};

// Where Queriers come from: the storage engine, or a test double.
class Queryable {
 public:
  virtual ~Queryable() = default;
  virtual Result<std::unique_ptr<Querier>> NewQuerier() = 0;
};

}  // namespace vigil::tsdb
