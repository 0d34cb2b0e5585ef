// Alertmanager 0.25's own config fixtures, read unchanged from
// ../shared/conformance/alertmanager: every file amtool accepts loads, every
// file it rejects is rejected for the same reason, and the routing trees
// send each labelled alert to the receivers amtool lists.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "vigil/config/config.h"

namespace vigil::config {
namespace {

const std::string kCorpus = VIGIL_ALERTMANAGER_CORPUS;

std::vector<std::vector<std::string>> ReadTsv(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, '\t')) fields.push_back(field);
    if (!line.empty() && line.back() == '\t') fields.push_back("");
    rows.push_back(fields);
  }
  return rows;
}

// amtool's message, or what vigil says for the same mistake: yaml.v2's
// "field X not found in type ..." is vigil's "<path>.X: unknown key".
std::string ExpectedFragment(const std::string& amtool_error) {
  static const std::regex kUnknownField(R"(field (\w+) not found in type)");
  std::smatch m;
  if (std::regex_search(amtool_error, m, kUnknownField)) return "." + m[1].str() + ": unknown key";
  return amtool_error;
}

TEST(AlertmanagerCorpusTest, ConfigVerdictsMatchAlertmanager) {
  auto rows = ReadTsv(kCorpus + "/config/EXPECTED.tsv");
  ASSERT_EQ(rows.size(), 16u);
  for (const auto& row : rows) {
    ASSERT_GE(row.size(), 2u);
    const std::string& file = row[0];
    const std::string& verdict = row[1];
    SCOPED_TRACE(file);
    auto r = LoadAlertmanagerConfigFile(kCorpus + "/config/" + file);
    if (verdict == "valid") {
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    } else {
      ASSERT_EQ(verdict, "invalid");
      ASSERT_FALSE(r.ok());
      ASSERT_GE(row.size(), 3u);
      EXPECT_NE(r.status().message().find(ExpectedFragment(row[2])), std::string::npos)
          << "got: " << r.status().message()
          << "\nwant a message containing: " << ExpectedFragment(row[2]);
    }
  }
}

// Alertmanager's dispatch.Route.Match: the deepest matching routes, in order,
// stopping after a match without `continue`.
bool Match(const Route& route, const std::map<std::string, std::string>& labels,
           std::vector<std::string>* receivers) {
  for (const model::Matcher& m : route.matchers) {
    auto it = labels.find(m.name());
    if (!m.Matches(it == labels.end() ? "" : it->second)) return false;
  }
  size_t before = receivers->size();
  for (const Route& child : route.routes) {
    if (Match(child, labels, receivers) && !child.continue_matching) break;
  }
  if (receivers->size() == before) receivers->push_back(route.receiver);
  return true;
}

TEST(AlertmanagerCorpusTest, RoutingTreesSendAlertsWhereAmtoolDoes) {
  auto rows = ReadTsv(kCorpus + "/routing/routing-cases.tsv");
  ASSERT_EQ(rows.size(), 20u);
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 3u);
    SCOPED_TRACE(row[0] + " " + row[1]);
    auto config = LoadAlertmanagerConfigFile(kCorpus + "/" + row[0]);
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    std::map<std::string, std::string> labels;
    std::stringstream ss(row[1]);
    std::string pair;
    while (ss >> pair) {
      size_t eq = pair.find('=');
      labels[pair.substr(0, eq)] = pair.substr(eq + 1);
    }
    std::vector<std::string> receivers;
    Match((*config)->route, labels, &receivers);
    std::string got;
    for (const std::string& r : receivers) got += (got.empty() ? "" : ",") + r;
    EXPECT_EQ(got, row[2]);
  }
}

}  // namespace
}  // namespace vigil::config
