// The crash test's driver: ingests into a DB until killed, reporting each
// committed batch's time through a pipe. It runs as its own process
// (tsdb_crash_child), started with fork+exec: a forked copy of the test
// process would inherit RocksDB's global thread pool without its threads, so
// its memtable flushes would never run.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "vigil/tsdb/db.h"

namespace vigil::tsdb::crash {

inline constexpr int kSeries = 20;

inline model::Labels SeriesLabels(int i) {
  return model::Labels::FromStrings({"__name__", "crash", "i", std::to_string(i)});
}

inline Options CrashOptions() {
  Options o;
  o.background = false;
  o.max_samples_per_chunk = 16;
  o.wal_segment_bytes = 16 * 1024;  // rotate segments often
  return o;
}

// The newest sample time in `db` (0 when empty); exits the child on error.
inline TimestampMs NewestSample(DB& db) {
  TimestampMs t = 0;
  auto q = db.NewQuerier(0, std::numeric_limits<int64_t>::max());
  if (!q.ok()) _exit(2);
  auto set = (*q)->Select(false, nullptr, {});
  while (set->Next()) {
    auto it = set->At().Iterator();
    while (it->Next()) t = std::max(t, it->AtT());
  }
  return t;
}

// Ingests until killed, writing each committed batch's time to `fd`.
[[noreturn]] inline void RunChild(const std::string& path, int fd, uint32_t seed) {
  auto db = DB::Open(path, CrashOptions());
  if (!db.ok()) _exit(2);
  // Continue after what an earlier child committed.
  TimestampMs t = NewestSample(**db);
  std::mt19937 rng(seed);
  auto app = (*db)->NewAppender();
  std::vector<SeriesRef> refs(kSeries, 0);
  for (int batch = 0;; ++batch) {
    t += 1000;
    for (int i = 0; i < kSeries; ++i) {
      Result<SeriesRef> r = app->Append(refs[i], SeriesLabels(i), t, static_cast<double>(t + i));
      if (!r.ok()) _exit(3);
      refs[i] = *r;
    }
    if (!app->Commit().ok()) _exit(4);
    if (::write(fd, &t, sizeof t) != sizeof t) _exit(5);
    // Full chunks move to RocksDB (unlogged there: only vigil's WAL covers
    // them until a checkpoint persists them), and checkpoints drop them from the WAL.
    if (batch % 10 == 9 && rng() % 2 == 0 && !(*db)->Flush().ok()) _exit(7);
    if (batch % 50 == 49 && rng() % 2 == 0 && !(*db)->Checkpoint().ok()) _exit(6);
  }
}

// What RunDeletingChild reports through its pipe.
struct DeletionEvent {
  enum Kind : int64_t { kCommitted = 0, kDeleted = 1 } kind;
  TimestampMs t;  // the batch committed, or the time series 0 is deleted up to
};

// As RunChild, and every few batches deletes series 0 up to its newest sample
// (reported once DeleteSeries returned), and now and then cleans tombstones.
[[noreturn]] inline void RunDeletingChild(const std::string& path, int fd, uint32_t seed) {
  auto db = DB::Open(path, CrashOptions());
  if (!db.ok()) _exit(2);
  TimestampMs t = NewestSample(**db);
  auto report = [fd](DeletionEvent e) {
    if (::write(fd, &e, sizeof e) != sizeof e) _exit(5);
  };
  Result<model::Matcher> victim = model::Matcher::Make(model::MatchType::kEqual, "i", "0");
  if (!victim.ok()) _exit(2);
  std::mt19937 rng(seed);
  auto app = (*db)->NewAppender();
  for (int batch = 0;; ++batch) {
    t += 1000;
    for (int i = 0; i < kSeries; ++i) {
      if (!app->Append(0, SeriesLabels(i), t, static_cast<double>(t + i)).ok()) _exit(3);
    }
    if (!app->Commit().ok()) _exit(4);
    report({DeletionEvent::kCommitted, t});
    if (rng() % 5 == 0) {
      if (!(*db)->DeleteSeries({*victim}, 0, t).ok()) _exit(8);
      report({DeletionEvent::kDeleted, t});
    }
    if (rng() % 7 == 0 && !(*db)->Flush().ok()) _exit(7);
    if (rng() % 11 == 0 && !(*db)->CleanTombstones().ok()) _exit(9);
  }
}

}  // namespace vigil::tsdb::crash
