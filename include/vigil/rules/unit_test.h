// Rule unit tests in promtool's format (`promtool test rules`, Prometheus
// 2.42): a YAML file naming rule files (relative to the test file, globs
// allowed), an evaluation_interval (default 1m), an optional
// group_eval_order, and tests, each with input_series in the expanding
// notation ("0+10x100 _ stale"), alert_rule_test and promql_expr_test cases,
// external_labels and external_url.
//
// Each test gets an empty storage from the factory. Input samples are loaded
// as time goes by, and the rule groups are evaluated one after the other at
// 0, evaluation_interval, 2 × evaluation_interval, … up to the largest
// eval_time of the test. An alert_rule_test at eval_time t compares the
// firing alerts (labels and annotations) after the evaluation at the largest
// step ≤ t; promql_expr_test cases run as instant queries at their eval_time
// once all evaluations are done, and compare exactly (float equality, as
// promtool 2.42).
//
// Output matches promtool's: "Unit Testing:  FILE", then "  SUCCESS" on
// `out`, or "  FAILED:" and each failure on `err` (with one blank line per
// failure on `out`), then a blank line on `out`.
// Thread-safety: runs on the calling thread; independent calls may run
// concurrently on different storages.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "vigil/promql/test_runner.h"

namespace vigil::rules {

// Runs every test file; returns 0 when all pass, 1 otherwise.
int RunRuleUnitTests(const std::vector<std::string>& files,
                     const promql::StorageFactory& storage, std::ostream& out,
                     std::ostream& err);

}  // namespace vigil::rules
