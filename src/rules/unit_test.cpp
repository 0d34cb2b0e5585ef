// `promtool test rules` for vigil: reads each unit-test file, resolves its
// rule files, and runs its tests (unit_test_group.cpp), printing as promtool.
#include "vigil/rules/unit_test.h"

#include <glob.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "unit_test_file.h"
#include "unit_test_group.h"

namespace vigil::rules {
namespace {

using internal::TestGroupEnv;
using internal::UnitTestFile;

// Go's filepath.Match rejects an unclosed '[' and a trailing '\'.
bool IsBadPattern(std::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      if (++i == pattern.size()) return true;
    } else if (pattern[i] == '[') {
      size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '^') ++j;
      bool closed = false;
      for (; j < pattern.size(); ++j) {
        if (pattern[j] == '\\') {
          ++j;
        } else if (pattern[j] == ']') {
          closed = true;
          break;
        }
      }
      if (!closed) return true;
      i = j;
    }
  }
  return false;
}

// promtool's resolveAndGlobFilepaths: patterns relative to the test file's
// directory (joined and cleaned as Go's filepath.Join), each expanded in
// sorted order; a pattern matching nothing is a warning on `err`.
Result<std::vector<std::string>> ResolveRuleFiles(const std::string& test_file,
                                                  const std::vector<std::string>& patterns,
                                                  std::ostream& err) {
  std::filesystem::path base = std::filesystem::path(test_file).parent_path();
  if (base.empty()) base = ".";
  std::vector<std::string> files;
  for (const std::string& rf : patterns) {
    std::string pattern = rf;
    if (!rf.empty() && std::filesystem::path(rf).is_relative()) {
      pattern = (base / rf).lexically_normal().string();
    }
    if (IsBadPattern(pattern)) return InvalidArgument("syntax error in pattern");
    glob_t matches{};
    const int rc = glob(pattern.c_str(), 0, nullptr, &matches);
    if (rc == 0) {
      for (size_t i = 0; i < matches.gl_pathc; ++i) files.emplace_back(matches.gl_pathv[i]);
    } else {
      err << "  WARNING: no file match pattern " << pattern << "\n";
    }
    globfree(&matches);
  }
  return files;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::string reason = std::strerror(errno);
    if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(reason[0]));
    return IoError("open " + path + ": " + reason);  // Go's *PathError text
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs one file's tests; returns the failures (empty: all passed).
std::vector<std::string> RunFile(const std::string& path, const promql::StorageFactory& storage,
                                 std::ostream& err) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return {text.status().message()};
  Result<UnitTestFile> file = internal::ParseUnitTestFile(*text);
  if (!file.ok()) return {file.status().message()};

  TestGroupEnv env;
  env.storage = &storage;
  Result<std::vector<std::string>> rule_files = ResolveRuleFiles(path, file->rule_files, err);
  if (!rule_files.ok()) return {rule_files.status().message()};
  env.rule_files = std::move(*rule_files);
  env.evaluation_interval = file->evaluation_interval.count() > 0 ? file->evaluation_interval
                                                                  : std::chrono::minutes(1);
  for (size_t i = 0; i < file->group_eval_order.size(); ++i) {
    const std::string& name = file->group_eval_order[i];
    if (!env.group_order.emplace(name, static_cast<int>(i)).second) {
      return {"group name repeated in evaluation order: " + name};
    }
  }
  std::vector<std::string> failures;
  for (const internal::TestGroup& test : file->tests) {
    std::vector<std::string> errors = internal::RunTestGroup(test, env);
    failures.insert(failures.end(), errors.begin(), errors.end());
  }
  return failures;
}

}  // namespace

int RunRuleUnitTests(const std::vector<std::string>& files,
                     const promql::StorageFactory& storage, std::ostream& out,
                     std::ostream& err) {
  bool failed = false;
  for (const std::string& path : files) {
    out << "Unit Testing:  " << path << "\n" << std::flush;
    const std::vector<std::string> failures = RunFile(path, storage, err);
    if (failures.empty()) {
      out << "  SUCCESS\n";
    } else {
      failed = true;
      err << "  FAILED:\n";
      for (const std::string& f : failures) {
        err << f << "\n";
        out << "\n";
      }
    }
    out << "\n" << std::flush;
  }
  return failed ? 1 : 0;
}

}  // namespace vigil::rules
