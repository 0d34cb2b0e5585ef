#include "tsdb_command.h"

#include <iostream>
#include <limits>

#include "vigil/base/log.h"
#include "vigil/promql/parser.h"
#include "vigil/tsdb/tools.h"

namespace vigil::app {
namespace {

constexpr const char* kUsage = R"(usage: vigil tsdb analyze [--storage.tsdb.path=DIR] [--limit=N]
       vigil tsdb dump [--storage.tsdb.path=DIR] [--min-time=MS] [--max-time=MS] [--match=SELECTOR]
)";

struct TsdbFlags {
  std::string path = "data/";
  size_t limit = 20;
  TimestampMs min_time = std::numeric_limits<int64_t>::min();
  TimestampMs max_time = std::numeric_limits<int64_t>::max();
  std::string match;
};

Result<TsdbFlags> ParseFlags(const std::vector<std::string>& args) {
  TsdbFlags f;
  for (const std::string& arg : args) {
    size_t eq = arg.find('=');
    std::string name = arg.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    try {
      if (name == "--storage.tsdb.path") {
        f.path = value;
      } else if (name == "--limit") {
        f.limit = std::stoul(value);
      } else if (name == "--min-time") {
        f.min_time = std::stoll(value);
      } else if (name == "--max-time") {
        f.max_time = std::stoll(value);
      } else if (name == "--match") {
        f.match = value;
      } else {
        return InvalidArgument("unknown flag " + arg);
      }
    } catch (const std::exception&) {
      return InvalidArgument("bad value for " + name + ": \"" + value + "\"");
    }
  }
  return f;
}

}  // namespace

int TsdbCommand(const std::vector<std::string>& args) {
  if (args.empty() || (args[0] != "analyze" && args[0] != "dump")) {
    std::cerr << kUsage;
    return 2;
  }
  Result<TsdbFlags> flags = ParseFlags({args.begin() + 1, args.end()});
  if (!flags.ok()) {
    std::cerr << "vigil tsdb: " << flags.status().message() << "\n" << kUsage;
    return 2;
  }
  std::vector<model::Matcher> matchers;
  if (!flags->match.empty()) {
    auto parsed = promql::ParseMetricSelector(flags->match);
    if (!parsed.ok()) {
      std::cerr << "vigil tsdb: --match: " << parsed.status().message() << "\n";
      return 2;
    }
    matchers = std::move(*parsed);
  }
  log::Init(log::Level::kWarn, log::Format::kLogfmt);
  tsdb::Options options;
  options.background = false;
  Result<std::unique_ptr<tsdb::DB>> db = tsdb::DB::Open(flags->path, options);
  if (!db.ok()) {
    std::cerr << "vigil tsdb: cannot open " << flags->path << ": " << db.status().message()
              << "\n";
    return 1;
  }
  if (args[0] == "analyze") {
    Result<tsdb::AnalyzeReport> report = tsdb::Analyze(**db, flags->limit);
    if (!report.ok()) {
      std::cerr << "vigil tsdb analyze: " << report.status().message() << "\n";
      return 1;
    }
    std::cout << tsdb::FormatAnalyzeReport(*report);
    return 0;
  }
  Status s = tsdb::Dump(**db, flags->min_time, flags->max_time, matchers, std::cout);
  if (!s.ok()) {
    std::cerr << "vigil tsdb dump: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vigil::app
