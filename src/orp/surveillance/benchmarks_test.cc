#include "orp/surveillance/benchmarks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

namespace orp::surveillance {
namespace {

constexpr int32_t kCut = 20453;  // 2025-12-31

// One class of ten models over ten years, 2,000 implants each; model 3 revises at 3% a year,
// the others at 1%.
Cohort TenModels() {
  std::mt19937_64 rng(11);
  Cohort c;
  c.data_cut = Date(std::chrono::days(kCut));
  c.registries = {"NJR"};
  c.implants.classes = {"NJR/hip_stem"};
  c.implants.class_registry = {0};
  for (int m = 0; m < 10; ++m) c.models.push_back("model-" + std::to_string(m));
  std::uniform_int_distribution<int32_t> day(kCut - 3652, kCut);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < 20000; ++i) {
    const int32_t m = i % 10;
    const int32_t entry = day(rng);
    const int32_t revised =
        entry + static_cast<int32_t>(-std::log(u(rng)) / (m == 3 ? 0.03 : 0.01) * 365.25);
    const int32_t died = entry + static_cast<int32_t>(-std::log(u(rng)) / 0.03 * 365.25);
    const int32_t exit = std::min({revised, died, kCut});
    c.implants.model.push_back(m);
    c.implants.brand.push_back(kNoUnit);
    c.implants.device_class.push_back(0);
    c.implants.entry_day.push_back(entry);
    c.implants.exit_day.push_back(exit);
    c.implants.status.push_back(exit == kCut ? 0 : revised <= died ? 1 : 2);
  }
  return c;
}

constexpr std::string_view kCriteria =
    "# placeholders\n"
    "registry,device_type,year,letter,min_cohort,min_at_risk,margin,max_upper_revision\n"
    "NJR,*,5,A,1000,300,0.02,\n"
    "NJR,hip_stem,3,A,1000,300,0.02,\n"
    "OTR,*,3,A,10,10,0.02,\n";

TEST(Benchmarks, ModelsAreRatedAndTheBadOneFailsItsBenchmark) {
  auto criteria = ParseBenchmarkCriteria(kCriteria);
  ASSERT_TRUE(criteria.has_value()) << criteria.error().message();
  ASSERT_EQ(criteria->size(), 3u);
  auto result = RateDeviceModels(TenModels(), *criteria);
  ASSERT_TRUE(result.has_value()) << result.error().message();
  ASSERT_EQ(result->ratings.size(), 10u);
  for (const ModelRating& r : result->ratings) {
    ASSERT_EQ(r.rating.evaluations.size(), 2u);  // the OTR line does not apply
    EXPECT_EQ(r.rating.rating, r.model == "model-3" ? "" : "5A") << r.model;
  }
  ASSERT_EQ(result->signals.size(), 1u);
  const storage::Signal& s = result->signals.front();
  EXPECT_EQ(s.unit, "model-3");
  EXPECT_EQ(s.method, "benchmark");
  EXPECT_GT(s.statistic, s.threshold);
  EXPECT_NE(s.what.find("5-year benchmark"), std::string::npos) << s.what;
}

TEST(Benchmarks, TooFewAtRiskIsNotASignal) {
  auto criteria = ParseBenchmarkCriteria(
      "registry,device_type,year,letter,min_cohort,min_at_risk,margin,max_upper_revision\n"
      "NJR,*,5,A,1000,5000,0.02,\n");
  ASSERT_TRUE(criteria.has_value());
  auto result = RateDeviceModels(TenModels(), *criteria);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->signals.empty());
  for (const ModelRating& r : result->ratings) EXPECT_EQ(r.rating.rating, "");
}

TEST(Benchmarks, ABadCriteriaFileNamesTheLineAndField) {
  auto bad = ParseBenchmarkCriteria(
      "registry,device_type,year,letter,min_cohort,min_at_risk,margin,max_upper_revision\n"
      "NJR,*,ten,A,1,1,0.02,\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(), "benchmark criteria line 2: year 'ten' is not a number");
  auto header = ParseBenchmarkCriteria("registry,year\n");
  ASSERT_FALSE(header.has_value());
  EXPECT_NE(header.error().message().find("the header must be"), std::string::npos);
}

TEST(Benchmarks, TheShippedCriteriaFileParses) {
  const char* root = std::getenv("ORP_SOURCE_DIR");
  auto criteria =
      LoadBenchmarkCriteria(std::string(root ? root : ".") + "/registries/benchmark-criteria.csv");
  ASSERT_TRUE(criteria.has_value()) << criteria.error().message();
  EXPECT_GE(criteria->size(), 10u);
}

}  // namespace
}  // namespace orp::surveillance
