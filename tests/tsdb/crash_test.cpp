// Kills a child process that ingests into a DB with SIGKILL at random
// moments, then reopens the DB and checks that every batch whose Commit
// returned (as reported through a pipe) is there.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <limits>
#include <random>

#include "test_util.h"
#include "vigil/tsdb/db.h"

namespace vigil::tsdb {
namespace {

using model::Labels;

constexpr int kSeries = 20;

Labels SeriesLabels(int i) {
  return Labels::FromStrings({"__name__", "crash", "i", std::to_string(i)});
}

Options CrashOptions() {
  Options o;
  o.background = false;
  o.max_samples_per_chunk = 16;
  o.wal_segment_bytes = 16 * 1024;  // rotate segments often
  return o;
}

// The child: ingests until killed, writing each committed batch's time.
[[noreturn]] void Child(const std::string& path, int fd, uint32_t seed) {
  auto db = DB::Open(path, CrashOptions());
  if (!db.ok()) _exit(2);
  // Continue after what an earlier child committed.
  TimestampMs t = 0;
  {
    auto q = (*db)->NewQuerier(0, std::numeric_limits<int64_t>::max());
    if (!q.ok()) _exit(2);
    auto set = (*q)->Select(false, nullptr, {});
    while (set->Next()) {
      auto it = set->At().Iterator();
      while (it->Next()) t = std::max(t, it->AtT());
    }
  }
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
    if (batch % 50 == 49 && rng() % 2 == 0 && !(*db)->Checkpoint().ok()) _exit(6);
  }
}

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
      Child(dir.path(), fds[1], static_cast<uint32_t>(round));
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
