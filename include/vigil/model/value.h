// Sample values: the staleness marker, as Prometheus writes it.
#pragma once

#include <bit>
#include <cstdint>

namespace vigil::model {

// Prometheus's staleness marker: a NaN with this exact bit pattern
// (value.StaleNaN). Any other NaN is an ordinary sample value.
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;

inline double StaleNaN() { return std::bit_cast<double>(kStaleNaNBits); }
inline bool IsStaleNaN(double v) { return std::bit_cast<uint64_t>(v) == kStaleNaNBits; }

}  // namespace vigil::model
