#include "postings.h"

#include <gtest/gtest.h>

#include <vector>

namespace vigil::tsdb {
namespace {

using model::Labels;
using model::Matcher;
using model::MatchType;

Matcher M(MatchType type, std::string name, std::string value) {
  Result<Matcher> m = Matcher::Make(type, std::move(name), std::move(value));
  EXPECT_TRUE(m.ok());
  return *m;
}

class PostingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_.Add(1, Labels::FromStrings({"__name__", "up", "job", "api", "env", "prod"}));
    index_.Add(2, Labels::FromStrings({"__name__", "up", "job", "db"}));
    index_.Add(3, Labels::FromStrings({"__name__", "up", "job", "api-canary", "env", "dev"}));
    index_.Add(5, Labels::FromStrings({"__name__", "http_requests_total", "job", "api"}));
    index_.Add(4, Labels::FromStrings({"__name__", "up", "job", "web", "env", "prod"}));
  }
  PostingsIndex index_;
};

TEST(PostingsOpsTest, IntersectMergeSubtract) {
  Postings a = {1, 3, 5, 7, 9};
  Postings b = {3, 4, 5, 10};
  EXPECT_EQ(Intersect(a, b), (Postings{3, 5}));
  EXPECT_EQ(Merge(a, b), (Postings{1, 3, 4, 5, 7, 9, 10}));
  EXPECT_EQ(Subtract(a, b), (Postings{1, 7, 9}));
  Postings big;
  for (SeriesRef r = 0; r < 1000; ++r) big.push_back(r * 2);
  EXPECT_EQ(Intersect(Postings{4, 5, 1998, 2000}, big), (Postings{4, 1998}));
}

TEST(PostingsOpsTest, RegexShapes) {
  EXPECT_EQ(AnalyzeRegex("a|b|c").kind, RegexShape::Kind::kLiterals);
  EXPECT_EQ(AnalyzeRegex("a|b|c").literals, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(AnalyzeRegex("api").kind, RegexShape::Kind::kLiterals);
  EXPECT_EQ(AnalyzeRegex("api.*").kind, RegexShape::Kind::kPrefix);
  EXPECT_EQ(AnalyzeRegex("api.*").prefix, "api");
  EXPECT_EQ(AnalyzeRegex("a.c").kind, RegexShape::Kind::kGeneral);
  EXPECT_EQ(AnalyzeRegex("(a|b)").kind, RegexShape::Kind::kGeneral);
  EXPECT_EQ(AnalyzeRegex("a\\.b").kind, RegexShape::Kind::kGeneral);
}

TEST_F(PostingsTest, MatcherSemanticsAsPrometheus) {
  struct Case {
    std::vector<Matcher> matchers;
    Postings want;
  };
  std::vector<Case> cases = {
      {{}, {1, 2, 3, 4, 5}},
      {{M(MatchType::kEqual, "__name__", "up")}, {1, 2, 3, 4}},
      {{M(MatchType::kEqual, "__name__", "up"), M(MatchType::kEqual, "job", "api")}, {1}},
      {{M(MatchType::kEqual, "job", "nope")}, {}},
      {{M(MatchType::kEqual, "env", "")}, {2, 5}},  // absent label matches ""
      {{M(MatchType::kNotEqual, "env", "")}, {1, 3, 4}},
      {{M(MatchType::kNotEqual, "env", "prod")}, {2, 3, 5}},
      {{M(MatchType::kRegexMatch, "job", "api|db")}, {1, 2, 5}},
      {{M(MatchType::kRegexMatch, "job", "api.*")}, {1, 3, 5}},
      {{M(MatchType::kRegexMatch, "job", "a.i")}, {1, 5}},
      {{M(MatchType::kRegexMatch, "job", "api|")}, {1, 5}},
      {{M(MatchType::kRegexMatch, "env", ".*")}, {1, 2, 3, 4, 5}},
      {{M(MatchType::kRegexMatch, "env", ".+")}, {1, 3, 4}},
      {{M(MatchType::kRegexNoMatch, "job", "api|db")}, {3, 4}},
      {{M(MatchType::kRegexNoMatch, "env", "prod"), M(MatchType::kEqual, "__name__", "up")},
       {2, 3}},
      {{M(MatchType::kRegexNoMatch, "job", ".*")}, {}},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(index_.Select(cases[i].matchers), cases[i].want) << "case " << i;
  }
}

TEST_F(PostingsTest, LabelNamesAndValues) {
  EXPECT_EQ(index_.LabelNames(), (std::vector<std::string>{"__name__", "env", "job"}));
  EXPECT_EQ(index_.LabelValues("job"),
            (std::vector<std::string>{"api", "api-canary", "db", "web"}));
  EXPECT_TRUE(index_.LabelValues("nope").empty());
  EXPECT_EQ(index_.NumSeries(), 5u);
}

}  // namespace
}  // namespace vigil::tsdb
