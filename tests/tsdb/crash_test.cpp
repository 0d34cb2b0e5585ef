// Kills a child process that ingests into a DB (crash_driver.h) with SIGKILL
// at random moments, then reopens the DB and checks that every batch whose
// Commit returned (as reported through a pipe) is there.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <limits>
#include <random>

#include "crash_driver.h"
#include "crash_parent.h"
#include "test_util.h"
#include "vigil/tsdb/db.h"

namespace vigil::tsdb {
namespace {

using crash::CrashOptions;
using crash::kSeries;

TEST(CrashTest, CommittedSamplesSurviveSigkill) {
  testutil::TempDir dir;
  std::mt19937 rng(2024);
  TimestampMs committed = 0;
  constexpr int kKills = 24;
  for (int round = 0; round < kKills; ++round) {
    crash::Child child = crash::StartChild(dir.path(), round);
    ASSERT_GE(child.pid, 0);
    // Let the child commit a random number of batches, then kill it at once.
    int wait_batches = 1 + static_cast<int>(rng() % 120);
    TimestampMs t = 0;
    for (int i = 0; i < wait_batches && crash::ReadReport(child, &t); ++i) {
      committed = std::max(committed, t);
    }
    // Batches committed between our last read and the kill count too.
    int status = crash::KillChild<TimestampMs>(
        child, [&](TimestampMs reported) { committed = std::max(committed, reported); });
    ASSERT_TRUE(status != -1 && WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);

    auto db = DB::Open(dir.path(), CrashOptions());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto all = testutil::ReadAll(**db, 0, committed);
    ASSERT_EQ(all.size(), static_cast<size_t>(kSeries)) << "round " << round;
    for (const auto& [labels, pts] : all) {
      ASSERT_EQ(pts.size(), static_cast<size_t>(committed / 1000)) << labels << " round " << round;
      for (size_t k = 0; k < pts.size(); ++k) {
        ASSERT_EQ(pts[k].t, static_cast<TimestampMs>((k + 1) * 1000));
      }
    }
  }
}

}  // namespace
}  // namespace vigil::tsdb
