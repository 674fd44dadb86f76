#include "orp/stats/outliers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace orp::stats {
namespace {

// Each implant in its own class beside a "rest of class" row at 0.5 revisions / 100 PY.
std::vector<ImplantExposure> BesideRest(const std::vector<ImplantExposure>& implants) {
  std::vector<ImplantExposure> rows;
  for (size_t i = 0; i < implants.size(); ++i) {
    ImplantExposure x = implants[i];
    x.group = static_cast<int32_t>(i);
    rows.push_back(x);
    rows.push_back({x.group, 20000, 500, 100000});
  }
  return rows;
}

NjrOutlierOptions ThresholdsOnly() {
  NjrOutlierOptions options;
  options.require_lower_limit_above_one = false;
  return options;
}

// statistics.md §5 worked example: class rate 0.5 / 100 PY.
TEST(NjrOutliers, WorkedExampleLevels) {
  const auto rows = BesideRest({{0, 150, 11, 1000},    // A: 1.1 / 100 PY, ratio 2.2
                                {0, 60, 6, 500},       // B: 1.2, ratio 2.4, < 100 primaries
                                {0, 500, 40, 5000},    // C: 0.8, ratio 1.6
                                {0, 500, 28, 4000}});  // D: 0.7, ratio 1.4
  auto out = NjrImplantOutliers(rows, ThresholdsOnly());
  ASSERT_TRUE(out.has_value()) << out.error().message();
  EXPECT_NEAR((*out)[0].ptir, 1.1, 1e-12);
  EXPECT_NEAR((*out)[0].class_ptir, 0.5, 1e-12);
  EXPECT_EQ((*out)[0].level, NjrLevel::kLevel1);
  EXPECT_EQ((*out)[2].level, NjrLevel::kLevel2);
  EXPECT_EQ((*out)[4].level, NjrLevel::kLevel2);
  EXPECT_NEAR((*out)[4].ratio, 1.6, 1e-12);
  EXPECT_EQ((*out)[6].level, NjrLevel::kNone);
  EXPECT_EQ((*out)[1].level, NjrLevel::kNone);  // the rest of class itself
}

TEST(NjrOutliers, BoundariesAreInclusive) {
  const auto rows = BesideRest({{0, 100, 20, 2000},   // ratio 2.0 exactly, 100 primaries
                                {0, 100, 15, 2000},   // 1.5 exactly, 100 primaries
                                {0, 99, 20, 2000},    // 2.0 with 99
                                {0, 99, 15, 2000}});  // 1.5 with 99
  auto out = NjrImplantOutliers(rows, ThresholdsOnly());
  EXPECT_EQ((*out)[0].level, NjrLevel::kLevel1);
  EXPECT_EQ((*out)[2].level, NjrLevel::kLevel2);
  EXPECT_EQ((*out)[4].level, NjrLevel::kLevel2);
  EXPECT_EQ((*out)[6].level, NjrLevel::kNone);
}

TEST(NjrOutliers, ConfidenceRequirementHoldsBackASmallImplant) {
  // B: 6 revisions, ratio 2.4, but its exact lower 95% limit is below 1.
  const auto rows = BesideRest({{0, 60, 6, 500}});
  auto out = NjrImplantOutliers(rows);
  EXPECT_LT((*out)[0].lower, 1);
  EXPECT_EQ((*out)[0].level, NjrLevel::kNone);
  EXPECT_EQ(NjrImplantOutliers(rows, ThresholdsOnly()).value()[0].level, NjrLevel::kLevel2);
}

TEST(NjrOutliers, RatioAndIntervalAreThoseOfPoissonTest) {
  // poisson.test(c(12, 300), c(800, 60000)): 3.0 (1.5329, 5.3187), p = 0.001035.
  const std::vector<ImplantExposure> rows = {{0, 50, 12, 800}, {0, 5000, 300, 60000}};
  auto out = NjrImplantOutliers(rows);
  EXPECT_NEAR((*out)[0].ratio, 3.0, 1e-12);
  EXPECT_NEAR((*out)[0].lower, 1.5329, 5e-5);
  EXPECT_NEAR((*out)[0].upper, 5.3187, 5e-5);
  EXPECT_NEAR((*out)[0].p_value, 0.001035, 5e-7);
}

TEST(NjrOutliers, RejectsMoreRevisionsThanPrimaries) {
  const std::vector<ImplantExposure> rows = {{0, 5, 6, 10}};
  EXPECT_EQ(NjrImplantOutliers(rows).error().message(),
            "implant 1: 6 revisions of 5 primaries (need 0 <= revisions <= primaries)");
}

// statistics.md §6: group 300 / 60,000 cy; component 12 / 800 cy.
std::vector<ImplantExposure> AoanjrrGroup() {
  return {{0, 50, 12, 800},     {0, 2000, 58, 11840}, {0, 2000, 58, 11840},
          {0, 2000, 58, 11840}, {0, 2000, 57, 11840}, {0, 2000, 57, 11840}};
}

TEST(AoanjrrScreen, WorkedExampleIsFlagged) {
  auto out = AoanjrrStageOneScreen(AoanjrrGroup());
  ASSERT_TRUE(out.has_value()) << out.error().message();
  const AoanjrrScreen& s = (*out)[0];
  EXPECT_NEAR(s.group_rate, 0.5, 1e-12);
  EXPECT_NEAR(s.rate, 1.5, 1e-12);
  EXPECT_NEAR(s.ratio, 3.0, 1e-12);
  EXPECT_NEAR(s.expected, 4.0, 1e-12);
  EXPECT_NEAR(s.p_value, 0.000915, 5e-7);
  EXPECT_TRUE(s.flagged);
  for (size_t i = 1; i < out->size(); ++i) EXPECT_FALSE((*out)[i].flagged) << i;
}

TEST(AoanjrrScreen, FewPrimariesFlagOnlyWhenMostAreRevised) {
  auto group = AoanjrrGroup();
  group.push_back({0, 3, 3, 5});  // 3 primaries, all revised
  group.push_back({0, 3, 1, 5});  // 3 primaries, one revised: fewer than 2 revisions
  group.push_back({0, 4, 2, 5});  // 50% revised
  auto out = AoanjrrStageOneScreen(group);
  EXPECT_TRUE((*out)[6].flagged);
  EXPECT_FALSE((*out)[7].count_criterion);
  EXPECT_FALSE((*out)[8].count_criterion);
  EXPECT_TRUE((*out)[8].rate_criterion);
}

TEST(AoanjrrScreen, DominantComponentIsLeftOutOfTheGroupRate) {
  // One component has 60% of the primaries and a high rate: the group rate is the others'.
  const std::vector<ImplantExposure> group = {
      {0, 6000, 600, 30000}, {0, 2000, 50, 10000}, {0, 2000, 50, 10000}};
  auto out = AoanjrrStageOneScreen(group);
  EXPECT_TRUE((*out)[0].excluded_from_group_rate);
  EXPECT_NEAR((*out)[0].group_rate, 0.5, 1e-12);
  EXPECT_NEAR((*out)[0].ratio, 4.0, 1e-12);
  EXPECT_TRUE((*out)[0].flagged);
  // With the dominant component in, its own weight would hide it.
  AoanjrrOptions keep_all;
  keep_all.dominant_share = 1.0;
  EXPECT_FALSE(AoanjrrStageOneScreen(group, keep_all).value()[0].flagged);
}

TEST(AoanjrrScreen, PoissonTailIsInclusive) {
  EXPECT_NEAR(PoissonUpperTail(12, 4.0), 0.000915, 5e-7);
  EXPECT_EQ(PoissonUpperTail(0, 3.0), 1.0);
  EXPECT_NEAR(PoissonUpperTail(1, 2.0), 1 - std::exp(-2.0), 1e-15);
}

}  // namespace
}  // namespace orp::stats
