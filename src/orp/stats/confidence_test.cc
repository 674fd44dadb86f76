#include "orp/stats/confidence.h"

#include <gtest/gtest.h>

#include <cmath>

namespace orp::stats {
namespace {

TEST(Confidence, NinetyFivePercentUsesTheUsualNormalQuantile) {
  EXPECT_NEAR(*NormalQuantileForLevel(0.95), 1.959963984540054, 1e-15);
  EXPECT_NEAR(*NormalQuantileForLevel(0.90), 1.6448536269514722, 1e-15);
}

TEST(Confidence, RejectsLevelsOutsideZeroToOne) {
  EXPECT_FALSE(NormalQuantileForLevel(0).has_value());
  EXPECT_FALSE(NormalQuantileForLevel(1).has_value());
  EXPECT_FALSE(NormalQuantileForLevel(95).has_value());
  EXPECT_FALSE(NormalQuantileForLevel(std::nan("")).has_value());
}

TEST(Confidence, ParsesRConfTypeNamesAndRejectsOthers) {
  EXPECT_EQ(*ParseConfType("log-log"), ConfType::kLogLog);
  EXPECT_EQ(*ParseConfType("log"), ConfType::kLog);
  EXPECT_EQ(*ParseConfType("plain"), ConfType::kPlain);
  auto bad = ParseConfType("loglog");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(),
            "confidence interval type 'loglog': choose plain, log or log-log");
  EXPECT_EQ(ConfTypeName(ConfType::kLogLog), "log-log");
}

// statistics.md §1, Freireich 6-MP at t = 6: S = 18/21, sigma^2 = 3 / (21 * 18).
TEST(Confidence, ReproducesTheSpecIntervalsAtTimeSix) {
  const double s = 18.0 / 21;
  const double sigma = std::sqrt(3.0 / (21 * 18));
  const double z = *NormalQuantileForLevel(0.95);
  Interval loglog = SurvivalInterval(s, sigma, z, ConfType::kLogLog);
  EXPECT_NEAR(loglog.lower, 0.6197, 5e-5);
  EXPECT_NEAR(loglog.upper, 0.9516, 5e-5);
  Interval log = SurvivalInterval(s, sigma, z, ConfType::kLog);
  EXPECT_NEAR(log.lower, 0.7198, 5e-5);
  EXPECT_EQ(log.upper, 1.0);  // clipped
  Interval plain = SurvivalInterval(s, sigma, z, ConfType::kPlain);
  EXPECT_NEAR(plain.lower, 0.7075, 5e-5);
  EXPECT_EQ(plain.upper, 1.0);
}

TEST(Confidence, LogLogIsUndefinedAtOneAndZeroLikeR) {
  EXPECT_TRUE(std::isnan(SurvivalInterval(1, 0, 1.96, ConfType::kLogLog).lower));
  EXPECT_TRUE(std::isnan(SurvivalInterval(0, INFINITY, 1.96, ConfType::kLogLog).upper));
  EXPECT_TRUE(std::isnan(SurvivalInterval(0, INFINITY, 1.96, ConfType::kLog).lower));
  // Plain gives 0 * inf = NaN once everyone has failed, as R does.
  EXPECT_TRUE(std::isnan(SurvivalInterval(0, INFINITY, 1.96, ConfType::kPlain).lower));
  Interval start = SurvivalInterval(1, 0, 1.96, ConfType::kLog);
  EXPECT_EQ(start.lower, 1.0);
  EXPECT_EQ(start.upper, 1.0);
}

}  // namespace
}  // namespace orp::stats
