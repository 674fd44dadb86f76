#include "orp/stats/poisson_rate.h"

#include <gtest/gtest.h>

namespace orp::stats {
namespace {

// statistics.md §3 worked examples.
TEST(PoissonRate, FourteenEventsOverFourHundredYears) {
  auto r = ExactPoissonRate(14, 400, 1000, 0.95);
  ASSERT_TRUE(r.has_value());
  EXPECT_NEAR(r->rate, 35.0, 1e-12);
  EXPECT_NEAR(r->lower, 19.135, 5e-4);
  EXPECT_NEAR(r->upper, 58.724, 5e-4);
}

TEST(PoissonRate, ZeroEventsHaveLowerBoundZero) {
  auto r = ExactPoissonRate(0, 250, 1000, 0.95);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->rate, 0.0);
  EXPECT_EQ(r->lower, 0.0);
  EXPECT_NEAR(r->upper, 14.756, 5e-4);
}

TEST(PoissonRate, FiveEventsOverFractionalPersonTime) {
  auto r = ExactPoissonRate(5, 1234.5, 1000, 0.95);
  ASSERT_TRUE(r.has_value());
  EXPECT_NEAR(r->rate, 4.0502, 5e-5);
  EXPECT_NEAR(r->lower, 1.3151, 5e-5);
  EXPECT_NEAR(r->upper, 9.4519, 5e-5);
}

TEST(PoissonRate, PerHundredIsATenthOfPerThousand) {
  auto per100 = ExactPoissonRate(14, 400, 100, 0.95);
  auto per1000 = ExactPoissonRate(14, 400, 1000, 0.95);
  EXPECT_NEAR(per100->upper * 10, per1000->upper, 1e-12);
}

TEST(PoissonRate, RateRatioTestMatchesTheSpecExample) {
  auto t = ExactRateRatioTest(12, 800, 300, 60000, 0.95);
  ASSERT_TRUE(t.has_value());
  EXPECT_NEAR(t->estimate, 3.0, 1e-12);
  EXPECT_NEAR(t->lower, 1.5329, 5e-5);
  EXPECT_NEAR(t->upper, 5.3187, 5e-5);
  EXPECT_NEAR(t->p_value, 0.001035, 5e-7);
}

TEST(PoissonRate, RejectsNegativeCountsAndNonPositivePersonTime) {
  EXPECT_EQ(ExactPoissonRate(-1, 10, 100, 0.95).error().message(), "event count -1 is negative");
  EXPECT_EQ(ExactPoissonRate(1, 0, 100, 0.95).error().message(),
            "person-time 0 must be a finite number > 0");
  EXPECT_FALSE(ExactPoissonRate(1, 10, 100, 1.0).has_value());
  EXPECT_FALSE(ExactRateRatioTest(1, 10, 1, -5, 0.95).has_value());
}

}  // namespace
}  // namespace orp::stats
