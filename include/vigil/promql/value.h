// The values a PromQL query produces, as Prometheus 2.42's promql package
// has them: a scalar, a string, an instant vector (one sample per series) or a
// range vector (a matrix: points per series).
// Thread-safety: plain values; copies are independent.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "vigil/base/clock.h"
#include "vigil/model/labels.h"

namespace vigil::promql {

struct Point {
  TimestampMs t = 0;
  double v = 0;
};

// One element of an instant vector.
struct Sample {
  model::Labels labels;
  TimestampMs t = 0;
  double v = 0;
};
using Vector = std::vector<Sample>;

// One element of a range vector: points in time order.
struct Series {
  model::Labels labels;
  std::vector<Point> points;
};
using Matrix = std::vector<Series>;

struct Scalar {
  TimestampMs t = 0;
  double v = 0;
};

struct String {
  TimestampMs t = 0;
  std::string v;
};

// What a query returns. Instant queries give any of the four; range queries
// always give a Matrix (sorted by labels).
using QueryValue = std::variant<Scalar, String, Vector, Matrix>;

}  // namespace vigil::promql
