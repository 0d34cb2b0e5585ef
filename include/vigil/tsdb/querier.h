// The read seam of the storage engine. PromQL, the HTTP API (series, labels)
// and federation read through a Querier and never see how samples are stored.
//
// A Querier covers one time range [mint, maxt] (inclusive) and is a
// consistent view: samples committed after it was opened may or may not be
// visible, but a batch is never half visible.
// Thread-safety: a Querier, its SeriesSets and iterators are used by one
// thread at a time; different Queriers may be used concurrently. A
// SeriesSet and its iterators must not outlive their Querier.
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

// The samples of one series in time order, within the querier's range.
class SampleIterator {
 public:
  virtual ~SampleIterator() = default;
  // Moves to the next sample; false at the end (or on error: see status()).
  virtual bool Next() = 0;
  // Moves to the first sample at or after `t`; stays put when the current
  // sample is already there. False when there is none.
  virtual bool Seek(TimestampMs t) = 0;
  // The current sample. Precondition: the last Next/Seek returned true.
  virtual TimestampMs AtT() const = 0;
  virtual double AtV() const = 0;
  // Why iteration stopped early (corrupt chunk, ...); OK otherwise.
  virtual Status status() const = 0;
};

class Series {
 public:
  virtual ~Series() = default;
  virtual const model::Labels& labels() const = 0;
  // A new iterator positioned before the first sample.
  virtual std::unique_ptr<SampleIterator> Iterator() const = 0;
};

// The series a Select found, sorted by labels when asked to.
class SeriesSet {
 public:
  virtual ~SeriesSet() = default;
  virtual bool Next() = 0;
  // Precondition: the last Next returned true. Valid until the next Next.
  virtual const Series& At() const = 0;
  virtual Status status() const = 0;
};

// Hints that let the storage skip work; it may ignore them.
struct SelectHints {
  TimestampMs start = 0;  // the range the caller will actually read
  TimestampMs end = 0;
};

class Querier {
 public:
  virtual ~Querier() = default;
  // Every series with samples in range that all `matchers` match (a label
  // that is absent matches as ""). `sorted`: order by labels (model::Compare).
  virtual std::unique_ptr<SeriesSet> Select(bool sorted, const SelectHints* hints,
                                            const std::vector<model::Matcher>& matchers) = 0;
  // Sorted label names / values of the series the matchers select (all
  // series in range when `matchers` is empty).
  virtual Result<std::vector<std::string>> LabelNames(
      const std::vector<model::Matcher>& matchers) = 0;
  virtual Result<std::vector<std::string>> LabelValues(
      std::string_view name, const std::vector<model::Matcher>& matchers) = 0;
};

class Queryable {
 public:
  virtual ~Queryable() = default;
  virtual Result<std::unique_ptr<Querier>> NewQuerier(TimestampMs mint, TimestampMs maxt) = 0;
};

}  // namespace vigil::tsdb
