// The unit-test file of `promtool test rules` (Prometheus 2.42), decoded as
// promtool decodes it: go-yaml's strict mode, so an unknown key or a value of
// the wrong type is an error ("yaml: unmarshal errors:\n  line N: field x not
// found in type main.testGroup"), while a bad duration stops decoding at once
// with its own message. Internal to the rules module.
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/duration.h"
#include "vigil/base/result.h"

namespace vigil::rules::internal {

struct InputSeries {
  std::string series;  // a series description: name{label="value"}
  std::string values;  // expanding notation: "1+1x10 _ stale"
};

struct ExpectedAlert {
  std::map<std::string, std::string> labels;       // exp_labels, without alertname
  std::map<std::string, std::string> annotations;  // exp_annotations
};

struct AlertTestCase {
  Duration eval_time{};
  std::string alertname;
  std::vector<ExpectedAlert> exp_alerts;
};

struct ExpectedSample {
  std::string labels;  // a series description; empty: no labels
  double value = 0;
};

struct PromqlTestCase {
  std::string expr;
  Duration eval_time{};
  std::vector<ExpectedSample> exp_samples;
};

struct TestGroup {
  Duration interval{};  // between input samples; 0 puts them all at time 0 (as promtool)
  std::vector<InputSeries> input_series;
  std::vector<AlertTestCase> alert_rule_test;
  std::vector<PromqlTestCase> promql_expr_test;
  std::map<std::string, std::string> external_labels;
  std::string external_url;
  std::string name;
};

struct UnitTestFile {
  std::vector<std::string> rule_files;  // globs, relative to the test file
  Duration evaluation_interval{};       // 0: not given (promtool uses 1m)
  std::vector<std::string> group_eval_order;
  std::vector<TestGroup> tests;
};

// Decodes a test file's text. Errors carry promtool's wording (without a file
// name, as promtool prints them).
Result<UnitTestFile> ParseUnitTestFile(std::string_view yaml_text);

}  // namespace vigil::rules::internal
