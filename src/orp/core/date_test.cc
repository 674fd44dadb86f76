#include "orp/core/date.h"

#include <gtest/gtest.h>

namespace orp {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

TEST(ParseIsoDate, AcceptsARealCalendarDay) {
  auto date = ParseIsoDate("2024-02-29");
  ASSERT_TRUE(date.has_value()) << date.error().ToString();
  EXPECT_EQ(*date, Date{year{2024} / month{2} / day{29}});
}

TEST(ParseIsoDate, RejectsFebruary29InACommonYearNamingTheMonthLength) {
  auto date = ParseIsoDate("2026-02-29");
  ASSERT_FALSE(date.has_value());
  EXPECT_EQ(date.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(date.error().message(), "2026-02-29: February 2026 has 28 days");
}

TEST(ParseIsoDate, RejectsOtherShapesAndMonths) {
  EXPECT_FALSE(ParseIsoDate("2024-2-01").has_value());
  EXPECT_FALSE(ParseIsoDate("01/02/2024").has_value());
  EXPECT_FALSE(ParseIsoDate("2024-13-01").has_value());
  EXPECT_FALSE(ParseIsoDate("2024-00-01").has_value());
  EXPECT_FALSE(ParseIsoDate("2024-01-00").has_value());
  EXPECT_FALSE(ParseIsoDate("1799-12-31").has_value());
  EXPECT_FALSE(ParseIsoDate("").has_value());
}

TEST(FormatIsoDate, RoundTripsWithParse) {
  for (const char* text : {"1800-01-01", "1999-12-31", "2000-02-29", "2999-12-31"}) {
    EXPECT_EQ(FormatIsoDate(*ParseIsoDate(text)), text);
  }
}

TEST(WholeYearsBetween, CountsOnlyBirthdaysPassed) {
  Date born = *ParseIsoDate("1960-06-15");
  EXPECT_EQ(WholeYearsBetween(born, *ParseIsoDate("2020-06-14")), 59);
  EXPECT_EQ(WholeYearsBetween(born, *ParseIsoDate("2020-06-15")), 60);
}

}  // namespace
}  // namespace orp
