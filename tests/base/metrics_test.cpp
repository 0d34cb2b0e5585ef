#include "vigil/base/metrics.h"

#include <gtest/gtest.h>

#include <thread>

namespace vigil::metrics {
namespace {

TEST(Registry, RendersTextExposition) {
  Registry r;
  r.AddCounter("b_total", "A counter.").Inc(2);
  auto& g = r.AddGaugeFamily("a_gauge", "A gauge with \\ and\nnewline.", {"name"});
  g.With({"x\"y"}).Set(1.5);
  g.With({"a"}).Set(-1);
  auto& h = r.AddHistogram("c_seconds", "A histogram.", {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(5);
  EXPECT_EQ(r.Render(),
            "# HELP a_gauge A gauge with \\\\ and\\nnewline.\n"
            "# TYPE a_gauge gauge\n"
            "a_gauge{name=\"a\"} -1\n"
            "a_gauge{name=\"x\\\"y\"} 1.5\n"
            "# HELP b_total A counter.\n"
            "# TYPE b_total counter\n"
            "b_total 2\n"
            "# HELP c_seconds A histogram.\n"
            "# TYPE c_seconds histogram\n"
            "c_seconds_bucket{le=\"0.1\"} 1\n"
            "c_seconds_bucket{le=\"1\"} 2\n"
            "c_seconds_bucket{le=\"+Inf\"} 3\n"
            "c_seconds_sum 5.55\n"
            "c_seconds_count 3\n");
}

TEST(Registry, FuncMetricsAreReadAtRender) {
  Registry r;
  double v = 1;
  r.AddGaugeFunc("g", "G.", [&v] { return v; });
  v = 42;
  EXPECT_NE(r.Render().find("\ng 42\n"), std::string::npos);
}

TEST(Registry, ValueOfCountersAndGaugesByName) {
  Registry r;
  r.AddCounter("c_total", "c").Inc(3);
  auto& family = r.AddGaugeFamily("g", "g", {"l"});
  family.With({"a"}).Set(1.5);
  family.With({"b"}).Set(2);
  r.AddGaugeFunc("f", "f", [] { return 7.0; });
  r.AddHistogram("h", "h", {1});
  EXPECT_EQ(r.Value("c_total"), 3.0);
  EXPECT_EQ(r.Value("g"), 3.5);
  EXPECT_EQ(r.Value("f"), 7.0);
  EXPECT_EQ(r.Value("h"), std::nullopt);
  EXPECT_EQ(r.Value("absent"), std::nullopt);
}

TEST(Registry, HistogramBoundaryGoesToLowerBucket) {
  Histogram h({1, 2});
  h.Observe(1);  // le="1" is inclusive
  EXPECT_EQ(h.CumulativeCounts(), (std::vector<uint64_t>{1, 1, 1}));
}

TEST(Registry, ConcurrentIncrementsAreNotLost) {
  Registry r;
  auto& f = r.AddCounterFamily("c_total", "C.", {"k"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&f] {
      for (int i = 0; i < 10000; ++i) f.With({"v"}).Inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(f.With({"v"}).Value(), 40000);
}

TEST(Registry, ProcessMetricsArePlausible) {
  Registry r;
  RegisterProcessMetrics(r);
  std::string out = r.Render();
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                           "process_open_fds", "process_max_fds", "process_start_time_seconds",
                           "process_virtual_memory_bytes"}) {
    EXPECT_NE(out.find(std::string("\n") + name + " "), std::string::npos) << name;
  }
  EXPECT_EQ(out.find("\nprocess_resident_memory_bytes 0\n"), std::string::npos);
}

}  // namespace
}  // namespace vigil::metrics
