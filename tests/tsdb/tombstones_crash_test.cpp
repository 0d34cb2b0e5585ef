// Kills a child that ingests, deletes series 0 and cleans tombstones
// (crash_driver.h) with SIGKILL at random moments, then reopens the DB: no
// sample a returned DeleteSeries covered comes back, and every other
// committed sample is there.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include "crash_driver.h"
#include "crash_parent.h"
#include "test_util.h"
#include "vigil/tsdb/db.h"

namespace vigil::tsdb {
namespace {

using crash::CrashOptions;
using crash::DeletionEvent;
using crash::kSeries;

TEST(TombstonesCrashTest, DeletionsSurviveSigkillDuringDeletesAndCleans) {
  testutil::TempDir dir;
  std::mt19937 rng(7);
  TimestampMs committed = 0;
  TimestampMs deleted = 0;  // series 0 has no sample up to here
  constexpr int kKills = 12;
  for (int round = 0; round < kKills; ++round) {
    crash::Child child = crash::StartChild(dir.path(), round, "delete");
    ASSERT_GE(child.pid, 0);
    auto take = [&](const DeletionEvent& e) {
      if (e.kind == DeletionEvent::kCommitted) committed = std::max(committed, e.t);
      if (e.kind == DeletionEvent::kDeleted) deleted = std::max(deleted, e.t);
    };
    int wait_events = 1 + static_cast<int>(rng() % 100);
    DeletionEvent e{};
    for (int i = 0; i < wait_events && crash::ReadReport(child, &e); ++i) take(e);
    int status = crash::KillChild<DeletionEvent>(child, take);
    ASSERT_TRUE(status != -1 && WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);

    auto db = DB::Open(dir.path(), CrashOptions());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto all = testutil::ReadAll(**db, 0, committed);
    for (int i = 0; i < kSeries; ++i) {
      const std::vector<testutil::Point>& pts = all[crash::SeriesLabels(i).ToString()];
      TimestampMs from = 1000;
      if (i == 0) {
        // A deletion the kill interrupted may have applied too: what is left
        // is a run of the newest samples, none a returned deletion covered.
        if (pts.empty()) continue;
        from = pts.front().t;
        ASSERT_GT(from, deleted) << "round " << round;
      }
      std::vector<testutil::Point> want;
      for (TimestampMs t = from; t <= committed; t += 1000) {
        want.push_back(testutil::P(t, static_cast<double>(t + i)));
      }
      ASSERT_EQ(pts, want) << "series " << i << " round " << round;
    }
  }
}

}  // namespace
}  // namespace vigil::tsdb
