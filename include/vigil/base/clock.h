// The wall clock, injected so tests can run with simulated time.
// Timestamps are milliseconds since the Unix epoch, as Prometheus stores them.
// Thread-safety: Now() may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace vigil {

using TimestampMs = int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimestampMs Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimestampMs Now() const override;
};

// A clock that only moves when told to; for tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimestampMs start = 0) : now_(start) {}
  TimestampMs Now() const override { return now_.load(); }
  void Set(TimestampMs t) { now_.store(t); }
  void Advance(int64_t ms) { now_.fetch_add(ms); }

 private:
  std::atomic<TimestampMs> now_;
};

}  // namespace vigil
