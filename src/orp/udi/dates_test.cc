#include "orp/udi/dates.h"

#include <gtest/gtest.h>

#include "orp/udi/test_util.h"

namespace orp::udi {
namespace {

using testing::Ymd;

TEST(LabelDates, SlidingCenturyIn2026MapsSeventySevenUpToLastCentury) {
  Date today = Ymd(2026, 6, 1);
  EXPECT_EQ(ResolveCentury(77, today), 1977);
  EXPECT_EQ(ResolveCentury(99, today), 1999);
  EXPECT_EQ(ResolveCentury(76, today), 2076);
  EXPECT_EQ(ResolveCentury(0, today), 2000);
}

TEST(LabelDates, SlidingCenturyMovesWithTheRuntimeYear) {
  EXPECT_EQ(ResolveCentury(50, Ymd(2099, 1, 1)), 2050);  // diff -49: this century
  EXPECT_EQ(ResolveCentury(49, Ymd(2099, 1, 1)), 2149);  // diff -50: next century
  EXPECT_EQ(ResolveCentury(76, Ymd(2025, 1, 1)), 1976);  // diff 51: last century
  EXPECT_EQ(ResolveCentury(75, Ymd(2025, 1, 1)), 2075);
}

TEST(LabelDates, DayZeroIsTheLastDayIncludingLeapFebruary) {
  Date today = Ymd(2026, 6, 1);
  EXPECT_EQ(ParseYymmdd("280200", today), Ymd(2028, 2, 29));
  EXPECT_EQ(ParseYymmdd("270200", today), Ymd(2027, 2, 28));
  EXPECT_EQ(ParseYymmdd("260400", today), Ymd(2026, 4, 30));
}

TEST(LabelDates, RejectsImpossibleDaysAndShortText) {
  Date today = Ymd(2026, 6, 1);
  EXPECT_FALSE(ParseYymmdd("270229", today).has_value());
  EXPECT_FALSE(ParseYymmdd("260431", today).has_value());
  EXPECT_FALSE(ParseYymmdd("26043", today).has_value());
  EXPECT_FALSE(ParseYymmdd("2604x1", today).has_value());
  EXPECT_FALSE(ParseYymmdd("260001", today).has_value());
}

TEST(LabelDates, JulianAndEightDigitDates) {
  Date today = Ymd(2026, 6, 1);
  EXPECT_EQ(ParseYyjjj("20015", today), Ymd(2020, 1, 15));
  EXPECT_EQ(ParseYyjjj("24366", today), Ymd(2024, 12, 31));
  EXPECT_FALSE(ParseYyjjj("25366", today).has_value());
  EXPECT_FALSE(ParseYyjjj("25000", today).has_value());
  EXPECT_EQ(ParseYyyymmdd("20111212"), Ymd(2011, 12, 12));
  EXPECT_FALSE(ParseYyyymmdd("20111200").has_value());
}

}  // namespace
}  // namespace orp::udi
