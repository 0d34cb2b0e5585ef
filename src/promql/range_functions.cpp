// Range-vector functions with Prometheus 2.42's arithmetic: extrapolatedRate
// for rate/increase/delta, instantValue for irate/idelta, the linear
// regression of deriv/predict_linear, holt_winters, and *_over_time.
#include "range_functions.h"

#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "evaluator.h"
#include "math_util.h"

namespace vigil::promql::internal {
namespace {

using Out = Result<std::optional<double>>;

Out ExtrapolatedRate(const RangeArgs& a, bool is_counter, bool is_rate) {
  const auto& p = a.points;
  if (p.size() < 2) return std::optional<double>();
  double result = p.back().v - p.front().v;
  if (is_counter && !a.never_decreases) {
    double prev = p.front().v;
    for (size_t i = 1; i < p.size(); ++i) {
      if (p[i].v < prev) result += prev;
      prev = p[i].v;
    }
  }
  double to_start = static_cast<double>(p.front().t - a.range_start) / 1000;
  double to_end = static_cast<double>(a.range_end - p.back().t) / 1000;
  double sampled = static_cast<double>(p.back().t - p.front().t) / 1000;
  double avg_between = sampled / static_cast<double>(p.size() - 1);
  if (is_counter && result > 0 && p.front().v >= 0) {
    double to_zero = sampled * (p.front().v / result);
    if (to_zero < to_start) to_start = to_zero;
  }
  double threshold = avg_between * 1.1;
  double interval = sampled;
  interval += to_start < threshold ? to_start : avg_between / 2;
  interval += to_end < threshold ? to_end : avg_between / 2;
  double factor = interval / sampled;
  if (is_rate) factor /= static_cast<double>(a.range_ms) / 1000;
  return std::optional<double>(result * factor);
}

Out Rate(const RangeArgs& a) { return ExtrapolatedRate(a, true, true); }
Out Increase(const RangeArgs& a) { return ExtrapolatedRate(a, true, false); }
Out Delta(const RangeArgs& a) { return ExtrapolatedRate(a, false, false); }

Out InstantValue(const RangeArgs& a, bool is_rate) {
  const auto& p = a.points;
  if (p.size() < 2) return std::optional<double>();
  const Point& last = p[p.size() - 1];
  const Point& prev = p[p.size() - 2];
  double result = is_rate && last.v < prev.v ? last.v : last.v - prev.v;
  int64_t interval = last.t - prev.t;
  if (interval == 0) return std::optional<double>();
  if (is_rate) result /= static_cast<double>(interval) / 1000;
  return std::optional<double>(result);
}

Out Irate(const RangeArgs& a) { return InstantValue(a, true); }
Out Idelta(const RangeArgs& a) { return InstantValue(a, false); }

void LinearRegression(std::span<const Point> p, TimestampMs intercept_time, double* slope,
                      double* intercept) {
  double n = 0, sum_x = 0, sum_y = 0, sum_xy = 0, sum_x2 = 0;
  double init_y = p[0].v;
  bool const_y = true;
  for (size_t i = 0; i < p.size(); ++i) {
    if (const_y && i > 0 && p[i].v != init_y) const_y = false;
    double x = static_cast<double>(p[i].t - intercept_time) / 1e3;
    n += 1;
    sum_x += x;
    sum_y += p[i].v;
    sum_xy += x * p[i].v;
    sum_x2 += x * x;
  }
  if (const_y) {
    if (std::isinf(init_y)) {
      *slope = *intercept = std::numeric_limits<double>::quiet_NaN();
    } else {
      *slope = 0;
      *intercept = init_y;
    }
    return;
  }
  double cov_xy = sum_xy - sum_x * sum_y / n;
  double var_x = sum_x2 - sum_x * sum_x / n;
  *slope = cov_xy / var_x;
  *intercept = sum_y / n - *slope * sum_x / n;
}

Out Deriv(const RangeArgs& a) {
  if (a.points.size() < 2) return std::optional<double>();
  double slope, intercept;
  LinearRegression(a.points, a.points[0].t, &slope, &intercept);
  return std::optional<double>(slope);
}

Out PredictLinear(const RangeArgs& a) {
  if (a.points.size() < 2) return std::optional<double>();
  double slope, intercept;
  LinearRegression(a.points, a.ts, &slope, &intercept);
  return std::optional<double>(slope * a.scalars[0] + intercept);
}

Out HoltWinters(const RangeArgs& a) {
  double sf = a.scalars[0], tf = a.scalars[1];
  if (sf <= 0 || sf >= 1) {
    return ExecError("invalid smoothing factor. Expected: 0 < sf < 1, got: " +
                     FormatGoFloatF6(sf));
  }
  if (tf <= 0 || tf >= 1) {
    return ExecError("invalid trend factor. Expected: 0 < tf < 1, got: " + FormatGoFloatF6(tf));
  }
  const auto& p = a.points;
  if (p.size() < 2) return std::optional<double>();
  double s0 = 0, s1 = p[0].v, b = p[1].v - p[0].v;
  for (size_t i = 1; i < p.size(); ++i) {
    double x = sf * p[i].v;
    if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;
    double y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return std::optional<double>(s1);
}

Out Changes(const RangeArgs& a) {
  double changes = 0;
  double prev = a.points[0].v;
  for (size_t i = 1; i < a.points.size(); ++i) {
    double cur = a.points[i].v;
    if (cur != prev && !(std::isnan(cur) && std::isnan(prev))) changes++;
    prev = cur;
  }
  return std::optional<double>(changes);
}

Out Resets(const RangeArgs& a) {
  double resets = 0;
  double prev = a.points[0].v;
  for (size_t i = 1; i < a.points.size(); ++i) {
    double cur = a.points[i].v;
    if (cur < prev) resets++;
    prev = cur;
  }
  return std::optional<double>(resets);
}

Out AvgOverTime(const RangeArgs& a) {
  double mean = 0, count = 0;
  for (const Point& p : a.points) {
    count++;
    if (std::isinf(mean)) {
      if (std::isinf(p.v) && (mean > 0) == (p.v > 0)) continue;
      if (!std::isinf(p.v) && !std::isnan(p.v)) continue;
    }
    mean += p.v / count - mean / count;
  }
  return std::optional<double>(mean);
}

Out CountOverTime(const RangeArgs& a) {
  return std::optional<double>(static_cast<double>(a.points.size()));
}

Out LastOverTime(const RangeArgs& a) { return std::optional<double>(a.points.back().v); }

Out PresentOverTime(const RangeArgs&) { return std::optional<double>(1); }

Out MaxOverTime(const RangeArgs& a) {
  double m = a.points[0].v;
  for (const Point& p : a.points) {
    if (p.v > m || std::isnan(m)) m = p.v;
  }
  return std::optional<double>(m);
}

Out MinOverTime(const RangeArgs& a) {
  double m = a.points[0].v;
  for (const Point& p : a.points) {
    if (p.v < m || std::isnan(m)) m = p.v;
  }
  return std::optional<double>(m);
}

Out SumOverTime(const RangeArgs& a) {
  double sum = 0;
  for (const Point& p : a.points) sum += p.v;
  return std::optional<double>(sum);
}

Out QuantileOverTime(const RangeArgs& a) {
  std::vector<double> values;
  values.reserve(a.points.size());
  for (const Point& p : a.points) values.push_back(p.v);
  return std::optional<double>(Quantile(a.scalars[0], values));
}

double Variance(std::span<const Point> points) {
  double count = 0, mean = 0, aux = 0;
  for (const Point& p : points) {
    count++;
    double delta = p.v - mean;
    mean += delta / count;
    aux += delta * (p.v - mean);
  }
  return aux / count;
}

Out StddevOverTime(const RangeArgs& a) { return std::optional<double>(std::sqrt(Variance(a.points))); }
Out StdvarOverTime(const RangeArgs& a) { return std::optional<double>(Variance(a.points)); }

}  // namespace

RangeFunction LookupRangeFunction(std::string_view name) {
  static const std::map<std::string_view, RangeFunction> kFunctions = {
      {"avg_over_time", AvgOverTime},     {"changes", Changes},
      {"count_over_time", CountOverTime}, {"delta", Delta},
      {"deriv", Deriv},                   {"holt_winters", HoltWinters},
      {"idelta", Idelta},                 {"increase", Increase},
      {"irate", Irate},                   {"last_over_time", LastOverTime},
      {"max_over_time", MaxOverTime},     {"min_over_time", MinOverTime},
      {"predict_linear", PredictLinear},  {"present_over_time", PresentOverTime},
      {"quantile_over_time", QuantileOverTime},
      {"rate", Rate},                     {"resets", Resets},
      {"stddev_over_time", StddevOverTime},
      {"stdvar_over_time", StdvarOverTime},
      {"sum_over_time", SumOverTime},
  };
  auto it = kFunctions.find(name);
  return it == kFunctions.end() ? nullptr : it->second;
}

}  // namespace vigil::promql::internal
