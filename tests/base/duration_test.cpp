#include "vigil/base/duration.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(ParseDuration, AcceptsPrometheusForms) {
  EXPECT_EQ(*ParseDuration("15s"), seconds(15));
  EXPECT_EQ(*ParseDuration("1m"), minutes(1));
  EXPECT_EQ(*ParseDuration("1h30m"), hours(1) + minutes(30));
  EXPECT_EQ(*ParseDuration("500ms"), milliseconds(500));
  EXPECT_EQ(*ParseDuration("2d"), hours(48));
  EXPECT_EQ(*ParseDuration("1w"), hours(24 * 7));
  EXPECT_EQ(*ParseDuration("1y"), hours(24 * 365));
  EXPECT_EQ(*ParseDuration("0"), milliseconds(0));
  EXPECT_EQ(*ParseDuration("1m30s250ms"), milliseconds(90250));
}

TEST(ParseDuration, RejectsBadForms) {
  for (const char* bad : {"", "5x", "s", "1.5s", "-1s", "1s1m", "1m1m", "10", " 1s", "1S"}) {
    Result<Duration> r = ParseDuration(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("not a valid duration"), std::string::npos);
  }
  EXPECT_FALSE(ParseDuration("99999999999999999999y").ok());
}

TEST(FormatDuration, IsCanonicalAndRoundTrips) {
  EXPECT_EQ(FormatDuration(seconds(0)), "0s");
  EXPECT_EQ(FormatDuration(hours(1) + minutes(30)), "1h30m");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1s500ms");
  EXPECT_EQ(FormatDuration(hours(24 * 8)), "8d");
  EXPECT_EQ(FormatDuration(hours(24 * 14)), "2w");
  EXPECT_EQ(FormatDuration(hours(24 * 90)), "90d");
  for (const char* s : {"15s", "1h30m", "2d", "1y", "500ms", "10d4h5m6s7ms", "3w"}) {
    EXPECT_EQ(FormatDuration(*ParseDuration(s)), s);
  }
}

}  // namespace
}  // namespace vigil
