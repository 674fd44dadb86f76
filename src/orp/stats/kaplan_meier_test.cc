#include "orp/stats/kaplan_meier.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace orp::stats {
namespace {

// statistics.md §1: Freireich 6-MP arm; times with status 0 are censored.
const std::vector<double> kFreireichTime = {6,  6,  6,  6,  7,  9,  10, 10, 11, 13, 16,
                                            17, 19, 20, 22, 23, 25, 32, 32, 34, 35};
const std::vector<int8_t> kFreireichStatus = {1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1,
                                              0, 0, 0, 1, 1, 0, 0, 0, 0, 0};

KaplanMeierCurve Freireich(ConfType type) {
  auto curves = KaplanMeier(SurvivalTimes{kFreireichTime, kFreireichStatus}, {type, 0.95});
  EXPECT_TRUE(curves.has_value());
  return (*curves)[0];
}

TEST(KaplanMeier, ReproducesTheFreireichTableOfTheSpec) {
  struct Row {
    double t;
    int64_t n_risk, d;
    double s, se, ll_lo, ll_hi, log_lo, log_hi, plain_lo, plain_hi;
  };
  const Row rows[] = {
      {6, 21, 3, 0.8571, 0.0764, 0.6197, 0.9516, 0.7198, 1.0000, 0.7075, 1.0000},
      {7, 17, 1, 0.8067, 0.0869, 0.5631, 0.9228, 0.6531, 0.9964, 0.6363, 0.9771},
      {10, 15, 1, 0.7529, 0.0963, 0.5032, 0.8894, 0.5859, 0.9676, 0.5641, 0.9418},
      {13, 12, 1, 0.6902, 0.1068, 0.4316, 0.8491, 0.5096, 0.9348, 0.4808, 0.8995},
      {16, 11, 1, 0.6275, 0.1141, 0.3675, 0.8049, 0.4394, 0.8960, 0.4039, 0.8510},
      {22, 7, 1, 0.5378, 0.1282, 0.2678, 0.7468, 0.3370, 0.8582, 0.2865, 0.7891},
      {23, 6, 1, 0.4482, 0.1346, 0.1881, 0.6801, 0.2488, 0.8074, 0.1844, 0.7120},
  };
  const KaplanMeierCurve ll = Freireich(ConfType::kLogLog);
  const KaplanMeierCurve log = Freireich(ConfType::kLog);
  const KaplanMeierCurve plain = Freireich(ConfType::kPlain);
  for (const Row& r : rows) {
    SCOPED_TRACE(r.t);
    size_t i = 0;
    while (ll.time[i] != r.t) ++i;
    EXPECT_EQ(ll.n_risk[i], r.n_risk);
    EXPECT_EQ(ll.n_event[i], r.d);
    EXPECT_NEAR(ll.surv[i], r.s, 1e-4);
    EXPECT_NEAR(ll.std_err[i], r.se, 1e-4);
    EXPECT_NEAR(ll.lower[i], r.ll_lo, 1e-4);
    EXPECT_NEAR(ll.upper[i], r.ll_hi, 1e-4);
    EXPECT_NEAR(log.lower[i], r.log_lo, 1e-4);
    EXPECT_NEAR(log.upper[i], r.log_hi, 1e-4);
    EXPECT_NEAR(plain.lower[i], r.plain_lo, 1e-4);
    EXPECT_NEAR(plain.upper[i], r.plain_hi, 1e-4);
  }
}

TEST(KaplanMeier, HasOneRowPerTimeAtWhichAnythingHappens) {
  const KaplanMeierCurve c = Freireich(ConfType::kLog);
  EXPECT_EQ(c.time,
            (std::vector<double>{6, 7, 9, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 34, 35}));
  EXPECT_EQ(c.n, 21);
  EXPECT_EQ(c.events, 9);
}

TEST(KaplanMeier, SurvivalIsFlatAfterLastEvent) {
  const KaplanMeierCurve c = Freireich(ConfType::kLog);
  for (size_t i = 12; i < c.size(); ++i) {  // rows after t = 23
    EXPECT_EQ(c.surv[i], c.surv[11]);
    EXPECT_EQ(c.std_err[i], c.std_err[11]);
  }
}

TEST(KaplanMeier, CountsCompetingEventsAsCensored) {
  std::vector<double> t = {1, 2, 3};
  std::vector<int8_t> s = {2, 1, 0};
  auto c = KaplanMeier(SurvivalTimes{t, s}, {});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ((*c)[0].n_censor, (std::vector<int64_t>{1, 0, 1}));
  EXPECT_DOUBLE_EQ((*c)[0].surv[1], 0.5);
}

TEST(KaplanMeier, ReachesZeroWithInfiniteGreenwoodAndUndefinedStandardError) {
  std::vector<double> t = {1, 2};
  std::vector<int8_t> s = {1, 1};
  auto c = KaplanMeier(SurvivalTimes{t, s}, {});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ((*c)[0].surv[1], 0.0);
  EXPECT_TRUE(std::isinf((*c)[0].log_std_err[1]));
  EXPECT_TRUE(std::isnan((*c)[0].std_err[1]));
  EXPECT_TRUE(std::isnan((*c)[0].lower[1]));
}

TEST(KaplanMeier, RejectsAConfidenceLevelOutsideZeroToOne) {
  auto c = KaplanMeier(SurvivalTimes{kFreireichTime, kFreireichStatus}, {ConfType::kLog, 1.5});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
}

TEST(KaplanMeier, SummaryAtTimesReadsTheStepBeforeAndTheRiskSetAfter) {
  const KaplanMeierCurve c = Freireich(ConfType::kLog);
  const std::vector<double> times = {6.5, 0, 36, 35};
  auto rows = SummariseAt(c, times, false);
  ASSERT_EQ(rows.size(), 3u);  // 36 is past the last time and dropped without extend
  EXPECT_EQ(rows[0].time, 0);
  EXPECT_EQ(rows[0].n_risk, 21);
  EXPECT_EQ(rows[0].surv, 1.0);
  EXPECT_EQ(rows[1].time, 6.5);
  EXPECT_EQ(rows[1].n_risk, 17);  // at risk at 7, the next curve time
  EXPECT_EQ(rows[1].n_event, 3);
  EXPECT_EQ(rows[1].n_censor, 1);
  EXPECT_EQ(rows[1].surv, c.surv[0]);
  EXPECT_EQ(rows[2].n_event, 6);  // every event after 6.5
  auto extended = SummariseAt(c, times, true);
  ASSERT_EQ(extended.size(), 4u);
  EXPECT_EQ(extended[3].n_risk, 0);
  EXPECT_EQ(extended[3].surv, c.surv.back());
}

}  // namespace
}  // namespace orp::stats
