// Float helpers with Go's semantics, for the functions and aggregations
// (internal): math.Max/Min, strconv.FormatFloat 'f' and 'g'.
// Thread-safety: pure functions.
#pragma once

#include <cmath>
#include <string>
#include <vector>

namespace vigil::promql::internal {

// Go's math.Max / math.Min: an infinity wins over NaN, NaN over numbers.
double GoMax(double x, double y);
double GoMin(double x, double y);

// strconv.FormatFloat(v, 'g', -1, 64) ("+Inf", "NaN").
std::string FormatGoFloat(double v);
// strconv.FormatFloat(v, 'f', -1, 64).
std::string FormatGoFloatF(double v);

// fmt's %f (six decimals).
std::string FormatGoFloatF6(double v);

// Go's strconv.ParseFloat for a label value such as le="0.5": the whole
// string must be a number ("+Inf", "NaN", hex floats allowed).
bool ParseGoFloat(const std::string& s, double* out);

// Prometheus's quantile over values (sorts them, NaN first).
double Quantile(double q, std::vector<double>& values);

}  // namespace vigil::promql::internal
