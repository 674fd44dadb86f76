#include "orp/surveillance/methods.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "orp/surveillance/run.h"

namespace orp::surveillance {
namespace {

constexpr int32_t kCut = 20453;  // 2025-12-31 in days since 1970-01-01

// A registry of 30,000 primaries over ten years with three planted problems: model 3 revises
// three times as often, surgeon 7 2.5 times as often, and hospital 2 has four times the early
// deaths. Everything else is in control.
Cohort PlantedCohort(uint64_t seed, bool planted = true) {
  std::mt19937_64 rng(seed);
  Cohort c;
  c.data_cut = Date(std::chrono::days(kCut));
  c.registries = {"NJR"};
  c.implants.classes = {"NJR/hip_stem"};
  c.implants.class_registry = {0};
  for (int m = 0; m < 10; ++m) c.models.push_back("model-" + std::to_string(m));
  for (int s = 0; s < 40; ++s) c.surgeons.push_back("surgeon-" + std::to_string(s));
  for (int h = 0; h < 10; ++h) c.hospitals.push_back("hospital-" + std::to_string(h));
  std::uniform_int_distribution<int32_t> day(kCut - 3652, kCut);
  std::uniform_int_distribution<int32_t> model(0, 9), surgeon(0, 39);
  std::uniform_int_distribution<int> stratum(0, kStrata - 1);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < 30000; ++i) {
    const int32_t entry = day(rng);
    const int32_t s = surgeon(rng);
    const int32_t h = s / 4;
    const int32_t m = model(rng);
    const double hr = planted ? (m == 3 ? 3.0 : 1.0) * (s == 7 ? 2.5 : 1.0) : 1.0;
    const double revise = -std::log(u(rng)) / (0.01 * hr) * 365.25;
    const double early = planted && h == 2 ? 0.04 : 0.01;
    const double die = u(rng) < early ? u(rng) * 90 : -std::log(u(rng)) / 0.03 * 365.25;
    const int32_t rev_day = entry + static_cast<int32_t>(revise);
    const int32_t death_day = entry + static_cast<int32_t>(die);
    const int32_t exit = std::min({rev_day, death_day, kCut});
    c.registry.push_back(0);
    c.implants.model.push_back(m);
    c.implants.device_class.push_back(0);
    c.implants.entry_day.push_back(entry);
    c.implants.exit_day.push_back(exit);
    c.implants.status.push_back(exit == kCut ? 0 : rev_day <= death_day ? 1 : 2);
    c.surgeon.push_back(s);
    c.hospital.push_back(h);
    c.entry_day.push_back(entry);
    c.exit_day.push_back(exit);
    c.status.push_back(exit == kCut ? 0 : rev_day <= death_day ? 1 : 2);
    c.death_day.push_back(death_day <= kCut ? death_day : kNoDeath);
    c.stratum.push_back(static_cast<int8_t>(stratum(rng)));
  }
  return c;
}

std::set<std::string> Flagged(const std::vector<storage::Signal>& signals,
                              std::string_view method) {
  std::set<std::string> units;
  for (const auto& s : signals)
    if (s.method == method) units.insert(s.unit);
  return units;
}

TEST(SurveillanceMethods, PlantedDeviceModelIsAnNjrAndAoanjrrOutlier) {
  auto signals = DeviceModelSignals(PlantedCohort(1), {});
  ASSERT_TRUE(signals.has_value()) << signals.error().message();
  EXPECT_EQ(Flagged(*signals, "njr-ptir"), std::set<std::string>{"model-3"});
  EXPECT_EQ(Flagged(*signals, "aoanjrr-screen"), std::set<std::string>{"model-3"});
  for (const auto& s : *signals) {
    if (s.method != "njr-ptir") continue;
    EXPECT_EQ(s.unit_kind, storage::SignalUnitKind::kDeviceModel);
    EXPECT_GT(s.statistic, s.threshold);
    EXPECT_NE(s.evidence_json.find("\"ptir\""), std::string::npos);
  }
}

TEST(SurveillanceMethods, MaxSprtFlagsThePlantedModelEarly) {
  MethodOptions options;
  options.maxsprt_upper_limit = 60;  // every model expects about 55 revisions in ten years
  auto signals = MaxSprtSignals(PlantedCohort(2), options);
  ASSERT_TRUE(signals.has_value()) << signals.error().message();
  EXPECT_EQ(Flagged(*signals, "maxsprt"), std::set<std::string>{"model-3"});
}

TEST(SurveillanceMethods, FunnelFlagsThePlantedSurgeonAndHospital) {
  auto signals = FunnelSignals(PlantedCohort(3), {});
  ASSERT_TRUE(signals.has_value()) << signals.error().message();
  EXPECT_TRUE(Flagged(*signals, "funnel-revision-10y").contains("surgeon-7"));
  EXPECT_TRUE(Flagged(*signals, "funnel-mortality-90d-10y").contains("hospital-2"));
  // Surgeon 7 works at hospital 1; surgeons 8-11 at hospital 2, so their deaths are high too.
  // Among the other units alarms stay near the nominal 0.1% per funnel.
  const std::set<std::string> related = {"surgeon-7", "hospital-1", "hospital-2", "surgeon-8",
                                         "surgeon-9", "surgeon-10", "surgeon-11"};
  int false_alarms = 0;
  for (const auto& s : *signals) false_alarms += !related.contains(s.unit);
  EXPECT_LE(false_alarms, 2);
}

TEST(SurveillanceMethods, CusumFlagsThePlantedSurgeon) {
  auto signals = CusumSignals(PlantedCohort(4), {});
  ASSERT_TRUE(signals.has_value()) << signals.error().message();
  EXPECT_TRUE(Flagged(*signals, "cusum-revision-1y").contains("surgeon-7"));
}

// In control, a chart with in-control ARL A over n patients signals about n / A times: the
// 40 surgeons and 10 hospitals see 2 x 27,000 charted patients, about 5.4 false signals at
// A = 10,000. Allow three Poisson standard deviations.
TEST(SurveillanceMethods, CusumFalseSignalsStayNearTheNominalRate) {
  auto signals = CusumSignals(PlantedCohort(6, false), {});
  ASSERT_TRUE(signals.has_value());
  EXPECT_LE(signals->size(), 5.4 + 3 * std::sqrt(5.4));
  MethodOptions strict;
  strict.cusum_target_arl = 1e6;
  EXPECT_LE(CusumSignals(PlantedCohort(6, false), strict)->size(), 1u);
}

TEST(SurveillanceMethods, AnInControlRegistryRaisesFewSignals) {
  MethodOptions options;
  options.cusum_target_arl = 1e6;
  auto signals = EvaluateCohort(PlantedCohort(5, false), options);
  ASSERT_TRUE(signals.has_value());
  for (const auto& s : *signals) {
    EXPECT_TRUE(s.method.starts_with("funnel") || s.method.starts_with("cusum"))
        << s.method << " " << s.unit << ": " << s.what;
  }
  EXPECT_LE(signals->size(), 2u);
}

}  // namespace
}  // namespace orp::surveillance
