// Cox fits against R survival::coxph. The expected numbers in test/golden/cox_*.json were
// written by test/golden/make_cox_fixtures.R (R 4.2.2, survival 3.5.3; each file names its
// versions); inputs are the CSV files beside them. Nobody edits the expected numbers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "orp/core/text.h"
#include "orp/stats/cox.h"
#include "orp/stats/cox_design.h"
#include "orp/stats/golden_test_util.h"

namespace orp::stats {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using golden::CellNumbers;
using golden::ExpectClose;
using golden::GoldenDir;
using golden::ReadColumns;

std::vector<int32_t> Codes(const std::vector<std::string>& cells) {
  std::vector<int32_t> out;
  for (const std::string& cell : cells) out.push_back(std::stoi(cell));
  return out;
}

struct GoldenCase {
  std::string name;
  json expected;
};

std::vector<GoldenCase> LoadCases() {
  std::vector<GoldenCase> cases;
  for (const auto& entry : fs::directory_iterator(GoldenDir())) {
    const std::string file = entry.path().filename().string();
    // cox_cli_*.json are the command's expected output, checked by test/json_golden_check.
    if (!file.starts_with("cox_") || file.starts_with("cox_cli_") ||
        entry.path().extension() != ".json") {
      continue;
    }
    std::ifstream in(entry.path());
    cases.push_back({file, json::parse(in)});
  }
  std::sort(cases.begin(), cases.end(),
            [](const GoldenCase& a, const GoldenCase& b) { return a.name < b.name; });
  return cases;
}

// Builds the model a fixture describes from its CSV and fits it.
Result<CoxFit> FitFixture(const json& spec) {
  auto columns = ReadColumns(GoldenDir() / spec["input"].get<std::string>());
  const std::vector<double> time = CellNumbers(columns.at("time"));
  const std::vector<int32_t> status = Codes(columns.at("status"));
  std::vector<std::vector<double>> numeric_values;
  for (const auto& name : spec["covariates"])
    numeric_values.push_back(CellNumbers(columns.at(name)));
  std::vector<NumericCovariate> numeric;
  for (size_t i = 0; i < numeric_values.size(); ++i) {
    numeric.push_back({spec["covariates"][i].get<std::string>(), numeric_values[i]});
  }
  std::vector<FactorLevels> coded;
  for (const auto& name : spec["factors"]) coded.push_back(EncodeLevels(columns.at(name)));
  std::vector<FactorCovariate> factors;
  for (size_t i = 0; i < coded.size(); ++i) {
    factors.push_back({spec["factors"][i].get<std::string>(), coded[i].codes, coded[i].levels});
  }
  auto design = BuildCoxDesign(time.size(), numeric, factors);
  if (!design) return std::unexpected(design.error());
  FactorLevels strata;
  if (!spec["strata"].is_null()) strata = EncodeLevels(columns.at(spec["strata"]));
  CoxOptions options;
  options.ties = *ParseCoxTies(spec["ties"].get<std::string>());
  options.control.iter_max = spec["iter_max"].get<int>();
  const CoxData data{time, status, design->matrix, design->names, strata.codes};
  return FitCox(data, options);
}

// coxph fitted these with a warning and returned numbers; ORP must refuse with a message naming
// the covariate R's warning or NA coefficient points at.
void ExpectRefusal(const Result<CoxFit>& fit, const json& expected) {
  ASSERT_FALSE(fit.has_value()) << "coxph warned or gave NA; ORP must not return numbers";
  const std::string message = fit.error().message();
  const std::string warning =
      expected["warnings"].empty() ? "" : expected["warnings"][0].get<std::string>();
  if (warning.starts_with("Ran out of iterations")) {
    EXPECT_NE(message.find("did not converge"), std::string::npos) << message;
    return;
  }
  for (const auto& c : expected["coefficients"]) {
    if (c["coef"].is_null()) {  // R's NA: a redundant covariate
      EXPECT_NE(message.find("'" + c["name"].get<std::string>() + "' is constant or a linear"),
                std::string::npos)
          << message;
      return;
    }
  }
  // "Loglik converged before variable  3 ; ..." names the covariate by position.
  const size_t at = warning.find("variable");
  ASSERT_NE(at, std::string::npos) << warning;
  const int position = std::stoi(warning.substr(at + 8));
  const std::string name = expected["coefficients"][position - 1]["name"];
  EXPECT_NE(message.find("coefficient of '" + name + "' is infinite"), std::string::npos)
      << message;
}

void ExpectMatchesR(const CoxFit& fit, const json& expected) {
  constexpr double kTolerance = 1e-6;  // the promise; see also the tighter test below
  EXPECT_EQ(fit.n, expected["n"].get<int64_t>());
  EXPECT_EQ(fit.events, expected["events"].get<int64_t>());
  EXPECT_EQ(fit.iterations, expected["iterations"].get<int>());
  ExpectClose(fit.loglik_null, expected["loglik_null"], kTolerance, "loglik_null");
  ExpectClose(fit.loglik, expected["loglik"], kTolerance, "loglik");
  ExpectClose(fit.score_test, expected["score_test"], kTolerance, "score test");
  ExpectClose(fit.wald_test, expected["wald_test"], kTolerance, "Wald test");
  ExpectClose(fit.likelihood_ratio_test, expected["lr_test"], kTolerance, "LR test");
  const json& coefficients = expected["coefficients"];
  ASSERT_EQ(fit.coefficients.size(), coefficients.size());
  for (size_t i = 0; i < coefficients.size(); ++i) {
    const CoxCoefficient& c = fit.coefficients[i];
    const json& want = coefficients[i];
    EXPECT_EQ(c.name, want["name"].get<std::string>());
    ExpectClose(c.coef, want["coef"], kTolerance, c.name + " coef");
    ExpectClose(c.se, want["se"], kTolerance, c.name + " se");
    ExpectClose(c.z, want["z"], kTolerance, c.name + " z");
    ExpectClose(c.p, want["p"], kTolerance, c.name + " p");
    ExpectClose(c.hr, want["hr"], kTolerance, c.name + " hr");
    ExpectClose(c.hr_lower, want["hr_lower"], kTolerance, c.name + " hr_lower");
    ExpectClose(c.hr_upper, want["hr_upper"], kTolerance, c.name + " hr_upper");
  }
}

TEST(CoxGolden, EveryFixtureMatchesRCoxph) {
  const std::vector<GoldenCase> cases = LoadCases();
  ASSERT_GE(cases.size(), 19u) << "fixtures missing from " << GoldenDir();
  for (const GoldenCase& c : cases) {
    SCOPED_TRACE(c.name);
    const Result<CoxFit> fit = FitFixture(c.expected);
    bool r_refused = !c.expected["warnings"].empty();
    for (const auto& coef : c.expected["coefficients"]) r_refused |= coef["coef"].is_null();
    if (r_refused) {
      ExpectRefusal(fit, c.expected);
    } else {
      ASSERT_TRUE(fit.has_value()) << fit.error().message();
      ExpectMatchesR(*fit, c.expected);
    }
  }
}

// The fit follows coxph's own iteration, so agreement is far closer than the promised 1e-6.
TEST(CoxGolden, CoefficientsAndStandardErrorsAgreeToTenDigits) {
  for (const GoldenCase& c : LoadCases()) {
    const Result<CoxFit> fit = FitFixture(c.expected);
    if (!fit) continue;
    SCOPED_TRACE(c.name);
    for (size_t i = 0; i < fit->coefficients.size(); ++i) {
      ExpectClose(fit->coefficients[i].coef, c.expected["coefficients"][i]["coef"], 1e-10, "coef");
      ExpectClose(fit->coefficients[i].se, c.expected["coefficients"][i]["se"], 1e-10, "se");
    }
    ExpectClose(fit->loglik, c.expected["loglik"], 1e-12, "loglik");
  }
}

}  // namespace
}  // namespace orp::stats
