#include "orp/stats/cox_design.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace orp::stats {
namespace {

TEST(CoxDesign, ExpandsAFactorIntoTreatmentContrastsAgainstTheFirstLevel) {
  const std::vector<std::string> brand = {"Gamma", "Alpha", "Beta", "Alpha", "Gamma"};
  const std::vector<double> age = {70, 65, 80, 59, 77};
  const std::vector<NumericCovariate> numeric = {{"age", age}};
  const FactorLevels coded = EncodeLevels(brand);
  const std::vector<FactorCovariate> factors = {{"brand", coded.codes, coded.levels}};
  auto design = BuildCoxDesign(5, numeric, factors);
  ASSERT_TRUE(design.has_value()) << design.error().message();
  EXPECT_EQ(design->names, (std::vector<std::string>{"age", "brand=Beta", "brand=Gamma"}));
  EXPECT_EQ(design->reference_levels, std::vector<std::string>{"Alpha"});
  EXPECT_EQ(design->matrix, (std::vector<double>{70, 65, 80, 59, 77,  //
                                                 0, 0, 1, 0, 0,       //
                                                 1, 0, 0, 0, 1}));
}

TEST(CoxDesign, SortsLevelsByteWiseLikeRInTheCLocale) {
  const std::vector<std::string> labels = {"beta", "Beta", "alpha", "Zeta"};
  EXPECT_EQ(EncodeLevels(labels).levels,
            (std::vector<std::string>{"Beta", "Zeta", "alpha", "beta"}));
}

TEST(CoxDesign, SortsNumericLabelsAsNumbers) {
  const std::vector<std::string> labels = {"10", "9", "2", "9", "-1"};
  const FactorLevels coded = EncodeLevels(labels);
  EXPECT_EQ(coded.levels, (std::vector<std::string>{"-1", "2", "9", "10"}));
  EXPECT_EQ(coded.codes, (std::vector<int32_t>{3, 2, 1, 2, 0}));
}

// Levels handed over in another order (e.g. by a loader that sorts byte-wise) are re-sorted.
TEST(CoxDesign, ReordersGivenLevelsTheWayRWould) {
  const std::vector<int32_t> codes = {0, 1, 2, 1};
  const std::vector<std::string> levels = {"10", "9", "100"};  // byte order; R sorts 9, 10, 100
  const std::vector<FactorCovariate> factors = {{"asa", codes, levels}};
  auto design = BuildCoxDesign(4, {}, factors);
  ASSERT_TRUE(design.has_value());
  EXPECT_EQ(design->names, (std::vector<std::string>{"asa=10", "asa=100"}));
  EXPECT_EQ(design->reference_levels, std::vector<std::string>{"9"});
  EXPECT_EQ(design->matrix, (std::vector<double>{1, 0, 0, 0, 0, 0, 1, 0}));
}

TEST(CoxDesign, RefusesAFactorWithOneLevel) {
  const std::vector<int32_t> codes = {0, 0, 0};
  const std::vector<std::string> levels = {"L"};
  const std::vector<FactorCovariate> factors = {{"side", codes, levels}};
  auto design = BuildCoxDesign(3, {}, factors);
  ASSERT_FALSE(design.has_value());
  EXPECT_EQ(design.error().message(),
            "factor 'side' has only one level ('L'); it needs two or more to compare");
}

TEST(CoxDesign, RefusesAnEmptyLabelAndARepeatedName) {
  const FactorLevels side = EncodeLevels(std::vector<std::string>{"L", "", "R"});
  const std::vector<FactorCovariate> factors = {{"side", side.codes, side.levels}};
  EXPECT_EQ(BuildCoxDesign(3, {}, factors).error().message(),
            "factor 'side' has no value in row 2");
  const std::vector<double> age = {1, 2, 3};
  const std::vector<NumericCovariate> twice = {{"age", age}, {"age", age}};
  EXPECT_EQ(BuildCoxDesign(3, twice, {}).error().message(), "covariate 'age' is named twice");
}

}  // namespace
}  // namespace orp::stats
