#include "memory_storage.h"

#include <algorithm>
#include <bit>

namespace vigil::testing {

class MemoryAppender : public tsdb::Appender {
 public:
  explicit MemoryAppender(MemoryStorage* storage) : storage_(storage) {}

  Result<tsdb::SeriesRef> Append(tsdb::SeriesRef ref, const model::Labels& labels, TimestampMs t,
                                 double v) override {
    std::lock_guard<std::mutex> lock(storage_->mu_);
    if (ref == 0 || storage_->series_.count(ref) == 0) {
      auto [it, inserted] = storage_->refs_.emplace(labels.encoded(), storage_->refs_.size() + 1);
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
