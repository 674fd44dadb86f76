#include "orp/domain/clinical_dates.h"

#include <gtest/gtest.h>

namespace orp::domain {
namespace {

Date D(std::string_view iso) { return ParseIsoDate(iso).value(); }

TEST(ClinicalDates, ProcedureTodayIsAllowedTomorrowIsNot) {
  EXPECT_TRUE(CheckProcedureDate(D("2026-11-26"), D("2026-11-26")).has_value());
  EXPECT_TRUE(CheckProcedureDate(D("2001-01-01"), D("2026-11-26")).has_value());
  auto future = CheckProcedureDate(D("2026-11-27"), D("2026-11-26"));
  ASSERT_FALSE(future.has_value());
  EXPECT_EQ(future.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(future.error().message(),
            "procedure date 2026-11-27 is after today (2026-11-26); a procedure date cannot be in "
            "the future");
}

TEST(ClinicalDates, BirthOnTheProcedureDayIsAllowedAfterItIsNot) {
  EXPECT_TRUE(CheckBirthBeforeProcedure(D("2024-03-01"), D("2024-03-01")).has_value());
  EXPECT_TRUE(CheckBirthBeforeProcedure(D("1950-06-15"), D("2024-03-01")).has_value());
  EXPECT_EQ(CheckBirthBeforeProcedure(D("2024-03-02"), D("2024-03-01")).error().message(),
            "date of birth 2024-03-02 is after the procedure date 2024-03-01; one of them is "
            "wrong");
}

TEST(ClinicalDates, AgeOf120IsPlausibleTheDayAfterTurning121IsNot) {
  EXPECT_TRUE(CheckPlausibleAge(D("1903-03-01"), D("2024-02-29")).has_value());  // 120
  EXPECT_TRUE(CheckPlausibleAge(D("1903-03-01"), D("2024-02-28")).has_value());
  auto old = CheckPlausibleAge(D("1903-03-01"), D("2024-03-01"));  // 121 today
  ASSERT_FALSE(old.has_value());
  EXPECT_EQ(old.error().message(),
            "date of birth 1903-03-01 makes the patient 121 years old on the procedure date "
            "2024-03-01; more than 120 years is implausible");
}

}  // namespace
}  // namespace orp::domain
