// The risk-adjustment models against R: logistic regression (glm, binomial) and Cox expected
// counts (predict(coxph(ties = "breslow"), type = "expected")). The expected numbers in
// test/golden/logistic_*.json and expected_cox_*.json were written by
// test/golden/make_logistic_fixtures.R (R 4.2.2, survival 3.5.3); nobody edits them.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "orp/core/text.h"
#include "orp/stats/cox.h"
#include "orp/stats/cox_design.h"
#include "orp/stats/golden_test_util.h"
#include "orp/stats/logistic.h"

namespace orp::stats {
namespace {

using nlohmann::json;

using golden::CellNumbers;
using golden::ExpectClose;
using golden::GoldenDir;
using golden::ReadColumns;
using golden::ReadFixture;

// The design a fixture names: numeric covariates then factor contrasts, as R builds them.
struct Model {
  std::map<std::string, std::vector<std::string>> columns;
  std::vector<std::vector<double>> numeric_values;
  std::vector<FactorLevels> coded;
  CoxDesign design;
};

Model BuildModel(const json& spec) {
  Model m;
  m.columns = ReadColumns(GoldenDir() / spec["input"].get<std::string>());
  for (const auto& name : spec["covariates"])
    m.numeric_values.push_back(CellNumbers(m.columns.at(name)));
  std::vector<NumericCovariate> numeric;
  for (size_t i = 0; i < m.numeric_values.size(); ++i)
    numeric.push_back({spec["covariates"][i].get<std::string>(), m.numeric_values[i]});
  for (const auto& name : spec["factors"]) m.coded.push_back(EncodeLevels(m.columns.at(name)));
  std::vector<FactorCovariate> factors;
  for (size_t i = 0; i < m.coded.size(); ++i)
    factors.push_back({spec["factors"][i].get<std::string>(), m.coded[i].codes, m.coded[i].levels});
  const size_t n = m.columns.begin()->second.size();
  auto design = BuildCoxDesign(n, numeric, factors);
  EXPECT_TRUE(design.has_value()) << design.error().message();
  if (design) m.design = std::move(*design);
  return m;
}

Result<LogisticFit> FitLogisticFixture(const json& spec, std::vector<double>& outcome) {
  static Model model;  // the spans must outlive the fit's use
  model = BuildModel(spec);
  outcome = CellNumbers(model.columns.at(spec["outcome"].get<std::string>()));
  return FitLogistic({outcome, model.design.matrix, model.design.names});
}

TEST(LogisticGolden, FitsMatchRGlmToEightDigits) {
  for (const std::string name : {"mtcars", "casemix"}) {
    SCOPED_TRACE(name);
    const json want = ReadFixture("logistic_" + name + ".json");
    std::vector<double> y;
    auto fit = FitLogisticFixture(want, y);
    ASSERT_TRUE(fit.has_value()) << fit.error().message();
    EXPECT_EQ(fit->iterations, want["iterations"].get<int>());
    EXPECT_EQ(fit->n, want["n"].get<int64_t>());
    ExpectClose(fit->deviance, want["deviance"], 1e-8, "deviance");
    ExpectClose(fit->null_deviance, want["null_deviance"], 1e-8, "null deviance");
    ExpectClose(fit->aic, want["aic"], 1e-8, "aic");
    ASSERT_EQ(fit->coefficients.size(), want["coefficients"].size());
    for (size_t k = 0; k < fit->coefficients.size(); ++k) {
      const LogisticCoefficient& c = fit->coefficients[k];
      const json& r = want["coefficients"][k];
      EXPECT_EQ(c.name, r["name"].get<std::string>());
      ExpectClose(c.estimate, r["estimate"], 1e-8, c.name + " estimate");
      ExpectClose(c.se, r["se"], 1e-8, c.name + " se");
      ExpectClose(c.z, r["z"], 1e-8, c.name + " z");
      ExpectClose(c.p, r["p"], 1e-8, c.name + " p");
    }
    for (size_t i = 0; i < want["fitted_head"].size(); ++i)
      ExpectClose(fit->fitted[i], want["fitted_head"][i], 1e-8, "fitted " + std::to_string(i));
  }
}

// The published values of glm(am ~ hp + wt, binomial, mtcars): 18.86630, 0.03626, -8.08348.
TEST(LogisticGolden, MtcarsMatchesThePublishedCoefficients) {
  std::vector<double> y;
  auto fit = FitLogisticFixture(ReadFixture("logistic_mtcars.json"), y);
  ASSERT_TRUE(fit.has_value());
  EXPECT_NEAR(fit->coefficients[0].estimate, 18.86630, 5e-6);
  EXPECT_NEAR(fit->coefficients[1].estimate, 0.03626, 5e-6);
  EXPECT_NEAR(fit->coefficients[2].estimate, -8.08348, 5e-6);
}

TEST(LogisticGolden, SeparationIsRefusedWhereGlmWarns) {
  const json want = ReadFixture("logistic_separated.json");
  ASSERT_FALSE(want["warnings"].empty());
  std::vector<double> y;
  auto fit = FitLogisticFixture(want, y);
  ASSERT_FALSE(fit.has_value());
  EXPECT_NE(fit.error().message().find("numerically 0 or 1"), std::string::npos)
      << fit.error().message();
}

TEST(LogisticGolden, ACollinearCovariateIsNamedWhereGlmGivesNa) {
  const json want = ReadFixture("logistic_collinear.json");
  ASSERT_TRUE(want["coefficients"][2]["estimate"].is_null());
  std::vector<double> y;
  auto fit = FitLogisticFixture(want, y);
  ASSERT_FALSE(fit.has_value());
  EXPECT_NE(fit.error().message().find("'z' is constant or a linear combination"),
            std::string::npos)
      << fit.error().message();
}

TEST(Logistic, RefusesAnOutcomeThatIsNotZeroOrOne) {
  const std::vector<double> y = {0, 1, 2}, x = {1, 2, 3};
  const std::vector<std::string> names = {"x"};
  auto fit = FitLogistic({y, x, names});
  ASSERT_FALSE(fit.has_value());
  EXPECT_NE(fit.error().message().find("row 3 is 2"), std::string::npos);
}

TEST(Logistic, ReportsNonConvergenceWithinTheIterationLimit) {
  std::vector<double> y;
  static Model model;
  model = BuildModel(ReadFixture("logistic_mtcars.json"));
  y = CellNumbers(model.columns.at("am"));
  auto fit = FitLogistic({y, model.design.matrix, model.design.names}, {1e-8, 3});
  ASSERT_FALSE(fit.has_value());
  EXPECT_NE(fit.error().message().find("did not converge in 3 iterations"), std::string::npos);
}

TEST(CoxExpectedGolden, ExpectedCountsMatchRPredictExpected) {
  for (const std::string name : {"plain", "strata"}) {
    SCOPED_TRACE(name);
    const json want = ReadFixture("expected_cox_" + name + ".json");
    Model m = BuildModel(want);
    const std::vector<double> time = CellNumbers(m.columns.at("time"));
    std::vector<int32_t> status;
    for (const auto& s : m.columns.at("status")) status.push_back(std::stoi(s));
    FactorLevels strata;
    if (!want["strata"].is_null()) strata = EncodeLevels(m.columns.at(want["strata"]));
    CoxOptions options;
    options.ties = CoxTies::kBreslow;
    const CoxData data{time, status, m.design.matrix, m.design.names, strata.codes};
    auto fit = FitCox(data, options);
    ASSERT_TRUE(fit.has_value()) << fit.error().message();
    for (size_t k = 0; k < fit->coefficients.size(); ++k)
      ExpectClose(fit->coefficients[k].coef, want["coefficients"][k], 1e-8, "coef");
    auto expected = CoxExpected(data, *fit);
    ASSERT_TRUE(expected.has_value()) << expected.error().message();
    ASSERT_EQ(expected->size(), want["expected"].size());
    for (size_t i = 0; i < expected->size(); ++i)
      ExpectClose((*expected)[i], want["expected"][i], 1e-8, "expected " + std::to_string(i));
    // Indirect standardisation's anchor (statistics.md §8): expected sums to observed.
    const double events = std::accumulate(status.begin(), status.end(), 0.0);
    EXPECT_NEAR(std::accumulate(expected->begin(), expected->end(), 0.0), events, 1e-8 * events);
  }
}

TEST(CoxExpected, RefusesAFitWithTheWrongNumberOfCoefficients) {
  const std::vector<double> time = {1, 2}, x = {0, 1};
  const std::vector<int32_t> status = {1, 0};
  const std::vector<std::string> names = {"x"};
  CoxFit fit;  // no coefficients
  auto expected = CoxExpected({time, status, x, names, {}}, fit);
  ASSERT_FALSE(expected.has_value());
  EXPECT_NE(expected.error().message().find("0 coefficients for 1 covariates"), std::string::npos);
}

}  // namespace
}  // namespace orp::stats
