// The lock of one head series: a 4-byte futex mutex (Drepper's "Futexes Are
// Tricky", mutex 2) in place of std::mutex's 40 bytes. A scrape locks each of
// its series twice (append, then apply), so the uncontended path is inline:
// one compare-exchange to lock, one exchange to unlock. Contention is rare
// (two writers of one series, or the flusher), and then waiters sleep.
#pragma once

#include <atomic>
#include <cstdint>

namespace vigil::tsdb {

class SeriesLock {
 public:
  void lock() {
    uint32_t c = kFree;
    if (state_.compare_exchange_strong(c, kLocked, std::memory_order_acquire)) return;
    LockContended(c);
  }
  bool try_lock() {
    uint32_t c = kFree;
    return state_.compare_exchange_strong(c, kLocked, std::memory_order_acquire);
  }
  void unlock() {
    if (state_.exchange(kFree, std::memory_order_release) == kContended) state_.notify_one();
  }

 private:
  static constexpr uint32_t kFree = 0;
  static constexpr uint32_t kLocked = 1;
  static constexpr uint32_t kContended = 2;  // locked, and someone may wait

  static void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }

  void LockContended(uint32_t c) {
    // A holder keeps it for a few hundred nanoseconds: spin briefly first.
    for (int i = 0; i < 64 && c != kFree; ++i) {
      CpuRelax();
      c = state_.load(std::memory_order_relaxed);
      if (c == kFree && state_.compare_exchange_strong(c, kLocked, std::memory_order_acquire)) {
        return;
      }
    }
    // From here the lock is taken as contended, so unlock always wakes one.
    while (state_.exchange(kContended, std::memory_order_acquire) != kFree) {
      state_.wait(kContended, std::memory_order_relaxed);
    }
  }

  std::atomic<uint32_t> state_{kFree};
};

}  // namespace vigil::tsdb
