// The self-metrics registry: counters, gauges and histograms, with or without
// labels, rendered in the Prometheus text exposition format (0.0.4) for
// vigil's own /metrics.
//
// Each module registers its metrics on the Registry it is handed at
// construction and keeps the returned references; they stay valid for the
// Registry's lifetime. Registering a name twice is a programming error.
// Thread-safety: every method of every class here may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::metrics {

class Counter {
 public:
  // Precondition: v >= 0.
  void Inc(double v = 1) { value_.fetch_add(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  void Inc() { Add(1); }
  void Dec() { Add(-1); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds` are the buckets' upper bounds, strictly increasing, without +Inf.
  explicit Histogram(std::vector<double> bounds);

  void Observe(double v);

  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound, then the +Inf bucket (== count).
  std::vector<uint64_t> CumulativeCounts() const;
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  // Non-cumulative: counts_[i] is observations in (bounds_[i-1], bounds_[i]];
  // the last element counts those above every bound.
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

// Prometheus client libraries' default buckets, for request latencies.
std::vector<double> DefaultBuckets();
// `count` buckets: start, start*factor, start*factor^2, ...
std::vector<double> ExponentialBuckets(double start, double factor, int count);

// Metrics of one name that differ by the values of a fixed set of labels.
template <typename M>
class Family {
 public:
  using Factory = std::function<std::unique_ptr<M>()>;
  Family(std::vector<std::string> label_names, Factory factory)
      : label_names_(std::move(label_names)), factory_(std::move(factory)) {}

  // The metric for these label values, created on first use. Precondition:
  // as many values as the family has label names.
  M& With(const std::vector<std::string>& label_values);

  const std::vector<std::string>& label_names() const { return label_names_; }

  // Calls fn(label_values, metric) for every child, in label-value order.
  void ForEach(const std::function<void(const std::vector<std::string>&, const M&)>& fn) const;

 private:
  const std::vector<std::string> label_names_;
  const Factory factory_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<M>> children_;  // guarded by mu_
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& AddCounter(std::string name, std::string help);
  Gauge& AddGauge(std::string name, std::string help);
  Histogram& AddHistogram(std::string name, std::string help, std::vector<double> bounds);

  Family<Counter>& AddCounterFamily(std::string name, std::string help,
                                    std::vector<std::string> label_names);
  Family<Gauge>& AddGaugeFamily(std::string name, std::string help,
                                std::vector<std::string> label_names);
  Family<Histogram>& AddHistogramFamily(std::string name, std::string help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> bounds);

  // Values computed when /metrics is rendered (process CPU, RSS, ...).
  void AddGaugeFunc(std::string name, std::string help, std::function<double()> fn);
  void AddCounterFunc(std::string name, std::string help, std::function<double()> fn);

  // Every metric, sorted by name, in the text exposition format 0.0.4.
  std::string Render() const;

  // The current value of counter or gauge `name` (summed over its label
  // sets); nullopt when no such counter or gauge is registered. For status
  // pages that report a few self-metrics, as Prometheus's runtime info does.
  std::optional<double> Value(std::string_view name) const;

 private:
  struct Entry;
  Entry& Add(std::string name, std::string help);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Entry>> entries_;  // guarded by mu_
};

template <typename M>
M& Family<M>::With(const std::vector<std::string>& label_values) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = children_.find(label_values);
  if (it == children_.end()) it = children_.emplace(label_values, factory_()).first;
  return *it->second;
}

template <typename M>
void Family<M>::ForEach(
    const std::function<void(const std::vector<std::string>&, const M&)>& fn) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, metric] : children_) fn(values, *metric);
}

// Registers the standard process_* metrics (CPU seconds, resident and virtual
// memory, open and max fds, start time) read from /proc/self.
void RegisterProcessMetrics(Registry& registry);

}  // namespace vigil::metrics
