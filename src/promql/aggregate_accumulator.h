// The running value of one aggregation group at one step for the
// aggregations that fold values one at a time (sum, avg, count, group, min,
// max, stddev, stdvar, and count_values' count), with Prometheus 2.42's
// arithmetic: the first value starts the group, later ones are added in the
// order the vector holds them, so results match bit for bit (internal).
// Thread-safety: a plain value.
#pragma once

#include <cmath>

#include "vigil/promql/ast.h"

namespace vigil::promql::internal {

// True for the operators an Accumulator computes.
inline bool IsFoldingAggregation(AggregateOp op) {
  switch (op) {
    case AggregateOp::kSum:
    case AggregateOp::kAvg:
    case AggregateOp::kCount:
    case AggregateOp::kGroup:
    case AggregateOp::kMin:
    case AggregateOp::kMax:
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar:
      return true;
    default:
      return false;
  }
}

struct Accumulator {
  double value = 0;
  double mean = 0;
  double count = 0;  // 0: the group has no value yet

  void Add(AggregateOp op, double v) {
    if (count == 0) {
      value = mean = v;
      count = 1;
      if (op == AggregateOp::kStddev || op == AggregateOp::kStdvar) value = 0;
      if (op == AggregateOp::kGroup) value = 1;
      return;
    }
    switch (op) {
      case AggregateOp::kSum:
        value += v;
        break;
      case AggregateOp::kAvg:
        count++;
        if (std::isinf(mean)) {
          if (std::isinf(v) && (mean > 0) == (v > 0)) break;
          if (!std::isinf(v) && !std::isnan(v)) break;
        }
        mean += v / count - mean / count;
        break;
      case AggregateOp::kMax:
        if (value < v || std::isnan(value)) value = v;
        break;
      case AggregateOp::kMin:
        if (value > v || std::isnan(value)) value = v;
        break;
      case AggregateOp::kStddev:
      case AggregateOp::kStdvar: {
        count++;
        double delta = v - mean;
        mean += delta / count;
        value += delta * (v - mean);
        break;
      }
      default:  // count, count_values, group
        count++;
        break;
    }
  }

  double Result(AggregateOp op) const {
    switch (op) {
      case AggregateOp::kAvg: return mean;
      case AggregateOp::kCount:
      case AggregateOp::kCountValues: return count;
      case AggregateOp::kStdvar: return value / count;
      case AggregateOp::kStddev: return std::sqrt(value / count);
      default: return value;
    }
  }
};

}  // namespace vigil::promql::internal
