#include "unit_test_group.h"

#include <algorithm>
#include <memory>
#include <sstream>

#include "unit_test_format.h"
#include "unit_test_series.h"
#include "vigil/promql/engine.h"
#include "vigil/rules/group.h"
#include "vigil/rules/rule_file.h"

namespace vigil::rules::internal {
namespace {

// The input samples in time order, appended as evaluation time reaches them
// (promtool's lazy loader), so rules never see samples from their future.
class InputLoader {
 public:
  Status Parse(const TestGroup& test) {
    for (const InputSeries& s : test.input_series) {
      VIGIL_ASSIGN_OR_RETURN(InputSeriesValues parsed, ParseInputSeries(s.series, s.values));
      const size_t index = labels_.size();
      labels_.push_back(std::move(parsed.labels));
      for (size_t i = 0; i < parsed.values.size(); ++i) {
        if (!parsed.values[i]) continue;
        samples_.push_back({index, static_cast<TimestampMs>(i) * test.interval.count(),
                            *parsed.values[i]});
      }
    }
    std::stable_sort(samples_.begin(), samples_.end(),
                     [](const Sample& a, const Sample& b) { return a.t < b.t; });
    return Status::Ok();
  }

  // Appends the samples at or before `ts` not appended yet. A sample the
  // storage refuses as out of order or duplicate (two at one timestamp when
  // the interval is 0) is dropped, as Prometheus's head drops it on commit.
  Status AppendTill(tsdb::Appendable& storage, TimestampMs ts) {
    if (next_ == samples_.size() || samples_[next_].t > ts) return Status::Ok();
    std::unique_ptr<tsdb::Appender> app = storage.NewAppender();
    for (; next_ < samples_.size() && samples_[next_].t <= ts; ++next_) {
      const Sample& s = samples_[next_];
      Result<tsdb::SeriesRef> ref = app->Append(0, labels_[s.series], s.t, s.v);
      if (!ref.ok() && !tsdb::IsOutOfOrder(ref.status()) && !tsdb::IsDuplicate(ref.status())) {
        app->Rollback();
        return ref.status();
      }
    }
    return app->Commit();
  }

 private:
  struct Sample {
    size_t series;
    TimestampMs t;
    double v;
  };
  std::vector<model::Labels> labels_;
  std::vector<Sample> samples_;  // by time
  size_t next_ = 0;
};

// A rule-file error message holds one error per line, each starting with the
// file name; lines that do not (a YAML error's details) continue the one before.
void AppendFileErrors(const std::string& path, const std::string& message,
                      std::vector<std::string>* errors) {
  std::istringstream lines(message);
  std::string line;
  bool first = true;
  while (std::getline(lines, line)) {
    if (first || line.starts_with(path + ": ")) {
      errors->push_back(line);
    } else {
      errors->back() += "\n" + line;
    }
    first = false;
  }
}

// Prometheus's rules.Manager.LoadGroups followed by promtool's ordering: the
// first file that does not load stops loading with its errors.
std::vector<std::unique_ptr<Group>> LoadGroups(const TestGroupEnv& env, Duration default_interval,
                                               std::vector<std::string>* errors) {
  std::vector<std::unique_ptr<Group>> groups;
  for (const std::string& path : env.rule_files) {
    Result<RuleFile> file = ParseRuleFile(path);
    if (!file.ok()) {
      AppendFileErrors(path, file.status().message(), errors);
      return {};
    }
    for (const GroupSpec& spec : file->groups) {
      Result<std::unique_ptr<Group>> group =
          Group::Build(spec, path, default_interval, /*restore=*/false);
      if (!group.ok()) {
        AppendFileErrors(path, group.status().message(), errors);
        return {};
      }
      groups.push_back(std::move(*group));
    }
  }
  auto order = [&env](const std::unique_ptr<Group>& g) {
    auto it = env.group_order.find(g->name());
    return it == env.group_order.end() ? 0 : it->second;
  };
  std::stable_sort(groups.begin(), groups.end(),
                   [&](const auto& a, const auto& b) { return order(a) < order(b); });
  return groups;
}

model::Labels LabelsFromMap(const std::map<std::string, std::string>& m) {
  return model::Labels::FromPairs({m.begin(), m.end()});
}

// promtool's labelAndAnnotation, compared and printed as it does.
struct AlertView {
  model::Labels labels;
  model::Labels annotations;

