#include "orp/synth/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace orp::synth {
namespace {

TEST(SplitMix64, FirstOutputFromZeroMatchesTheReferenceImplementation) {
  // Vigna's splitmix64.c seeded with 0 first returns 0xe220a8397b1dcdaf.
  uint64_t state = 0;
  EXPECT_EQ(SplitMix64(state), 0xe220a8397b1dcdafULL);
}

TEST(Rng, SameSeedGivesTheSameSequence) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, UniformStaysInTheUnitIntervalWithMeanOneHalf) {
  Rng rng(7);
  double sum = 0;
  for (int i = 0; i < 200000; ++i) {
    const double u = rng.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 200000, 0.5, 0.005);
}

TEST(Rng, BelowHitsEveryValueEvenly) {
  Rng rng(9);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) ++counts[rng.Below(7)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
  for (int i = 0; i < 1000; ++i) {
    const int x = rng.Between(-2, 2);
    ASSERT_GE(x, -2);
    ASSERT_LE(x, 2);
  }
}

TEST(Rng, NormalHasTheRequestedMeanAndSpread) {
  Rng rng(11);
  double sum = 0, sum2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double x = rng.Normal(10, 3);
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 10, 0.05);
  EXPECT_NEAR(std::sqrt(sum2 / n - mean * mean), 3, 0.05);
}

TEST(Rng, WeibullMeanIsScaleTimesGammaOfOnePlusOneOverShape) {
  Rng rng(13);
  double sum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) sum += rng.Weibull(2.0, 5.0);
  EXPECT_NEAR(sum / n, 5.0 * std::tgamma(1.5), 0.05);
  double exp_sum = 0;
  for (int i = 0; i < n; ++i) exp_sum += rng.Exponential(4.0);
  EXPECT_NEAR(exp_sum / n, 0.25, 0.005);
}

TEST(Categorical, DrawsInProportionToWeightsAndNeverAZeroWeight) {
  Rng rng(17);
  const std::vector<double> weights = {1, 0, 3};
  Categorical categorical(weights);
  std::vector<int> counts(3, 0);
  for (int i = 0; i < 40000; ++i) ++counts[categorical.Sample(rng)];
  EXPECT_EQ(counts[1], 0);
  EXPECT_NEAR(counts[0], 10000, 400);
  std::vector<int> choose_counts(3, 0);
  for (int i = 0; i < 40000; ++i) ++choose_counts[rng.Choose(weights)];
  EXPECT_EQ(choose_counts[1], 0);
  EXPECT_NEAR(choose_counts[2], 30000, 400);
}

}  // namespace
}  // namespace orp::synth
