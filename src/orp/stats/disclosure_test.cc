#include "orp/stats/disclosure.h"

#include <gtest/gtest.h>

#include <utility>

namespace orp::stats {
namespace {

const DisclosurePolicy kHes;  // the defaults are the HES/ECDS rules

// statistics.md §13, "How to test".
TEST(Disclosure, PublicCountsFollowTheHesTable) {
  const std::pair<int64_t, const char*> table[] = {
      {0, "0"},   {1, "*"},   {7, "*"},   {8, "10"},    {12, "10"},
      {13, "15"}, {22, "20"}, {23, "25"}, {100, "100"}, {4998, "5000"}};
  for (const auto& [count, shown] : table) {
    EXPECT_EQ(ControlCount(count, Audience::kPublic, kHes).Text(), shown) << count;
  }
}

TEST(Disclosure, NationalCountsAreUntouched) {
  for (int64_t count : {0, 1, 3, 7, 8, 12, 13}) {
    EXPECT_EQ(ControlCount(count, Audience::kNational, kHes).value, count);
  }
}

TEST(Disclosure, NationalIsControlledWhenThePolicySaysSo) {
  DisclosurePolicy policy;
  policy.control_national = true;
  EXPECT_TRUE(ControlCount(3, Audience::kNational, policy).suppressed());
  EXPECT_EQ(ControlCount(13, Audience::kNational, policy).value, 15);
}

TEST(Disclosure, TotalsAreRoundedFromUnroundedSums) {
  // Rows 12 and 13 publish as 10 and 15; their total 25 publishes as 25, not 10 + 15 rounded.
  // With 11 + 11 the rows show 10 and 10 but the total 22 shows 20: rows need not add up.
  EXPECT_EQ(ControlCount(12 + 13, Audience::kPublic, kHes).value, 25);
  EXPECT_EQ(ControlCount(11 + 11, Audience::kPublic, kHes).value, 20);
  EXPECT_EQ(ControlCount(11, Audience::kPublic, kHes).value, 10);
}

TEST(Disclosure, PercentagesUseTheRoundedCountsAndTheirDecimals) {
  // 3,995 rounds to 3,995 (a multiple of 5): below 4,000, so no decimals.
  ControlledPercentage below = ControlPercentage(399, 3995, Audience::kPublic, kHes);
  ASSERT_TRUE(below.value.has_value());
  EXPECT_DOUBLE_EQ(*below.value, 100.0 * 400 / 3995);
  EXPECT_EQ(below.decimals, 0);
  EXPECT_EQ(below.Text(), "10");
  ControlledPercentage at = ControlPercentage(402, 4000, Audience::kPublic, kHes);
  EXPECT_EQ(at.decimals, 1);
  EXPECT_EQ(at.Text(), "10.0");  // 400 of 4,000, from the rounded numerator
}

TEST(Disclosure, APercentageOfASuppressedCountIsSuppressed) {
  EXPECT_EQ(ControlPercentage(5, 5000, Audience::kPublic, kHes).Text(), "*");
  EXPECT_EQ(ControlPercentage(5, 6, Audience::kPublic, kHes).Text(), "*");
  EXPECT_FALSE(ControlPercentage(0, 0, Audience::kPublic, kHes).value.has_value());
  EXPECT_EQ(ControlPercentage(5, 6, Audience::kNational, kHes).Text(), "83.3");
}

TEST(Disclosure, SimpleStatisticsNeedEightContributors) {
  EXPECT_TRUE(SuppressesDerived(7, Audience::kPublic, kHes));
  EXPECT_FALSE(SuppressesDerived(8, Audience::kPublic, kHes));
  EXPECT_FALSE(SuppressesDerived(7, Audience::kNational, kHes));
}

TEST(Disclosure, RoundingTiesGoAwayFromZeroWithAnEvenBase) {
  EXPECT_EQ(RoundToBase(15, 10), 20);
  EXPECT_EQ(RoundToBase(14, 10), 10);
  EXPECT_EQ(RoundToBase(-15, 10), -20);
  EXPECT_EQ(RoundToBase(17, 1), 17);
}

TEST(Disclosure, AudienceNamesRoundTripAndOthersAreRefused) {
  EXPECT_EQ(ParseAudience("public"), Audience::kPublic);
  EXPECT_EQ(AudienceName(*ParseAudience("national")), "national");
  Result<Audience> bad = ParseAudience("regional");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("'regional'"), std::string::npos);
}

}  // namespace
}  // namespace orp::stats
