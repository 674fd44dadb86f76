#include "orp/stats/benchmark_rating.h"

#include <gtest/gtest.h>

#include <vector>

namespace orp::stats {
namespace {

// statistics.md §1: the Freireich 6-MP arm, read here as years since the primary.
KaplanMeierCurve Freireich() {
  static const std::vector<double> time = {6,  6,  6,  6,  7,  9,  10, 10, 11, 13, 16,
                                           17, 19, 20, 22, 23, 25, 32, 32, 34, 35};
  static const std::vector<int8_t> status = {1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1,
                                             0, 0, 0, 1, 1, 0, 0, 0, 0, 0};
  auto curves = KaplanMeier(SurvivalTimes{time, status}, {ConfType::kLogLog, 0.95});
  return std::move(curves->front());
}

TEST(BenchmarkRating, UpperLimitIsOneMinusTheLogLogLowerLimit) {
  const std::vector<ClassRevision> cls = {{10, 0.48}};
  const std::vector<BenchmarkCriterion> criteria = {{10, "A*", 21, 13, 0.02, std::nullopt}};
  auto rating = RateAgainstBenchmarks(Freireich(), cls, criteria, 1);
  ASSERT_TRUE(rating.has_value()) << rating.error().message();
  const BenchmarkEvaluation& e = rating->evaluations[0];
  EXPECT_NEAR(e.revision, 1 - 0.7529, 5e-5);
  EXPECT_NEAR(e.upper_revision, 1 - 0.5032, 5e-5);  // spec table, log-log at t = 10
  EXPECT_EQ(e.at_risk, 13);                         // follow-up beyond 10 years
  EXPECT_NEAR(e.threshold, 0.50, 1e-12);
  EXPECT_TRUE(e.met);
  EXPECT_EQ(rating->rating, "10A*");
}

TEST(BenchmarkRating, UpperLimitEqualToTheThresholdFails) {
  const KaplanMeierCurve curve = Freireich();
  auto first = RateAgainstBenchmarks(
      curve, {}, std::vector<BenchmarkCriterion>{{10, "A*", 0, 0, 0.02, 0.9}}, 1);
  const double upper = first->evaluations[0].upper_revision;
  const std::vector<BenchmarkCriterion> on_boundary = {{10, "A*", 0, 0, 0.02, upper}};
  auto rating = RateAgainstBenchmarks(curve, {}, on_boundary, 1);
  EXPECT_FALSE(rating->evaluations[0].met);
  EXPECT_EQ(rating->rating, "");
}

TEST(BenchmarkRating, TooFewAtRiskFailsWithAReason) {
  const std::vector<ClassRevision> cls = {{10, 0.48}};
  const std::vector<BenchmarkCriterion> criteria = {{10, "A*", 0, 14, 0.02, std::nullopt}};
  auto rating = RateAgainstBenchmarks(Freireich(), cls, criteria, 1);
  EXPECT_FALSE(rating->evaluations[0].met);
  EXPECT_EQ(rating->evaluations[0].reason, "13 at risk past year 10, below the minimum 14");
}

TEST(BenchmarkRating, LongestMetYearAndBestLetterWin) {
  const std::vector<ClassRevision> cls = {{3, 0.30}, {5, 0.30}, {10, 0.30}};
  // Year 10 fails (upper 0.497 vs 0.32); year 5 has no revision, so log-log is undefined.
  const std::vector<BenchmarkCriterion> criteria = {{10, "A*", 0, 0, 0.02, std::nullopt},
                                                    {7, "A*", 0, 50, 0.02, 0.9},
                                                    {7, "A", 0, 10, 0.02, 0.9},
                                                    {7, "B", 0, 0, 0.02, 0.9},
                                                    {5, "A*", 0, 0, 0.02, std::nullopt}};
  auto rating = RateAgainstBenchmarks(Freireich(), cls, criteria, 1);
  ASSERT_TRUE(rating.has_value());
  EXPECT_FALSE(rating->evaluations[0].met);
  EXPECT_FALSE(rating->evaluations[1].met);
  EXPECT_TRUE(rating->evaluations[2].met);
  EXPECT_EQ(rating->rating, "7A");
  EXPECT_FALSE(rating->evaluations[4].met);  // S(5) = 1: no interval on the log-log scale
}

TEST(BenchmarkRating, DaysAreConvertedToYears) {
  const std::vector<ClassRevision> cls = {{10, 0.48}};
  const std::vector<BenchmarkCriterion> criteria = {
      {10.0 / 365.25, "A*", 0, 0, 0.02, std::nullopt}};
  const std::vector<ClassRevision> cls_days = {{10.0 / 365.25, 0.48}};
  auto rating = RateAgainstBenchmarks(Freireich(), cls_days, criteria, 365.25);
  EXPECT_NEAR(rating->evaluations[0].upper_revision, 1 - 0.5032, 5e-5);
}

TEST(BenchmarkRating, MissingClassRateIsAnError) {
  const std::vector<BenchmarkCriterion> criteria = {{10, "A*", 0, 0, 0.02, std::nullopt}};
  EXPECT_EQ(RateAgainstBenchmarks(Freireich(), {}, criteria, 1).error().message(),
            "benchmark year 10: no class revision rate in [0, 1] and no explicit ceiling");
}

}  // namespace
}  // namespace orp::stats
