#include "memory_storage.h"

#include <algorithm>
#include <bit>
#include <set>

namespace vigil::testing {

class MemoryAppender : public tsdb::Appender {
 public:
  explicit MemoryAppender(MemoryStorage* storage) : storage_(storage) {}

  Result<tsdb::SeriesRef> Append(tsdb::SeriesRef ref, const model::Labels& labels, TimestampMs t,
                                 double v) override {
    std::lock_guard<std::mutex> lock(storage_->mu_);
    if (ref == 0 || storage_->series_.count(ref) == 0) {
      if (labels.empty()) return Status(StatusCode::kNotFound, "unknown series ref and no labels");
      auto [it, inserted] = storage_->refs_.emplace(labels.encoded(), storage_->next_ref_);
      if (inserted) ++storage_->next_ref_;
      ref = it->second;
      if (inserted) storage_->series_[ref].labels = labels;
    }
    // Compare with the newest sample, committed or pending in this batch.
    std::optional<StoredSample> newest;
    const auto& committed = storage_->series_[ref].samples;
    if (!committed.empty()) newest = committed.back();
    for (const auto& p : pending_) {
      if (p.first == ref) newest = p.second;
    }
    if (newest && t < newest->t) return Status(StatusCode::kOutOfRange, "out of order sample");
    if (newest && t == newest->t) {
      if (std::bit_cast<uint64_t>(v) == std::bit_cast<uint64_t>(newest->v)) return ref;
      return Status(StatusCode::kAlreadyExists, "duplicate sample for timestamp");
    }
    pending_.emplace_back(ref, StoredSample{t, v});
    return ref;
  }

  Status Commit() override {
    std::lock_guard<std::mutex> lock(storage_->mu_);
    for (const auto& [ref, s] : pending_) storage_->series_[ref].samples.push_back(s);
    pending_.clear();
    ++storage_->commits_;
    return Status::Ok();
  }

  void Rollback() override { pending_.clear(); }

 private:
  MemoryStorage* storage_;
  std::vector<std::pair<tsdb::SeriesRef, StoredSample>> pending_;
};

std::unique_ptr<tsdb::Appender> MemoryStorage::NewAppender() {
  return std::make_unique<MemoryAppender>(this);
}

void MemoryStorage::Remove(const model::Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = refs_.find(labels.encoded());
  if (it == refs_.end()) return;
  series_.erase(it->second);
  refs_.erase(it);
}

std::vector<StoredSample> MemoryStorage::Samples(const model::Labels& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = refs_.find(labels.encoded());
  if (it == refs_.end()) return {};
  return series_.at(it->second).samples;
}

std::vector<model::Labels> MemoryStorage::Series() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<model::Labels> out;
  for (const auto& [ref, s] : series_) {
    if (!s.samples.empty()) out.push_back(s.labels);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<model::Labels> MemoryStorage::SeriesNamed(std::string_view name) const {
  std::vector<model::Labels> out;
  for (model::Labels& l : Series()) {
    if (l.MetricName() == name) out.push_back(std::move(l));
  }
  return out;
}

size_t MemoryStorage::commits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commits_;
}

}  // namespace vigil::testing

namespace vigil::testing {
namespace {

struct SnapshotSeries {
  model::Labels labels;
  std::vector<StoredSample> samples;
};

class MemoryIterator : public tsdb::SampleIterator {
 public:
  explicit MemoryIterator(const std::vector<StoredSample>* samples) : samples_(samples) {}
  bool Next() override {
    if (pos_ == kBefore) {
      pos_ = 0;
    } else if (pos_ < samples_->size()) {
      ++pos_;
    }
    return pos_ < samples_->size();
  }
  bool Seek(TimestampMs t) override {
    if (pos_ == kBefore) pos_ = 0;
    while (pos_ < samples_->size() && (*samples_)[pos_].t < t) ++pos_;
    return pos_ < samples_->size();
  }
  TimestampMs AtT() const override { return (*samples_)[pos_].t; }
  double AtV() const override { return (*samples_)[pos_].v; }
  Status status() const override { return Status::Ok(); }

