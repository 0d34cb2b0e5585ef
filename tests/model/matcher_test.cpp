#include "vigil/model/matcher.h"

#include <gtest/gtest.h>

namespace vigil::model {
namespace {

Matcher M(MatchType t, const char* v) { return *Matcher::Make(t, "l", v); }

TEST(Matcher, EqualityTypes) {
  EXPECT_TRUE(M(MatchType::kEqual, "a").Matches("a"));
  EXPECT_FALSE(M(MatchType::kEqual, "a").Matches("ab"));
  EXPECT_TRUE(M(MatchType::kNotEqual, "a").Matches(""));
}

TEST(Matcher, RegexIsFullyAnchored) {
  Matcher m = M(MatchType::kRegexMatch, "5..");
  EXPECT_TRUE(m.Matches("500"));
  EXPECT_FALSE(m.Matches("5000"));
  EXPECT_FALSE(m.Matches("a500"));
  Matcher alt = M(MatchType::kRegexMatch, "a|b");
  EXPECT_TRUE(alt.Matches("b"));
  EXPECT_FALSE(alt.Matches("ab"));
  EXPECT_TRUE(M(MatchType::kRegexNoMatch, "a|b").Matches("c"));
  EXPECT_TRUE(M(MatchType::kRegexMatch, ".*").Matches(""));
  // As Prometheus 2.42: '.' does not match a newline.
  EXPECT_FALSE(M(MatchType::kRegexMatch, ".*").Matches("a\nb"));
}

TEST(Matcher, BadRegexIsAnError) {
  Result<Matcher> r = Matcher::Make(MatchType::kRegexMatch, "l", "a(b");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("error parsing regexp"), std::string::npos);
}

TEST(Matcher, ToString) {
  EXPECT_EQ(M(MatchType::kRegexNoMatch, "a\"b").ToString(), "l!~\"a\\\"b\"");
}

}  // namespace
}  // namespace vigil::model
