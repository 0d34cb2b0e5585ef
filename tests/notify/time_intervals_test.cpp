#include "time_intervals.h"

#include <gtest/gtest.h>

namespace vigil::notify {
namespace {

// 2023-11-14 22:13:20 UTC, a Tuesday.
constexpr int64_t kTuesday = 1'700'000'000'000;
constexpr int64_t kHour = 3'600'000;

TEST(TimeIntervalsTest, TimesWeekdaysDaysOfMonthMonthsYears) {
  config::TimeIntervalSpec spec;
  EXPECT_TRUE(SpecContains(spec, kTuesday, 0)) << "an empty spec matches everything";
  spec.times = {{22 * 60, 23 * 60}};
  EXPECT_TRUE(SpecContains(spec, kTuesday, 0));
  EXPECT_FALSE(SpecContains(spec, kTuesday + kHour, 0));
  spec.weekdays = {{2, 2}};
  EXPECT_TRUE(SpecContains(spec, kTuesday, 0));
  spec.weekdays = {{3, 5}};
  EXPECT_FALSE(SpecContains(spec, kTuesday, 0));
  spec = {};
  spec.days_of_month = {{-17, -17}};  // 30 days in November: the 14th
  EXPECT_TRUE(SpecContains(spec, kTuesday, 0));
  spec.days_of_month = {{15, 31}};
  EXPECT_FALSE(SpecContains(spec, kTuesday, 0));
  EXPECT_TRUE(SpecContains(spec, kTuesday, 2 * 3600)) << "it is the 15th at UTC+2";
  spec.days_of_month = {{31, 31}};
  EXPECT_FALSE(SpecContains(spec, kTuesday, 0)) << "no 31st in November";
  spec = {};
  spec.months = {{11, 12}};
  spec.years = {{2023, 2023}};
  EXPECT_TRUE(SpecContains(spec, kTuesday, 0));
  spec.years = {{2024, 2030}};
  EXPECT_FALSE(SpecContains(spec, kTuesday, 0));
}

TEST(TimeZoneTest, NamedZonesFollowDaylightSaving) {
  auto berlin = TimeZone::Load("Europe/Berlin");
  ASSERT_TRUE(berlin.ok()) << berlin.status().ToString();
  EXPECT_EQ(berlin->OffsetAt(kTuesday / 1000), 3600);  // CET in November
  EXPECT_EQ(berlin->OffsetAt(1'689'000'000), 7200);    // CEST in July 2023
  EXPECT_EQ(TimeZone::Load("UTC")->OffsetAt(kTuesday / 1000), 0);
  EXPECT_FALSE(TimeZone::Load("Mars/Olympus_Mons").ok());
  EXPECT_FALSE(TimeZone::Load("../../etc/passwd").ok());
}

}  // namespace
}  // namespace vigil::notify
