#include "orp/stats/funnel.h"

#include <gtest/gtest.h>

#include <vector>

namespace orp::stats {
namespace {

double Exact(FunnelIndicator indicator, double theta0, double size, double p) {
  return ExactFunnelLimit(indicator, theta0, size, p)->unclipped;
}

// statistics.md §9, binomial theta0 = 0.05.
TEST(FunnelLimits, ExactBinomialLimitsMatchThePublishedTable) {
  const auto kP = FunnelIndicator::kProportion;
  EXPECT_NEAR(Exact(kP, 0.05, 100, 0.001), -0.00831, 5e-6);
  EXPECT_NEAR(Exact(kP, 0.05, 100, 0.025), 0.00612, 5e-6);
  EXPECT_NEAR(Exact(kP, 0.05, 100, 0.975), 0.09191, 5e-6);
  EXPECT_NEAR(Exact(kP, 0.05, 100, 0.999), 0.12464, 5e-6);
  EXPECT_NEAR(Exact(kP, 0.05, 400, 0.001), 0.01837, 5e-6);
  EXPECT_NEAR(Exact(kP, 0.05, 400, 0.025), 0.02840, 5e-6);
  EXPECT_NEAR(Exact(kP, 0.05, 400, 0.975), 0.07122, 5e-6);
  EXPECT_NEAR(Exact(kP, 0.05, 400, 0.999), 0.08549, 5e-6);
}

TEST(FunnelLimits, ProportionLimitsAreClippedAtZero) {
  auto limit = ExactFunnelLimit(FunnelIndicator::kProportion, 0.05, 100, 0.001);
  EXPECT_LT(limit->unclipped, 0);
  EXPECT_EQ(limit->value, 0.0);
}

TEST(FunnelLimits, NormalBinomialLimitsMatchThePublishedTable) {
  const auto kP = FunnelIndicator::kProportion;
  EXPECT_NEAR(NormalFunnelLimit(kP, 0.05, 100, 0.001)->unclipped, -0.01735, 5e-6);
  EXPECT_NEAR(NormalFunnelLimit(kP, 0.05, 100, 0.025)->unclipped, 0.00728, 5e-6);
  EXPECT_NEAR(NormalFunnelLimit(kP, 0.05, 100, 0.975)->unclipped, 0.09272, 5e-6);
  EXPECT_NEAR(NormalFunnelLimit(kP, 0.05, 100, 0.999)->unclipped, 0.11735, 5e-6);
}

TEST(FunnelLimits, ExactPoissonRatioLimitsMatchThePublishedTable) {
  const auto kR = FunnelIndicator::kRatio;
  EXPECT_NEAR(Exact(kR, 0, 10, 0.001), 0.1221, 5e-5);
  EXPECT_NEAR(Exact(kR, 0, 10, 0.025), 0.3775, 5e-5);
  EXPECT_NEAR(Exact(kR, 0, 10, 0.975), 1.6160, 5e-5);
  EXPECT_NEAR(Exact(kR, 0, 10, 0.999), 2.0662, 5e-5);
  EXPECT_NEAR(Exact(kR, 0, 50, 0.001), 0.5825, 5e-5);
  EXPECT_NEAR(Exact(kR, 0, 50, 0.025), 0.7224, 5e-5);
  EXPECT_NEAR(Exact(kR, 0, 50, 0.975), 1.2766, 5e-5);
  EXPECT_NEAR(Exact(kR, 0, 50, 0.999), 1.4550, 5e-5);
  EXPECT_NEAR(NormalFunnelLimit(kR, 0, 10, 0.001)->unclipped, 0.0228, 5e-5);
  EXPECT_NEAR(NormalFunnelLimit(kR, 0, 10, 0.999)->unclipped, 1.9772, 5e-5);
}

TEST(FunnelLimits, FunnelNarrowsAsTheExpectedCountGrows) {
  double previous = 1e9;
  for (double e : {1.0, 2.5, 10.0, 40.0, 200.0, 5000.0}) {
    const double upper = Exact(FunnelIndicator::kRatio, 0, e, 0.999);
    EXPECT_LT(upper, previous) << e;
    previous = upper;
  }
}

TEST(FunnelLimits, RejectsBadInput) {
  EXPECT_FALSE(ExactFunnelLimit(FunnelIndicator::kRatio, 0, 0, 0.5).has_value());
  EXPECT_FALSE(ExactFunnelLimit(FunnelIndicator::kProportion, 1.2, 10, 0.5).has_value());
  EXPECT_FALSE(ExactFunnelLimit(FunnelIndicator::kProportion, 0.1, 10.5, 0.5).has_value());
  EXPECT_FALSE(ExactFunnelLimit(FunnelIndicator::kRatio, 0, 5, 1.0).has_value());
}

// statistics.md §9 over-dispersion example: 12 units, SMR, s = 1/sqrt(E).
const std::vector<double> kObserved = {5, 12, 30, 8, 45, 20, 3, 60, 15, 25, 9, 40};
const std::vector<double> kExpected = {6, 10, 22, 9, 30, 21, 5, 41, 16, 18, 10, 28};

TEST(Overdispersion, WinsorisedPhiAndTauMatchThePublishedExample) {
  FunnelOptions options;
  options.overdispersion = Overdispersion::kAdditive;
  auto plot = MakeFunnelPlot(kObserved, kExpected, options);
  ASSERT_TRUE(plot.has_value()) << plot.error().message();
  const std::vector<double> z = {-0.408, 0.632, 1.706,  -0.333, 2.739,  -0.218,
                                 -0.894, 2.967, -0.250, 1.650,  -0.316, 2.268};
  const std::vector<double> adjusted = {-0.336, 0.472, 1.028,  -0.254, 1.487,  -0.133,
                                        -0.756, 1.436, -0.166, 1.057,  -0.236, 1.261};
  for (size_t i = 0; i < z.size(); ++i) {
    EXPECT_NEAR(plot->fit.z[i], z[i], 5e-4) << i;
    EXPECT_NEAR(plot->fit.z_adjusted[i], adjusted[i], 5e-4) << i;
  }
  EXPECT_NEAR(plot->fit.phi, 2.1921, 5e-5);
  EXPECT_NEAR(plot->fit.chi2_p, 0.0058, 5e-5);
  EXPECT_NEAR(plot->fit.tau2, 0.07977, 5e-6);
  EXPECT_NEAR(LimitsAt(*plot, 10)->upper998, 2.3102, 5e-5);
  plot->overdispersion = Overdispersion::kMultiplicative;
  EXPECT_NEAR(LimitsAt(*plot, 10)->upper998, 2.4468, 5e-5);
}

TEST(Overdispersion, NoExcessVariationGivesTauZero) {
  // Every unit exactly on target: z = 0, phi = 0, no random effect.
  const std::vector<double> o = {10, 20, 5};
  const std::vector<double> e = {10, 20, 5};
  auto plot = MakeFunnelPlot(o, e, {});
  EXPECT_EQ(plot->fit.phi, 0.0);
  EXPECT_EQ(plot->fit.tau2, 0.0);
}

TEST(FunnelPlot, ClassifiesAlertsAndAlarmsBeyondTheirLimits) {
  // E = 10: exact 95% upper 1.6160, 99.8% upper 2.0662, lower 0.3775 / 0.1221.
  const std::vector<double> o = {10, 17, 21, 3, 0};
  const std::vector<double> e = {10, 10, 10, 10, 10};
  auto plot = MakeFunnelPlot(o, e, {});
  ASSERT_TRUE(plot.has_value());
  EXPECT_EQ(plot->points[0].classification, FunnelClass::kWithin);
  EXPECT_EQ(plot->points[1].classification, FunnelClass::kAlertHigh);
  EXPECT_EQ(plot->points[2].classification, FunnelClass::kAlarmHigh);
  EXPECT_EQ(plot->points[3].classification, FunnelClass::kAlertLow);
  EXPECT_EQ(plot->points[4].classification, FunnelClass::kAlarmLow);
  EXPECT_EQ(FunnelClassName(plot->points[2].classification), "alarm-high");
}

TEST(FunnelPlot, AValueOnTheLimitIsWithin) {
  FunnelLimits limits{10, 0.1, 0.4, 1.6, 2.0};
  EXPECT_EQ(Classify(1.6, limits), FunnelClass::kWithin);
  EXPECT_EQ(Classify(2.0, limits), FunnelClass::kAlertHigh);
  EXPECT_EQ(Classify(0.4, limits), FunnelClass::kWithin);
}

TEST(FunnelPlot, ProportionTargetDefaultsToThePooledRate) {
  const std::vector<double> deaths = {2, 8, 5};
  const std::vector<double> operations = {100, 200, 100};
  FunnelOptions options;
  options.indicator = FunnelIndicator::kProportion;
  auto plot = MakeFunnelPlot(deaths, operations, options);
  ASSERT_TRUE(plot.has_value());
  EXPECT_DOUBLE_EQ(plot->theta0, 15.0 / 400.0);
}

TEST(FunnelPlot, OverdispersionWidensTheLimits) {
  FunnelOptions none;
  FunnelOptions additive;
  additive.overdispersion = Overdispersion::kAdditive;
  auto narrow = MakeFunnelPlot(kObserved, kExpected, none);
  auto wide = MakeFunnelPlot(kObserved, kExpected, additive);
  // Unit 8 (O 60, E 41) is an alert on the exact funnel but within the over-dispersed one.
  EXPECT_EQ(narrow->points[7].classification, FunnelClass::kAlertHigh);
  EXPECT_EQ(wide->points[7].classification, FunnelClass::kWithin);
}

}  // namespace
}  // namespace orp::stats
