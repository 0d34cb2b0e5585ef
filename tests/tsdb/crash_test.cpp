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
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      std::string fd = std::to_string(fds[1]);
      std::string seed = std::to_string(round);
      ::execl(VIGIL_TSDB_CRASH_CHILD, VIGIL_TSDB_CRASH_CHILD, dir.path().c_str(), fd.c_str(),
              seed.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    ::close(fds[1]);
    // Let the child commit a random number of batches, then kill it at once.
    int wait_batches = 1 + static_cast<int>(rng() % 120);
    for (int i = 0; i < wait_batches; ++i) {
      TimestampMs t = 0;
      ssize_t n = ::read(fds[0], &t, sizeof t);
      if (n != sizeof t) break;
      committed = std::max(committed, t);
    }
    ::kill(pid, SIGKILL);
    // Batches committed between our last read and the kill count too.
    TimestampMs t = 0;
    while (::read(fds[0], &t, sizeof t) == sizeof t) committed = std::max(committed, t);
    ::close(fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);

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
