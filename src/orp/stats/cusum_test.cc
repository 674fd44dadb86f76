#include "orp/stats/cusum.h"

#include <gtest/gtest.h>

#include <vector>

namespace orp::stats {
namespace {

// statistics.md §10.
TEST(Cusum, WeightsMatchThePublishedValues) {
  EXPECT_NEAR(CusumWeight(0.05, true, 2), 0.64436, 5e-6);
  EXPECT_NEAR(CusumWeight(0.05, false, 2), -0.04879, 5e-6);
  EXPECT_NEAR(CusumWeight(0.20, true, 2), 0.51083, 5e-6);
  EXPECT_NEAR(CusumWeight(0.20, false, 2), -0.18232, 5e-6);
}

const std::vector<double> kRisk = {0.05, 0.10, 0.02, 0.30, 0.05, 0.10, 0.20, 0.05, 0.15, 0.05};
const std::vector<uint8_t> kFailed = {0, 1, 0, 1, 1, 0, 1, 1, 0, 1};

TEST(Cusum, TenPatientPathMatchesThePublishedExample) {
  auto chart = RiskAdjustedCusum(kRisk, kFailed, {});
  ASSERT_TRUE(chart.has_value()) << chart.error().message();
  const std::vector<double> upper = {0,      0.5978, 0.5780, 1.0088, 1.6532,
                                     1.5579, 2.0687, 2.7130, 2.5733, 3.2176};
  const std::vector<double> lower = {-0.0253, 0, -0.0101, 0, 0, -0.0513, 0, 0, -0.0780, 0};
  const std::vector<double> vlad = {0.05,  -0.85, -0.83, -1.53, -2.48,
                                    -2.38, -3.18, -4.13, -3.98, -4.93};
  for (size_t t = 0; t < upper.size(); ++t) {
    EXPECT_NEAR(chart->upper[t], upper[t], 5e-5) << t;
    EXPECT_NEAR(chart->lower[t], lower[t], 5e-5) << t;
    EXPECT_NEAR(chart->vlad[t], vlad[t], 1e-12) << t;
  }
  EXPECT_TRUE(chart->upper_signals.empty());
}

TEST(Cusum, SignalsAtTheLimitAndRestartsFromZero) {
  CusumOptions options;
  options.h_up = 1.6;  // crossed at patient 5 (1.6532), then again from 0
  auto chart = RiskAdjustedCusum(kRisk, kFailed, options);
  ASSERT_FALSE(chart->upper_signals.empty());
  EXPECT_EQ(chart->upper_signals[0], 4);
  EXPECT_NEAR(chart->upper[4], 1.6532, 5e-5);  // the path shows the value that signalled
  EXPECT_LT(chart->upper[5], 0.1);             // ... and restarts after it
  options.reset_after_signal = false;
  auto no_reset = RiskAdjustedCusum(kRisk, kFailed, options);
  EXPECT_NEAR(no_reset->upper[5], 1.5579, 5e-5);
}

TEST(Cusum, RejectsRisksOutsideZeroOneAndBadOutcomes) {
  const std::vector<double> risk = {0.1, 1.0};
  const std::vector<uint8_t> failed = {0, 1};
  EXPECT_EQ(RiskAdjustedCusum(risk, failed, {}).error().message(),
            "patient 2: predicted risk 1 must be between 0 and 1");
  const std::vector<double> ok = {0.1, 0.2};
  const std::vector<uint8_t> bad = {0, 2};
  EXPECT_FALSE(RiskAdjustedCusum(ok, bad, {}).has_value());
  EXPECT_FALSE(RiskAdjustedCusum(ok, failed, {.odds_ratio_up = 1}).has_value());
}

// p ~ U(0.01, 0.20) as a fixed grid of 1,000 risks.
std::vector<double> UniformRiskMix() {
  std::vector<double> mix;
  for (int i = 0; i < 1000; ++i) mix.push_back(0.01 + 0.19 * (i + 0.5) / 1000);
  return mix;
}

TEST(CusumArl, MarkovChainMatchesThePublishedSimulation) {
  const auto mix = UniformRiskMix();
  auto arl0 = MarkovChainArl(mix, 2, 4.5, 1);
  auto arl1 = MarkovChainArl(mix, 2, 4.5, 2);
  ASSERT_TRUE(arl0.has_value());
  EXPECT_NEAR(*arl0, 4400, 0.05 * 4400);
  EXPECT_NEAR(*arl1, 125, 0.05 * 125);
}

TEST(CusumArl, SimulationAgreesWithTheMarkovChain) {
  const auto mix = UniformRiskMix();
  auto simulated = SimulateArl(mix, 2, 4.5, 2, 2000, 7);
  auto markov = MarkovChainArl(mix, 2, 4.5, 2);
  ASSERT_TRUE(simulated.has_value());
  EXPECT_NEAR(simulated->mean, *markov, 4 * simulated->std_error);
}

TEST(CusumArl, ControlLimitReachesTheTargetRunLength) {
  const auto mix = UniformRiskMix();
  auto h = ControlLimitForArl(mix, 2, 4400);
  ASSERT_TRUE(h.has_value());
  EXPECT_NEAR(*h, 4.5, 0.1);
  EXPECT_NEAR(*MarkovChainArl(mix, 2, *h, 1), 4400, 4400 * 1e-3);
}

TEST(CusumArl, ImprovementChartHasItsOwnLimit) {
  const auto mix = UniformRiskMix();
  auto h_down = ControlLimitForArl(mix, 0.5, 4400);
  ASSERT_TRUE(h_down.has_value());
  EXPECT_GT(*h_down, 0);
  // Halved odds of failure should signal on the improvement chart far sooner than in control.
  EXPECT_LT(*MarkovChainArl(mix, 0.5, *h_down, 0.5), 4400 / 5.0);
}

TEST(CusumArl, FinerGridsConverge) {
  const auto mix = UniformRiskMix();
  // The default 400 states are within 1% of four times as many (4,301 vs 4,325 here).
  const double standard = *MarkovChainArl(mix, 2, 4.5, 1);
  const double fine = *MarkovChainArl(mix, 2, 4.5, 1, {.states = 1600});
  EXPECT_NEAR(standard, fine, 0.01 * fine);
  EXPECT_LT(standard, fine);  // the split discretisation approaches from below
}

}  // namespace
}  // namespace orp::stats
