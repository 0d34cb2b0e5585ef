// CheckExposition: problems with positions, and promlint's warnings.
#include "vigil/expfmt/check.h"

#include <gtest/gtest.h>

namespace vigil::expfmt {
namespace {

using Lines = std::vector<std::string>;

TEST(CheckExposition, CleanBody) {
  CheckResult r = CheckExposition(
      "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n"
      "http_requests_total{code=\"200\"} 3\n",
      Format::kText);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.problems.empty());
  EXPECT_TRUE(r.warnings.empty());
}

TEST(CheckExposition, SemanticThenFatal) {
  CheckResult r = CheckExposition("# HELP a x\n# HELP a y\na 1\nb{", Format::kText);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.problems, (Lines{"2:1: second HELP line for metric name \"a\"",
                               "4:3: expected label name or '}'"}));
  EXPECT_TRUE(r.violations.back().fatal);
  EXPECT_TRUE(r.warnings.empty());  // no lint after a fatal error
}

TEST(CheckExposition, PromlintWarnings) {
  CheckResult r = CheckExposition(
      "# TYPE requests counter\n"
      "requests 1\n"
      "# HELP latency_milliseconds L.\n"
      "# TYPE latency_milliseconds gauge\n"
      "latency_milliseconds{le=\"1\",quantile=\"2\"} 1\n"
      "# HELP jobs:rate5m R.\n"
      "jobs:rate5m{fooBar=\"x\"} 1\n"
      "# HELP cpuTime_ms T.\n"
      "cpuTime_ms 1\n"
      "# HELP queue_gauge_total Q.\n"
      "# TYPE queue_gauge_total gauge\n"
      "queue_gauge_total 1\n"
      "# HELP never_sampled N.\n",
      Format::kText);
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(r.problems);
  EXPECT_EQ(r.warnings,
            (Lines{
                "cpuTime_ms metric names should be written in 'snake_case' not 'camelCase'",
                "cpuTime_ms metric names should not contain abbreviated units",
                "jobs:rate5m label names should be written in 'snake_case' not 'camelCase'",
                "jobs:rate5m metric names should not contain ':'",
                "latency_milliseconds non-histogram metrics should not have \"le\" label",
                "latency_milliseconds non-summary metrics should not have \"quantile\" label",
                "latency_milliseconds use base unit \"seconds\" instead of \"milliseconds\"",
                "queue_gauge_total metric name should not include type 'gauge'",
                "queue_gauge_total non-counter metrics should not have \"_total\" suffix",
                "requests counter metrics should have \"_total\" suffix",
                "requests no help text",
            }));
}

TEST(CheckExposition, OpenMetricsFamiliesLintByFamilyName) {
  CheckResult r = CheckExposition(
      "# TYPE a counter\n# HELP a help\na_total 1\na_created 2\n"
      "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\n# EOF\n",
      Format::kOpenMetrics);
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(r.problems);
  EXPECT_EQ(r.warnings, (Lines{"h no help text"}));
}

}  // namespace
}  // namespace vigil::expfmt
