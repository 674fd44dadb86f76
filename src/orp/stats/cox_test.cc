#include "orp/stats/cox.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "orp/stats/cox_linalg.h"

namespace orp::stats {
namespace {

// survival::aml (Embury et al.): weeks to relapse, maintained chemotherapy (x = 0) or not (1).
const std::vector<double> kAmlTime = {9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5,
                                      5, 8,  8,  12, 16, 23, 27, 30, 33, 43, 45};
const std::vector<int32_t> kAmlStatus = {1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1,
                                         1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1};
const std::vector<double> kAmlX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                                   1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
const std::vector<std::string> kX = {"x=Nonmaintained"};

Result<CoxFit> FitAml(CoxTies ties) {
  CoxOptions options;
  options.ties = ties;
  return FitCox({kAmlTime, kAmlStatus, kAmlX, kX, {}}, options);
}

// statistics.md §4, computed with R survival 3.5.3.
TEST(Cox, MatchesTheAmlWorkedExampleWithEfronTies) {
  auto fit = FitAml(CoxTies::kEfron);
  ASSERT_TRUE(fit.has_value()) << fit.error().message();
  const CoxCoefficient& c = fit->coefficients.at(0);
  EXPECT_NEAR(c.coef, 0.91553, 5e-6);
  EXPECT_NEAR(c.hr, 2.4981, 5e-5);
  EXPECT_NEAR(c.se, 0.51193, 5e-6);
  EXPECT_NEAR(c.z, 1.788, 5e-4);
  EXPECT_NEAR(c.p, 0.0737, 5e-5);
  EXPECT_EQ(fit->n, 23);
  EXPECT_EQ(fit->events, 18);
  EXPECT_EQ(fit->ties, CoxTies::kEfron);
}

TEST(Cox, MatchesTheAmlWorkedExampleWithBreslowTies) {
  auto fit = FitAml(CoxTies::kBreslow);
  ASSERT_TRUE(fit.has_value()) << fit.error().message();
  EXPECT_NEAR(fit->coefficients.at(0).coef, 0.90422, 5e-6);
  EXPECT_NEAR(fit->coefficients.at(0).hr, 2.4700, 5e-5);
  EXPECT_NEAR(fit->coefficients.at(0).se, 0.51225, 5e-6);
}

// The score test of a single two-group factor is the log-rank test (statistics.md: 3.4 on 1 df).
TEST(Cox, ScoreTestOfOneGroupIsTheLogRankTest) {
  auto fit = FitAml(CoxTies::kEfron);
  ASSERT_TRUE(fit.has_value());
  EXPECT_NEAR(fit->score_test, 3.4, 0.05);
  EXPECT_NEAR(ChiSquarePValue(fit->score_test, 1), 0.0645, 5e-4);
}

TEST(Cox, EfronAndBreslowAgreeWhenNoEventTimesAreTied) {
  const std::vector<double> time = {1, 2, 3, 4, 5, 6, 7, 8};
  const std::vector<int32_t> status = {1, 0, 1, 1, 0, 1, 1, 0};
  const std::vector<double> x = {0.3, 1.1, -0.4, 2.0, 0.9, -1.2, 0.5, 0.0};
  const std::vector<std::string> names = {"x"};
  CoxOptions options;
  auto efron = FitCox({time, status, x, names, {}}, options);
  options.ties = CoxTies::kBreslow;
  auto breslow = FitCox({time, status, x, names, {}}, options);
  ASSERT_TRUE(efron && breslow);
  EXPECT_DOUBLE_EQ(efron->coefficients[0].coef, breslow->coefficients[0].coef);
  EXPECT_DOUBLE_EQ(efron->loglik, breslow->loglik);
}

// Two identical strata: the same beta, and every log-likelihood doubles.
TEST(Cox, IdenticalStrataGiveTheSameCoefficientsAndTwiceTheLogLikelihood) {
  std::vector<double> time = kAmlTime, x = kAmlX;
  std::vector<int32_t> status = kAmlStatus, strata(kAmlTime.size(), 0);
  time.insert(time.end(), kAmlTime.begin(), kAmlTime.end());
  x.insert(x.end(), kAmlX.begin(), kAmlX.end());
  status.insert(status.end(), kAmlStatus.begin(), kAmlStatus.end());
  strata.resize(time.size(), 7);
  auto one = FitAml(CoxTies::kEfron);
  auto two = FitCox({time, status, x, kX, strata});
  ASSERT_TRUE(one && two);
  EXPECT_EQ(two->strata, 2);
  EXPECT_NEAR(two->coefficients[0].coef, one->coefficients[0].coef, 1e-10);
  EXPECT_NEAR(two->loglik, 2 * one->loglik, 1e-9);
  EXPECT_NEAR(two->coefficients[0].se * std::sqrt(2.0), one->coefficients[0].se, 1e-9);
}

// The radix sort must order negative and fractional times and negative stratum codes; any row
// order must give the same fit.
TEST(Cox, RowOrderDoesNotChangeTheFit) {
  const std::vector<double> time = {-2.5, 0.25, 3, -0.0, 0.0, 7.75, 1e6, -1e-3, 3, 0.25, 2, 5};
  const std::vector<int32_t> status = {1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1};
  const std::vector<double> x = {0.2, 1.5, -0.7, 0.9, 0.1, -1.1, 0.4, 2.2, 0.0, -0.3, 1.0, 0.6};
  const std::vector<int32_t> strata = {-5, 9, -5, 9, -5, 9, -5, 9, -5, 9, -5, 9};
  const std::vector<size_t> order = {7, 2, 11, 0, 5, 9, 3, 1, 10, 8, 6, 4};
  std::vector<double> time2, x2;
  std::vector<int32_t> status2, strata2;
  for (size_t i : order) {
    time2.push_back(time[i]);
    x2.push_back(x[i]);
    status2.push_back(status[i]);
    strata2.push_back(strata[i]);
  }
  const std::vector<std::string> names = {"x"};
  auto a = FitCox({time, status, x, names, strata});
  auto b = FitCox({time2, status2, x2, names, strata2});
  ASSERT_TRUE(a && b) << (a ? b.error().message() : a.error().message());
  EXPECT_EQ(a->strata, 2);
  EXPECT_NEAR(a->coefficients[0].coef, b->coefficients[0].coef, 1e-12);
  EXPECT_NEAR(a->loglik, b->loglik, 1e-12);
  EXPECT_NEAR(a->coefficients[0].se, b->coefficients[0].se, 1e-12);
}

// 2 + 1e-9 is floating-point noise: with timefix (the default) it ties with 2, as in coxph.
TEST(Cox, NearlyEqualTimesAreTiedUnlessTimefixIsOff) {
  const std::vector<double> noisy = {1, 2, 2 + 1e-9, 3, 4, 5};
  const std::vector<double> tied = {1, 2, 2, 3, 4, 5};
  const std::vector<int32_t> status = {1, 1, 1, 0, 1, 1};
  const std::vector<double> x = {0.5, -0.2, 1.4, 0.3, -0.8, 0.9};
  const std::vector<std::string> names = {"x"};
  auto merged = FitCox({noisy, status, x, names, {}});
  auto exact = FitCox({tied, status, x, names, {}});
  CoxOptions options;
  options.control.timefix = false;
  auto split = FitCox({noisy, status, x, names, {}}, options);
  ASSERT_TRUE(merged && exact && split);
  EXPECT_DOUBLE_EQ(merged->coefficients[0].coef, exact->coefficients[0].coef);
  EXPECT_GT(std::fabs(split->coefficients[0].coef - exact->coefficients[0].coef), 1e-3);
}

TEST(Cox, RescalingACovariateRescalesItsCoefficient) {
  const std::vector<double> time = {2, 3, 3, 5, 8, 9, 11, 12, 15, 20};
  const std::vector<int32_t> status = {1, 1, 0, 1, 1, 0, 1, 1, 0, 1};
  const std::vector<double> age = {61, 72, 55, 80, 66, 59, 77, 70, 52, 68};
  std::vector<double> months;
  for (double a : age) months.push_back(a * 12);
  const std::vector<std::string> years_name = {"age"}, months_name = {"age_months"};
  auto years = FitCox({time, status, age, years_name, {}});
  auto in_months = FitCox({time, status, months, months_name, {}});
  ASSERT_TRUE(years && in_months);
  EXPECT_NEAR(in_months->coefficients[0].coef * 12, years->coefficients[0].coef, 1e-10);
  EXPECT_NEAR(in_months->loglik, years->loglik, 1e-10);
}

TEST(Cox, RefusesAStatusOtherThanZeroOrOne) {
  std::vector<int32_t> status = kAmlStatus;
  status[4] = 2;
  auto fit = FitCox({kAmlTime, status, kAmlX, kX, {}});
  ASSERT_FALSE(fit.has_value());
  EXPECT_EQ(fit.error().message(), "status in row 5 is 2; it must be 0 (censored) or 1 (event)");
}

TEST(Cox, RefusesDataWithoutEvents) {
  const std::vector<int32_t> status(kAmlTime.size(), 0);
  auto fit = FitCox({kAmlTime, status, kAmlX, kX, {}});
  ASSERT_FALSE(fit.has_value());
  EXPECT_NE(fit.error().message().find("no events"), std::string::npos);
}

TEST(Cox, RefusesInconsistentLengthsAndNonFiniteValues) {
  const std::vector<double> short_x(3, 0.0);
  EXPECT_FALSE(FitCox({kAmlTime, kAmlStatus, short_x, kX, {}}).has_value());
  std::vector<double> x = kAmlX;
  x[2] = NAN;
  auto fit = FitCox({kAmlTime, kAmlStatus, x, kX, {}});
  ASSERT_FALSE(fit.has_value());
  EXPECT_EQ(fit.error().message(), "covariate 'x=Nonmaintained' in row 3 is not a finite number");
}

TEST(Cox, RefusesAConstantCovariateByName) {
  const std::vector<double> x(kAmlTime.size(), 4.0);
  const std::vector<std::string> names = {"site_size"};
  auto fit = FitCox({kAmlTime, kAmlStatus, x, names, {}});
  ASSERT_FALSE(fit.has_value());
  EXPECT_NE(fit.error().message().find("'site_size' is constant"), std::string::npos);
}

// Every event in group 1 happens before anyone in group 0 fails: beta runs to +infinity.
TEST(Cox, RefusesACovariateThatSeparatesEventsFromCensorings) {
  const std::vector<double> time = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const std::vector<int32_t> status = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
  const std::vector<double> x = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
  const std::vector<std::string> names = {"cemented"};
  auto fit = FitCox({time, status, x, names, {}});
  ASSERT_FALSE(fit.has_value());
  EXPECT_NE(fit.error().message().find("coefficient of 'cemented' is infinite"), std::string::npos)
      << fit.error().message();
}

TEST(Cox, ReportsNonConvergenceWhenTheIterationLimitIsTooLow) {
  CoxOptions options;
  options.control.iter_max = 1;
  const std::vector<double> time = {2, 3, 3, 5, 8, 9, 11, 12, 15, 20};
  const std::vector<int32_t> status = {1, 1, 0, 1, 1, 0, 1, 1, 0, 1};
  const std::vector<double> age = {61, 72, 55, 80, 66, 59, 77, 70, 52, 68};
  const std::vector<std::string> names = {"age"};
  auto fit = FitCox({time, status, age, names, {}}, options);
  ASSERT_FALSE(fit.has_value());
  EXPECT_NE(fit.error().message().find("did not converge in 1 iterations"), std::string::npos);
}

TEST(Cox, ParsesTiesMethods) {
  EXPECT_EQ(*ParseCoxTies("efron"), CoxTies::kEfron);
  EXPECT_EQ(*ParseCoxTies("breslow"), CoxTies::kBreslow);
  EXPECT_FALSE(ParseCoxTies("exact").has_value());
  EXPECT_EQ(CoxTiesName(CoxTies::kBreslow), "breslow");
}

TEST(CoxLinalg, InvertsASymmetricPositiveDefiniteMatrix) {
  std::vector<double> m = {4, 2, 0.6, 2, 5, 1, 0.6, 1, 3};
  const std::vector<double> original = m;
  EXPECT_EQ(internal::LdlFactor(m, 3, 1e-12), 3);
  internal::LdlInvert(m, 3);
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) {
      double product = 0;
      for (int k = 0; k < 3; ++k) product += original[r * 3 + k] * m[k * 3 + c];
      EXPECT_NEAR(product, r == c ? 1.0 : 0.0, 1e-12);
    }
  }
}

TEST(CoxLinalg, ZeroesTheRowOfARedundantColumn) {
  std::vector<double> m = {1, 2, 0, 2, 4, 0, 0, 0, 2};  // column 1 = 2 x column 0
  EXPECT_EQ(internal::LdlFactor(m, 3, 1e-12), 2);
  std::vector<double> y = {1, 2, 4};
  internal::LdlSolve(m, 3, y);
  EXPECT_DOUBLE_EQ(y[0], 1);
  EXPECT_DOUBLE_EQ(y[1], 0);
  EXPECT_DOUBLE_EQ(y[2], 2);
  internal::LdlInvert(m, 3);
  EXPECT_DOUBLE_EQ(m[0], 1);
  EXPECT_DOUBLE_EQ(m[4], 0);
  EXPECT_DOUBLE_EQ(m[8], 0.5);
}

}  // namespace
}  // namespace orp::stats