  friend bool operator==(const AlertView&, const AlertView&) = default;
  friend bool operator<(const AlertView& a, const AlertView& b) {
    if (int c = Compare(a.labels, b.labels); c != 0) return c < 0;
    return Compare(a.annotations, b.annotations) < 0;
  }
};

// promtool's indentLines: every line but the first gets `indent`.
std::string IndentLines(const std::string& lines, const std::string& indent) {
  std::string out;
  size_t start = 0;
  while (true) {
    const size_t nl = lines.find('\n', start);
    if (start > 0) out += indent;
    if (nl == std::string::npos) {
      out += lines.substr(start);
      return out;
    }
    out += lines.substr(start, nl - start + 1);
    start = nl + 1;
  }
}

std::string AlertsString(const std::vector<AlertView>& alerts) {
  if (alerts.empty()) return "[]";
  std::string s = "[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    const std::string one = "\nLabels:" + GoLabelsString(alerts[i].labels) +
                            "\nAnnotations:" + GoLabelsString(alerts[i].annotations);
    s += (i == 0 ? "\n" : ",\n") + std::to_string(i) + ":" + IndentLines(one, "  ");
  }
  return s + "\n]";
}

struct SampleView {
  model::Labels labels;
  double value = 0;
};

std::string SamplesString(const std::vector<SampleView>& samples) {
  if (samples.empty()) return "nil";
  std::string s;
  for (size_t i = 0; i < samples.size(); ++i) {
    if (i > 0) s += ", ";
    s += GoLabelsString(samples[i].labels) + " " + GoFloatE(samples[i].value);
  }
  return s;
}

void SortSamples(std::vector<SampleView>* samples) {
  std::stable_sort(samples->begin(), samples->end(), [](const auto& a, const auto& b) {
    return Compare(a.labels, b.labels) < 0;
  });
}

// Exact equality, as reflect.DeepEqual on float64 (NaN never equals).
bool SameSamples(const std::vector<SampleView>& a, const std::vector<SampleView>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(a[i].labels == b[i].labels) || !(a[i].value == b[i].value)) return false;
  }
  return true;
}

// Runs the test's promql_expr_test cases against the storage.
void CheckExpressions(const TestGroup& test, promql::Engine& engine, tsdb::Queryable& storage,
                      std::vector<std::string>* errors) {
  for (const PromqlTestCase& tc : test.promql_expr_test) {
    const std::string where = "    expr: " + GoQuote(tc.expr) + ", time: " +
                              FormatDuration(tc.eval_time);
    Result<promql::QueryResult> result = engine.Instant(storage, tc.expr, tc.eval_time.count());
    if (!result.ok()) {
      errors->push_back(where + ", err: " + result.status().message());
      continue;
    }
    std::vector<SampleView> got;
    if (const auto* vector = std::get_if<promql::Vector>(&result->value)) {
      for (const promql::Sample& s : *vector) got.push_back({s.labels, s.v});
    } else if (const auto* scalar = std::get_if<promql::Scalar>(&result->value)) {
      got.push_back({model::Labels(), scalar->v});
    } else {
      errors->push_back(where + ", err: rule result is not a vector or scalar");
      continue;
    }
    std::vector<SampleView> expected;
    bool bad_labels = false;
    for (const ExpectedSample& s : tc.exp_samples) {
      Result<model::Labels> labels = ParseSeriesLabels(s.labels);
      if (!labels.ok()) {
        errors->push_back(where + ", err: labels " + GoQuote(s.labels) + ": " +
                          labels.status().message());
        bad_labels = true;
        break;
      }
      expected.push_back({std::move(*labels), s.value});
    }
    if (bad_labels) continue;
    SortSamples(&expected);
    SortSamples(&got);
    if (!SameSamples(expected, got)) {
      errors->push_back(where + ",\n        exp: " + SamplesString(expected) +
                        "\n        got: " + SamplesString(got));
    }
  }
}

