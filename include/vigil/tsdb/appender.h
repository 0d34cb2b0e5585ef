// The write seam of the storage engine. Scrape loops, rule evaluation and the
// remote-write receiver append through an Appender and never see how samples
// are stored.
//
// An Appender collects one batch (one scrape, one rule-group evaluation, one
// remote-write request): Append adds samples, Commit makes the whole batch
// durable and visible at once, Rollback drops it. A batch is all or nothing.
// Thread-safety: one Appender is used by one thread at a time; different
// Appenders from the same Appendable may be used concurrently.
#pragma once

#include <cstdint>
#include <memory>

#include "vigil/base/clock.h"
#include "vigil/base/result.h"
#include "vigil/model/labels.h"

namespace vigil::tsdb {

// An opaque handle to a series, valid for the lifetime of the storage that
// returned it (a restart may invalidate it). 0 means "unknown".
using SeriesRef = uint64_t;

// Why a single sample was refused; the rest of the batch is unaffected.
// Append returns Status values with these codes:
//   kOutOfRange     — older than the newest sample of the series ("out of
//                     order sample") or outside the appendable window ("out of
//                     bounds"), as Prometheus's ErrOutOfOrderSample/ErrOutOfBounds;
//   kAlreadyExists  — same timestamp as the newest sample, different value
//                     ("duplicate sample for timestamp"). The same timestamp
//                     with the same value is accepted and ignored, as Prometheus.
class Appender {
 public:
  virtual ~Appender() = default;

  // Adds a sample of the series `labels` (sorted, with __name__). When `ref`
  // is non-zero and was returned by an earlier Append of this storage, the
  // labels are not looked up again and may be empty; if the storage no longer
  // has that series (retention or deletion removed it), Append then fails
  // with IsUnknownRef and the caller appends again with the labels. Returns
  // the series' ref.
  // `v` may be the staleness marker (model::StaleNaN() (model/value.h)), stored bit-exact.
  virtual Result<SeriesRef> Append(SeriesRef ref, const model::Labels& labels, TimestampMs t,
                                   double v) = 0;

  // A hint that Append will soon be called with `ref`, so the storage can
  // start fetching that series into the cache (appending one sample per
  // series a second, every series is cold). It changes nothing else.
  virtual void Prefetch(SeriesRef /*ref*/) {}

  // Makes every appended sample durable (it survives kill -9 once Commit
  // returns OK) and visible to queries.
  virtual Status Commit() = 0;
  // Drops every sample appended since the last Commit.
  virtual void Rollback() = 0;
};

// Where Appenders come from: the storage engine, or a test double.
class Appendable {
 public:
  virtual ~Appendable() = default;
  virtual std::unique_ptr<Appender> NewAppender() = 0;
};

inline bool IsOutOfOrder(const Status& s) { return s.code() == StatusCode::kOutOfRange; }
inline bool IsDuplicate(const Status& s) { return s.code() == StatusCode::kAlreadyExists; }
inline bool IsUnknownRef(const Status& s) { return s.code() == StatusCode::kNotFound; }

}  // namespace vigil::tsdb