 private:
  static constexpr size_t kBefore = static_cast<size_t>(-1);
  const std::vector<StoredSample>* samples_;
  size_t pos_ = kBefore;
};

class MemorySeries : public tsdb::Series {
 public:
  explicit MemorySeries(const SnapshotSeries* s) : s_(s) {}
  const model::Labels& labels() const override { return s_->labels; }
  std::unique_ptr<tsdb::SampleIterator> Iterator() const override {
    return std::make_unique<MemoryIterator>(&s_->samples);
  }

 private:
  const SnapshotSeries* s_;
};

class MemorySeriesSet : public tsdb::SeriesSet {
 public:
  explicit MemorySeriesSet(std::vector<const SnapshotSeries*> series)
      : series_(std::move(series)) {}
  bool Next() override {
    if (next_ >= series_.size()) return false;
    current_ = std::make_unique<MemorySeries>(series_[next_++]);
    return true;
  }
  const tsdb::Series& At() const override { return *current_; }
  Status status() const override { return Status::Ok(); }

 private:
  std::vector<const SnapshotSeries*> series_;
  size_t next_ = 0;
  std::unique_ptr<MemorySeries> current_;
};

bool MatchesAll(const model::Labels& l, const std::vector<model::Matcher>& matchers) {
  for (const model::Matcher& m : matchers) {
    if (!m.Matches(l.Get(m.name()))) return false;
  }
  return true;
}

class MemoryQuerier : public tsdb::Querier {
 public:
  explicit MemoryQuerier(std::vector<SnapshotSeries> series) : series_(std::move(series)) {}

  std::unique_ptr<tsdb::SeriesSet> Select(bool sorted, const tsdb::SelectHints*,
                                          const std::vector<model::Matcher>& matchers) override {
    (void)sorted;  // the snapshot is sorted already
    std::vector<const SnapshotSeries*> out;
    for (const SnapshotSeries& s : series_) {
      if (!s.samples.empty() && MatchesAll(s.labels, matchers)) out.push_back(&s);
    }
    return std::make_unique<MemorySeriesSet>(std::move(out));
  }

  Result<std::vector<std::string>> LabelNames(
      const std::vector<model::Matcher>& matchers) override {
    std::set<std::string> names;
    for (const SnapshotSeries& s : series_) {
      if (s.samples.empty() || !MatchesAll(s.labels, matchers)) continue;
      for (const model::Label& l : s.labels) names.emplace(l.name);
    }
    return std::vector<std::string>(names.begin(), names.end());
  }

  Result<std::vector<std::string>> LabelValues(
      std::string_view name, const std::vector<model::Matcher>& matchers) override {
    std::set<std::string> values;
    for (const SnapshotSeries& s : series_) {
      if (s.samples.empty() || !MatchesAll(s.labels, matchers)) continue;
      std::string_view v = s.labels.Get(name);
      if (!v.empty()) values.emplace(v);
    }
    return std::vector<std::string>(values.begin(), values.end());
  }

 private:
  std::vector<SnapshotSeries> series_;  // sorted by labels, samples in range
};

}  // namespace

Result<std::unique_ptr<tsdb::Querier>> MemoryStorage::NewQuerier(TimestampMs mint,
                                                                  TimestampMs maxt) {
  std::vector<SnapshotSeries> snapshot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [ref, data] : series_) {
      SnapshotSeries s;
      s.labels = data.labels;
      for (const StoredSample& sample : data.samples) {
        if (sample.t >= mint && sample.t <= maxt) s.samples.push_back(sample);
      }
      snapshot.push_back(std::move(s));
    }
  }
  std::sort(snapshot.begin(), snapshot.end(),
            [](const SnapshotSeries& a, const SnapshotSeries& b) { return a.labels < b.labels; });
  return std::unique_ptr<tsdb::Querier>(
      std::make_unique<MemoryQuerier>(std::move(snapshot)));
}

}  // namespace vigil::testing
