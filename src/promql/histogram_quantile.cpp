// histogram_quantile over classic buckets: series grouped by their labels
// without `le`, then Prometheus 2.42's bucketQuantile (sort by upper bound,
// coalesce equal bounds, force monotonic counts, interpolate linearly).
#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "evaluator.h"
#include "math_util.h"

namespace vigil::promql::internal {
namespace {

struct Bucket {
  double upper;
  double count;
};

double BucketQuantile(double q, std::vector<Bucket>& buckets) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (std::isnan(q)) return std::nan("");
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  std::stable_sort(buckets.begin(), buckets.end(),
                   [](const Bucket& a, const Bucket& b) { return a.upper < b.upper; });
  if (!(std::isinf(buckets.back().upper) && buckets.back().upper > 0)) return std::nan("");
  // Coalesce buckets with the same upper bound.
  size_t n = 0;
  for (size_t i = 1; i < buckets.size(); ++i) {
    if (buckets[i].upper == buckets[n].upper) {
      buckets[n].count += buckets[i].count;
    } else {
      buckets[++n] = buckets[i];
    }
  }
  buckets.resize(n + 1);
  // Ensure monotonic counts.
  double max = -kInf;
  for (Bucket& b : buckets) {
    if (b.count > max) {
      max = b.count;
    } else if (b.count < max) {
      b.count = max;
    }
  }
  if (buckets.size() < 2) return std::nan("");
  double observations = buckets.back().count;
  if (observations == 0) return std::nan("");
  double rank = q * observations;
  size_t b = 0;
  while (b < buckets.size() - 1 && !(buckets[b].count >= rank)) ++b;
  if (b == buckets.size() - 1) return buckets[buckets.size() - 2].upper;
  if (b == 0 && buckets[0].upper <= 0) return buckets[0].upper;
  double start = 0, end = buckets[b].upper, count = buckets[b].count;
  if (b > 0) {
    start = buckets[b - 1].upper;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return start + (end - start) * (rank / count);
}

}  // namespace

Status HistogramQuantile(double q, const Vector& in, Vector* out) {
  struct Group {
    model::Labels labels;
    std::vector<Bucket> buckets;
  };
  std::unordered_map<std::string, size_t> index;
  std::vector<Group> groups;
  for (const Sample& s : in) {
    double upper;
    if (!ParseGoFloat(std::string(s.labels.Get("le")), &upper)) continue;
    model::LabelsBuilder key(s.labels);
    key.Del("le");
    model::Labels without_le = key.Build();
    auto [it, inserted] = index.try_emplace(without_le.encoded(), groups.size());
    if (inserted) groups.push_back({DropMetricName(without_le), {}});
    groups[it->second].buckets.push_back({upper, s.v});
  }
  for (Group& g : groups) {
    if (g.buckets.empty()) continue;
    out->push_back({std::move(g.labels), 0, BucketQuantile(q, g.buckets)});
  }
  return Status::Ok();
}

}  // namespace vigil::promql::internal