// The firing alerts of every alerting rule named `alertname`, in any group.
std::vector<AlertView> FiringAlerts(const std::vector<std::unique_ptr<Group>>& groups,
                                    const std::string& alertname) {
  std::vector<AlertView> out;
  for (const auto& g : groups) {
    for (const auto& r : g->rules()) {
      if (!r->is_alert() || r->name() != alertname) continue;
      for (const Alert& a : static_cast<const AlertingRule&>(*r).ActiveAlerts()) {
        if (a.state == AlertState::kFiring) out.push_back({a.labels, a.annotations});
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void CheckAlerts(const TestGroup& test, const AlertTestCase& tc,
                 const std::vector<std::unique_ptr<Group>>& groups,
                 std::vector<std::string>* errors) {
  std::vector<AlertView> expected;
  for (const ExpectedAlert& a : tc.exp_alerts) {
    std::map<std::string, std::string> labels = a.labels;
    labels["alertname"] = tc.alertname;
    expected.push_back({LabelsFromMap(labels), LabelsFromMap(a.annotations)});
  }
  std::sort(expected.begin(), expected.end());
  const std::vector<AlertView> got = FiringAlerts(groups, tc.alertname);
  if (expected == got) return;
  const std::string indent(12, ' ');
  std::string message = test.name.empty() ? "" : "    name: " + test.name + ",\n";
  message += "    alertname: " + tc.alertname + ", time: " + FormatDuration(tc.eval_time) +
             ", \n        exp:" + IndentLines(AlertsString(expected), indent) +
             ", \n        got:" + IndentLines(AlertsString(got), indent);
  errors->push_back(std::move(message));
}

}  // namespace

std::vector<std::string> RunTestGroup(const TestGroup& test, const TestGroupEnv& env) {
  Result<std::unique_ptr<promql::TestStorage>> storage = (*env.storage)();
  if (!storage.ok()) return {storage.status().message()};
  InputLoader loader;
  if (Status s = loader.Parse(test); !s.ok()) return {s.message()};

  std::vector<std::string> errors;
  const Duration default_interval =
      test.interval.count() > 0 ? test.interval : env.evaluation_interval;
  std::vector<std::unique_ptr<Group>> groups = LoadGroups(env, default_interval, &errors);
  if (!errors.empty()) return errors;

  // Alert checks by eval_time, in time order; each runs after the last
  // evaluation at or before its time.
  std::map<Duration, std::vector<const AlertTestCase*>> alert_tests;
  for (const AlertTestCase& tc : test.alert_rule_test) {
    if (tc.alertname.empty()) {
      return {"an item under alert_rule_test misses required attribute alertname at eval_time " +
              FormatDuration(tc.eval_time) +
              (test.name.empty() ? "" : " (in TestGroup " + test.name + ")")};
    }
    alert_tests[tc.eval_time].push_back(&tc);
  }
  Duration max_eval_time{};
  for (const AlertTestCase& tc : test.alert_rule_test) {
    max_eval_time = std::max(max_eval_time, tc.eval_time);
  }
  for (const PromqlTestCase& tc : test.promql_expr_test) {
    max_eval_time = std::max(max_eval_time, tc.eval_time);
  }

  promql::EngineOptions engine_options;  // promtool's test engine
  engine_options.max_samples = 10000;
  engine_options.timeout = std::chrono::seconds(100);
  engine_options.max_concurrency = 0;
  engine_options.default_subquery_step = env.evaluation_interval;
  promql::Engine engine(engine_options);

  GroupEnv group_env;
  group_env.eval.engine = &engine;
  group_env.eval.queryable = &(*storage)->queryable();
  group_env.eval.external_labels = LabelsFromMap(test.external_labels);
  group_env.eval.external_url = test.external_url;
  group_env.appendable = &(*storage)->appendable();

  const int64_t step = env.evaluation_interval.count();
  auto next_alert_test = alert_tests.begin();
  for (TimestampMs ts = 0; ts <= max_eval_time.count(); ts += step) {
    std::vector<std::string> eval_errors;
    // As promtool: samples that fail to load skip this evaluation, not the checks.
    Status loaded = loader.AppendTill((*storage)->appendable(), ts);
    if (!loaded.ok()) errors.push_back(loaded.message());
    for (size_t i = 0; loaded.ok() && i < groups.size(); ++i) {
      const auto& g = groups[i];
      g->Eval(group_env, ts);
      for (const auto& r : g->rules()) {
        const RuleStatus status = r->status();
        if (status.health != RuleHealth::kErr) continue;
        eval_errors.push_back("    rule: " + r->name() + ", time: " +
                              GoDurationString(Duration(ts)) + ", err: " + status.last_error);
      }
    }
    if (!eval_errors.empty()) {
      errors.insert(errors.end(), eval_errors.begin(), eval_errors.end());
      return errors;
    }
    for (; next_alert_test != alert_tests.end() && next_alert_test->first.count() < ts + step;
         ++next_alert_test) {
      for (const AlertTestCase* tc : next_alert_test->second) CheckAlerts(test, *tc, groups, &errors);
    }
  }
  CheckExpressions(test, engine, (*storage)->queryable(), &errors);
  return errors;
}

}  // namespace vigil::rules::internal
