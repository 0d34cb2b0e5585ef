#include "test_command.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "vigil/base/log.h"
#include "vigil/promql/test_runner.h"
#include "vigil/rules/unit_test.h"
#include "vigil/tsdb/db.h"

namespace vigil::app {
namespace {

// A storage engine in a temporary directory, removed when done.
class TempDbStorage : public promql::TestStorage {
 public:
  static Result<std::unique_ptr<promql::TestStorage>> Make() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp ? tmp : "/tmp") + "/vigil-promql-test-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) return IoError("cannot create a temporary directory");
    tsdb::Options options;
    options.wal_sync = false;  // throwaway data: no fsync
    options.background = false;
    Result<std::unique_ptr<tsdb::DB>> db = tsdb::DB::Open(tmpl, options);
    if (!db.ok()) {
      std::filesystem::remove_all(tmpl);
      return db.status();
    }
    return std::unique_ptr<promql::TestStorage>(new TempDbStorage(tmpl, std::move(*db)));
  }
  ~TempDbStorage() override {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  tsdb::Appendable& appendable() override { return *db_; }
  tsdb::Queryable& queryable() override { return *db_; }

 private:
  TempDbStorage(std::string dir, std::unique_ptr<tsdb::DB> db)
      : dir_(std::move(dir)), db_(std::move(db)) {}
  std::string dir_;
  std::unique_ptr<tsdb::DB> db_;
};

}  // namespace

int TestCommand(const std::vector<std::string>& args) {
  const bool promql = !args.empty() && args[0] == "promql";
  const bool rules = !args.empty() && args[0] == "rules";
  if ((!promql && !rules) || args.size() < 2) {
    std::cerr << "usage: vigil test promql FILE|DIR...\n"
                 "       vigil test rules TESTFILE...\n";
    return 2;
  }
  const std::vector<std::string> files(args.begin() + 1, args.end());
  if (promql) {
    log::Init(log::Level::kWarn, log::Format::kLogfmt);
    return promql::RunTestFiles(files, &TempDbStorage::Make, std::cout);
  }
  // Like promtool, check every file exists before running any.
  for (const std::string& f : files) {
    if (!std::filesystem::exists(f)) {
      std::cerr << "vigil: error: path '" << f << "' does not exist, try --help\n";
      return 1;
    }
  }
  // Rule evaluation warnings (a failing rule) are part of the test report.
  log::Init(log::Level::kError, log::Format::kLogfmt);
  return rules::RunRuleUnitTests(files, &TempDbStorage::Make, std::cout, std::cerr);
}

}  // namespace vigil::app
