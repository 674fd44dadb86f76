// Golden tests: funnel limits, over-dispersion, CUSUM paths and run lengths, maxSPRT critical
// values, NJR/AOANJRR implant outliers and ODEP-style upper limits against R. The expected
// numbers were written by test/golden/make_surveillance_fixtures.R (R 4.2.2, survival 3.5.3;
// each file names its versions); this test only reads them.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "orp/stats/benchmark_rating.h"
#include "orp/stats/cusum.h"
#include "orp/stats/funnel.h"
#include "orp/stats/golden_test_util.h"
#include "orp/stats/kaplan_meier.h"
#include "orp/stats/maxsprt.h"
#include "orp/stats/outliers.h"

namespace orp::stats {
namespace {

using nlohmann::json;

using golden::Numbers;
using golden::ReadFixture;

double Scalar(const json& v) { return v.at(0).get<double>(); }

TEST(SurveillanceGolden, ExactAndNormalFunnelLimitsEqualR) {
  const json f = ReadFixture("surveillance_funnel.json");
  for (const auto& [key, indicator] : {std::pair{"binomial", FunnelIndicator::kProportion},
                                       std::pair{"ratio", FunnelIndicator::kRatio}}) {
    for (const json& c : f.at(key)) {
      const double theta0 = c.contains("theta0") ? Scalar(c["theta0"]) : 1.0;
      const double size = Scalar(c["size"]);
      const auto p = Numbers(c["p"]);
      const auto exact = Numbers(c["exact"]);
      const auto normal = Numbers(c["normal"]);
      for (size_t i = 0; i < p.size(); ++i) {
        EXPECT_NEAR(ExactFunnelLimit(indicator, theta0, size, p[i])->unclipped, exact[i],
                    1e-9 * std::max(1.0, std::abs(exact[i])))
            << key << " size " << size << " p " << p[i];
        EXPECT_NEAR(NormalFunnelLimit(indicator, theta0, size, p[i])->unclipped, normal[i], 1e-12);
      }
    }
  }
}

TEST(SurveillanceGolden, OverdispersionEqualsR) {
  const json f = ReadFixture("surveillance_funnel.json");
  for (const json& c : f.at("overdispersion")) {
    auto fit = FitOverdispersion(Numbers(c["y"]), Numbers(c["s"]), Scalar(c["theta0"]), 0.1);
    ASSERT_TRUE(fit.has_value());
    EXPECT_NEAR(fit->phi, Scalar(c["phi"]), 1e-10);
    EXPECT_NEAR(fit->chi2_p, Scalar(c["chi2_p"]), 1e-10);
    EXPECT_NEAR(fit->tau2, Scalar(c["tau2"]), 1e-12);
    const auto zw = Numbers(c["z_winsorised"]);
    const auto za = Numbers(c["z_adjusted"]);
    for (size_t i = 0; i < zw.size(); ++i) {
      EXPECT_NEAR(fit->z_winsorised[i], zw[i], 1e-10) << i;
      EXPECT_NEAR(fit->z_adjusted[i], za[i], 1e-10) << i;
    }
  }
  // The proportion units through MakeFunnelPlot: the pooled target is R's.
  const json& units = f.at("proportion_units");
  FunnelOptions options;
  options.indicator = FunnelIndicator::kProportion;
  auto plot = MakeFunnelPlot(Numbers(units["observed"]), Numbers(units["size"]), options);
  ASSERT_TRUE(plot.has_value());
  EXPECT_NEAR(plot->fit.tau2, Scalar(f["overdispersion"][1]["tau2"]), 1e-12);
}

TEST(SurveillanceGolden, CusumPathEqualsR) {
  const json f = ReadFixture("surveillance_cusum.json");
  const json& c = f.at("path");
  const auto risk = Numbers(c["risk"]);
  std::vector<uint8_t> failed;
  for (double y : Numbers(c["failed"])) failed.push_back(static_cast<uint8_t>(y));
  CusumOptions options;
  options.h_up = Scalar(c["h_up"]);
  options.h_down = Scalar(c["h_down"]);
  auto chart = RiskAdjustedCusum(risk, failed, options);
  ASSERT_TRUE(chart.has_value());
  const auto upper = Numbers(c["upper"]);
  const auto lower = Numbers(c["lower"]);
  const auto vlad = Numbers(c["vlad"]);
  for (size_t t = 0; t < upper.size(); ++t) {
    EXPECT_NEAR(chart->upper[t], upper[t], 1e-10) << t;
    EXPECT_NEAR(chart->lower[t], lower[t], 1e-10) << t;
    EXPECT_NEAR(chart->vlad[t], vlad[t], 1e-9) << t;
  }
  std::vector<double> signals(chart->upper_signals.begin(), chart->upper_signals.end());
  EXPECT_EQ(signals, Numbers(c["upper_signals"]));
  EXPECT_FALSE(signals.empty());  // the planted doubling after patient 300 is caught
}

TEST(SurveillanceGolden, MarkovRunLengthsAgreeWithRSimulation) {
  const json f = ReadFixture("surveillance_cusum.json");
  const auto mix = Numbers(f["risk_mix"]);
  for (const json& c : f.at("arl")) {
    auto arl = MarkovChainArl(mix, Scalar(c["chart_odds_ratio"]), Scalar(c["h"]),
                              Scalar(c["true_odds_ratio"]));
    ASSERT_TRUE(arl.has_value());
    // Four simulation standard errors plus 1% for the discretisation.
    const double mean = Scalar(c["mean"]);
    EXPECT_NEAR(*arl, mean, 4 * Scalar(c["std_error"]) + 0.01 * mean)
        << "OR " << Scalar(c["chart_odds_ratio"]) << " true " << Scalar(c["true_odds_ratio"]);
  }
}

TEST(SurveillanceGolden, MaxSprtCriticalValuesEqualR) {
  const json f = ReadFixture("surveillance_maxsprt.json");
  for (const json& c : f.at("critical_values")) {
    const double t = Scalar(c["upper_limit"]);
    const auto m = static_cast<int64_t>(Scalar(c["min_events"]));
    auto cv = PoissonMaxSprtCriticalValue(t, Scalar(c["alpha"]), m);
    ASSERT_TRUE(cv.has_value()) << cv.error().message();
    EXPECT_NEAR(*cv, Scalar(c["cv"]), 1e-6) << "T " << t << " M " << m;
  }
  EXPECT_FALSE(PoissonMaxSprtCriticalValue(1, 0.05, 4).has_value());
}

std::vector<ImplantExposure> OutlierImplants(const json& f) {
  const auto group = Numbers(f["group"]);
  const auto primaries = Numbers(f["primaries"]);
  const auto revisions = Numbers(f["revisions"]);
  const auto person_years = Numbers(f["person_years"]);
  std::vector<ImplantExposure> rows;
  for (size_t i = 0; i < group.size(); ++i) {
    rows.push_back({static_cast<int32_t>(group[i]), static_cast<int64_t>(primaries[i]),
                    static_cast<int64_t>(revisions[i]), person_years[i]});
  }
  return rows;
}

TEST(SurveillanceGolden, NjrOutliersEqualPoissonTest) {
  const json f = ReadFixture("surveillance_outliers.json");
  auto out = NjrImplantOutliers(OutlierImplants(f));
  ASSERT_TRUE(out.has_value());
  for (size_t i = 0; i < out->size(); ++i) {
    const json& e = f["njr"][i];
    EXPECT_NEAR((*out)[i].ratio, Scalar(e["ratio"]), 1e-12 * Scalar(e["ratio"])) << i;
    EXPECT_NEAR((*out)[i].lower, Scalar(e["lower"]), 1e-8 * Scalar(e["lower"]) + 1e-14) << i;
    EXPECT_NEAR((*out)[i].upper, Scalar(e["upper"]), 1e-8 * Scalar(e["upper"])) << i;
    EXPECT_NEAR((*out)[i].p_value, Scalar(e["p_value"]), 1e-9) << i;
    EXPECT_EQ(NjrLevelName((*out)[i].level), e["level"].get<std::string>()) << i;
  }
}

TEST(SurveillanceGolden, AoanjrrScreenEqualsR) {
  const json f = ReadFixture("surveillance_outliers.json");
  auto out = AoanjrrStageOneScreen(OutlierImplants(f));
  ASSERT_TRUE(out.has_value());
  int flagged = 0;
  for (size_t i = 0; i < out->size(); ++i) {
    const json& e = f["aoanjrr"][i];
    EXPECT_NEAR((*out)[i].group_rate, Scalar(e["group_rate"]), 1e-12) << i;
    EXPECT_NEAR((*out)[i].expected, Scalar(e["expected"]), 1e-12) << i;
    EXPECT_NEAR((*out)[i].p_value, Scalar(e["p_value"]), 1e-10) << i;
    EXPECT_EQ((*out)[i].flagged, e["flagged"].get<std::string>() == "true") << i;
    flagged += (*out)[i].flagged;
  }
  EXPECT_GT(flagged, 0);
}

TEST(SurveillanceGolden, BenchmarkUpperLimitsEqualSurvfit) {
  const json f = ReadFixture("surveillance_benchmark.json");
  const auto time = Numbers(f["time"]);
  std::vector<int8_t> status;
  for (double s : Numbers(f["status"])) status.push_back(static_cast<int8_t>(s));
  auto curves = KaplanMeier(SurvivalTimes{time, status}, {ConfType::kLogLog, 0.95});
  ASSERT_TRUE(curves.has_value());
  const auto years = Numbers(f["years"]);
  std::vector<BenchmarkCriterion> criteria;
  for (double y : years) criteria.push_back({y, "A*", 0, 0, 0.02, 1.0});
  auto rating = RateAgainstBenchmarks(curves->front(), {}, criteria, 1);
  ASSERT_TRUE(rating.has_value());
  const auto upper = Numbers(f["upper_revision"]);
  const auto at_risk = Numbers(f["at_risk"]);
  for (size_t i = 0; i < years.size(); ++i) {
    EXPECT_NEAR(rating->evaluations[i].upper_revision, upper[i], 1e-10) << years[i];
    EXPECT_EQ(static_cast<double>(rating->evaluations[i].at_risk), at_risk[i]) << years[i];
  }
}

}  // namespace
}  // namespace orp::stats
