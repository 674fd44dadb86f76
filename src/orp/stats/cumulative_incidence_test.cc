#include "orp/stats/cumulative_incidence.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "orp/stats/kaplan_meier.h"

namespace orp::stats {
namespace {

// statistics.md §2 toy data (years; 0 censored, 1 revision, 2 death).
const std::vector<double> kTime = {0.5, 1,   1, 1.5, 2,   2, 2.5, 3, 3, 3.5,
                                   4,   4.5, 5, 5,   5.5, 6, 6.5, 7, 8, 9};
const std::vector<int8_t> kStatus = {1, 2, 0, 1, 2, 0, 1, 0, 2, 1, 0, 2, 1, 0, 2, 0, 1, 2, 0, 0};

TEST(CumulativeIncidence, ReproducesTheSpecToyTable) {
  auto result = CumulativeIncidenceOf(SurvivalTimes{kTime, kStatus});
  ASSERT_TRUE(result.has_value());
  const CompetingRisks& cr = (*result)[0];
  struct Row {
    double t, revision, gray_var, death;
  };
  for (const Row& r : {Row{1, 0.0500, 0.002500, 0.0500}, Row{2, 0.1029, 0.005041, 0.1029},
                       Row{3, 0.1597, 0.007665, 0.1597}, Row{5, 0.2903, 0.013553, 0.2284},
                       Row{7, 0.3906, 0.020753, 0.4089}}) {
    SCOPED_TRACE(r.t);
    EXPECT_NEAR(cr.event.At(r.t).estimate, r.revision, 1e-4);
    EXPECT_NEAR(cr.event.At(r.t).variance, r.gray_var, 1e-6);
    EXPECT_NEAR(cr.competing.At(r.t).estimate, r.death, 1e-4);
  }
}

TEST(CumulativeIncidence, NeverExceedsOneMinusKaplanMeierThatCensorsDeaths) {
  auto cif = CumulativeIncidenceOf(SurvivalTimes{kTime, kStatus});
  auto km = KaplanMeier(SurvivalTimes{kTime, kStatus}, {});
  ASSERT_TRUE(cif.has_value() && km.has_value());
  const KaplanMeierCurve& c = (*km)[0];
  for (size_t i = 0; i < c.size(); ++i) {
    EXPECT_LE((*cif)[0].event.At(c.time[i]).estimate, 1 - c.surv[i] + 1e-15);
  }
}

TEST(CumulativeIncidence, IsUndefinedBeforeZeroAndAfterTheLastFollowUp) {
  auto cif = CumulativeIncidenceOf(SurvivalTimes{kTime, kStatus});
  ASSERT_TRUE(cif.has_value());
  EXPECT_TRUE(std::isnan((*cif)[0].event.At(9.5).estimate));
  EXPECT_TRUE(std::isnan((*cif)[0].event.At(-1).variance));
  EXPECT_EQ((*cif)[0].event.At(0.25).estimate, 0.0);
  EXPECT_EQ((*cif)[0].event.At(9).estimate, (*cif)[0].event.estimate.back());
}

TEST(CumulativeIncidence, HoldsTheVarianceAtCompetingOnlyTimesAsCmprskDoes) {
  // t = 1 has only a death: the revision variance stays at its t = 0.5 value.
  auto cif = CumulativeIncidenceOf(SurvivalTimes{kTime, kStatus});
  ASSERT_TRUE(cif.has_value());
  EXPECT_EQ((*cif)[0].event.At(1).variance, (*cif)[0].event.At(0.5).variance);
}

TEST(CumulativeIncidence, RefusesLateEntryBecauseCumincHasNone) {
  std::vector<double> entry(kTime.size(), 0.1);
  entry[0] = 0;
  auto cif = CumulativeIncidenceOf(SurvivalTimes{kTime, kStatus, entry});
  ASSERT_FALSE(cif.has_value());
  EXPECT_EQ(cif.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace orp::stats
