// Float formatting as Prometheus writes sample values: Go's
// strconv.FormatFloat(v, 'g', -1, 64) (shortest text that reads back to the
// same double), with "+Inf", "-Inf" and "NaN". Thread-safety: pure functions.
#pragma once

#include <string>

namespace vigil {

// Appends the formatted value to *out.
void AppendFloat(double v, std::string* out);
std::string FormatFloat(double v);

}  // namespace vigil
