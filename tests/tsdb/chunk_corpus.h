// A fixed corpus of chunk samples for the stored-chunk tests: scrape-like
// counters and decimal gauges, values with mixed decimal counts, adversarial
// bit patterns (NaNs, the staleness marker, ±Inf, -0, huge and tiny values)
// and timestamps from regular scrapes to int64 edges, in lengths around the
// 32-value block size. Built from raw std::mt19937_64 output and exact
// arithmetic only, so it is the same on every platform.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "vigil/base/clock.h"
#include "vigil/model/value.h"

namespace vigil::tsdb {

struct CorpusChunk {
  std::vector<TimestampMs> t;
  std::vector<uint64_t> bits;
};

inline std::vector<CorpusChunk> ChunkCorpus() {
  constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const uint64_t kOdd[] = {
      std::bit_cast<uint64_t>(0.0),
      std::bit_cast<uint64_t>(-0.0),
      std::bit_cast<uint64_t>(std::numeric_limits<double>::infinity()),
      std::bit_cast<uint64_t>(-std::numeric_limits<double>::infinity()),
      std::bit_cast<uint64_t>(std::numeric_limits<double>::quiet_NaN()),
      model::kStaleNaNBits,
      uint64_t{0x7ff0000000000001},  // signalling NaN payload
      std::bit_cast<uint64_t>(std::numeric_limits<double>::max()),
      std::bit_cast<uint64_t>(std::numeric_limits<double>::denorm_min()),
      std::bit_cast<uint64_t>(0.1 + 0.2),
      std::bit_cast<uint64_t>(9007199254740991.0),  // 2^53 - 1
      std::bit_cast<uint64_t>(9007199254740992.0),  // 2^53
      std::bit_cast<uint64_t>(-4503599627370497.5),
      std::bit_cast<uint64_t>(1e-15),
      std::bit_cast<uint64_t>(123456.789012),
  };
  const int kLengths[] = {1, 2, 3, 4, 31, 32, 33, 34, 63, 64, 65, 119, 120, 121, 240, 1000};
  std::mt19937_64 rng(20261129);
  std::vector<CorpusChunk> corpus;
  for (int round = 0; round < 1200; ++round) {
    CorpusChunk c;
    const int n = round % 3 == 0 ? 1 + static_cast<int>(rng() % 300)
                                 : kLengths[rng() % std::size(kLengths)];
    const int time_kind = static_cast<int>(rng() % 5);
    const int value_kind = round % 8;
    const int decimals = static_cast<int>(rng() % 16);
    auto t = static_cast<TimestampMs>(1'700'000'000'000 + static_cast<int64_t>(rng() % 100'000));
    if (time_kind == 3) t = std::numeric_limits<int64_t>::min() + static_cast<int64_t>(rng() % 5);
    if (time_kind == 4) t = -static_cast<int64_t>(rng() >> (rng() % 64));
    int64_t m = static_cast<int64_t>(rng() % 2'000'000) - 1'000'000;
    for (int i = 0; i < n; ++i) {
      int64_t step = 1000;
      switch (time_kind) {
        case 0: step = 1000 + static_cast<int64_t>(rng() % 9) - 4; break;  // scrape jitter
        case 1: step = 1 + static_cast<int64_t>(rng() % 3); break;
        case 2: step = 1 + static_cast<int64_t>((rng() >> 1) >> (rng() % 63)); break;
        default: step = 1 + static_cast<int64_t>(rng() % 100'000'000'000'000); break;
      }
      if (i > 0) {
        if (t > std::numeric_limits<int64_t>::max() - step) break;
        t += step;
      }
      uint64_t bits = 0;
      switch (value_kind) {
        case 0:  // a counter
          m += static_cast<int64_t>(rng() % 50);
          bits = std::bit_cast<uint64_t>(static_cast<double>(m));
          break;
        case 1:  // a gauge with a fixed number of decimals
          m += static_cast<int64_t>(rng() % 2001) - 1000;
          bits = std::bit_cast<uint64_t>(static_cast<double>(m) / kPow10[decimals]);
          break;
        case 2:  // each value with its own number of decimals
          m += static_cast<int64_t>(rng() % 2001) - 1000;
          bits = std::bit_cast<uint64_t>(static_cast<double>(m) / kPow10[rng() % 16]);
          break;
        case 3:  // decimals with odd values sprinkled in
          m += static_cast<int64_t>(rng() % 21) - 10;
          bits = rng() % 6 == 0 ? kOdd[rng() % std::size(kOdd)]
                                : std::bit_cast<uint64_t>(static_cast<double>(m) / 1000.0);
          break;
        case 4:  // any bit pattern
          bits = rng();
          break;
        case 5:  // integers of any size, up to beyond 2^53
          bits = std::bit_cast<uint64_t>(static_cast<double>(static_cast<int64_t>(rng()) >>
                                                             (rng() % 64)));
          break;
        case 6:  // mantissas near 2^53 at a random exponent
          bits = std::bit_cast<uint64_t>(
              static_cast<double>(9007199254740991 - static_cast<int64_t>(rng() % 4096)) /
              kPow10[decimals]);
          break;
        default:  // a constant, now and then a step
          if (rng() % 20 == 0) m = static_cast<int64_t>(rng() % 1000);
          bits = std::bit_cast<uint64_t>(static_cast<double>(m) / kPow10[decimals % 4]);
          break;
      }
      c.t.push_back(t);
      c.bits.push_back(bits);
    }
    corpus.push_back(std::move(c));
  }
  return corpus;
}

}  // namespace vigil::tsdb
