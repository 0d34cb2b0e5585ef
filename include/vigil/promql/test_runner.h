// The PromQL test-script runner: parses and runs Prometheus's promql test
// format (load / clear / eval instant / eval_ordered / eval_fail, and the
// newer `eval range from <start> to <end> step <step>` form) the way
// Prometheus 2.42's promql.Test does, including its extra checks: every
// instant eval is also run as a range query around its time and, unless the
// expression calls a time-dependent function, with `@ <t>` added to its
// selectors at several evaluation times.
//
// Storage is injected: a StorageFactory makes an empty storage (an
// Appendable the loads go to and a Queryable the queries read) for each file
// and after each `clear`.
// Thread-safety: the functions may run concurrently on different storages.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/result.h"
#include "vigil/promql/engine.h"
#include "vigil/tsdb/appender.h"
#include "vigil/tsdb/querier.h"

namespace vigil::promql {

// One empty storage for a test script.
class TestStorage {
 public:
  virtual ~TestStorage() = default;
  virtual tsdb::Appendable& appendable() = 0;
  virtual tsdb::Queryable& queryable() = 0;
};
using StorageFactory = std::function<Result<std::unique_ptr<TestStorage>>()>;

struct TestRunOptions {
  // The engine settings the upstream scripts assume.
  EngineOptions engine = [] {
    EngineOptions o;
    o.max_samples = 10000;
    o.timeout = std::chrono::seconds(100);
    o.max_concurrency = 0;
    return o;
  }();
  // Evals not run: "<file name>:<line>" → reason (printed as SKIP).
  std::map<std::string, std::string> skip;
};

struct TestSummary {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
};

// Runs one script. `name` is used in messages ("<name>:<line>: ..."). Each
// failing eval (and any bad command) is written to `out`.
TestSummary RunTestScript(std::string_view name, std::string_view content,
                          const StorageFactory& storage, std::ostream& out,
                          const TestRunOptions& options = {});

// Runs every file given (directories: every *.test inside, sorted), prints
// failures and finally exactly "N passed, M failed". Returns 0 when nothing
// failed, 1 otherwise (an unreadable file counts as a failure).
int RunTestFiles(const std::vector<std::string>& paths, const StorageFactory& storage,
                 std::ostream& out, const TestRunOptions& options = {});

}  // namespace vigil::promql
