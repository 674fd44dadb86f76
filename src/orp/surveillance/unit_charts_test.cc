#include "orp/surveillance/unit_charts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <string>

namespace orp::surveillance {
namespace {

constexpr int32_t kCut = 20453;  // 2025-12-31

// 12,000 primaries over ten years at 8 hospitals of 4 surgeons each; surgeon 5 (hospital 1)
// revises three times as often, hospital 6 has four times the early deaths. ASA 3 doubles both.
Cohort Planted(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  Cohort c;
  c.data_cut = Date(std::chrono::days(kCut));
  c.registries = {"NJR"};
  for (int s = 0; s < 32; ++s) c.surgeons.push_back("surgeon-" + std::to_string(s));
  for (int h = 0; h < 8; ++h) c.hospitals.push_back("hospital-" + std::to_string(h));
  c.indications = {"oa"};
  for (int i = 0; i < 12000; ++i) {
    const auto entry = static_cast<int32_t>(kCut - 3652 * u(rng));
    const auto s = static_cast<int32_t>(32 * u(rng)), h = s / 4;
    const int asa = u(rng) < 0.3 ? 3 : 2;
    const double mix = asa == 3 ? 2.0 : 1.0;
    const double revise = -std::log(u(rng)) / (0.01 * mix * (s == 5 ? 3.0 : 1.0)) * 365.25;
    const double early = 0.01 * mix * (h == 6 ? 4.0 : 1.0);
    const double die = u(rng) < early ? u(rng) * 90 : -std::log(u(rng)) / 0.03 * 365.25;
    const int32_t rev_day = entry + static_cast<int32_t>(revise);
    const int32_t death_day = entry + static_cast<int32_t>(die);
    const int32_t exit = std::min({rev_day, death_day, kCut});
    c.registry.push_back(0);
    c.surgeon.push_back(s);
    c.hospital.push_back(h);
    c.entry_day.push_back(entry);
    c.exit_day.push_back(exit);
    c.status.push_back(exit == kCut ? 0 : rev_day <= death_day ? 1 : 2);
    c.death_day.push_back(death_day <= kCut ? death_day : kNoDeath);
    c.age_band.push_back(static_cast<int8_t>(i % 5));
    c.sex.push_back(static_cast<int8_t>(i % 2));
    c.asa.push_back(static_cast<int8_t>(asa));
    c.indication.push_back(0);
  }
  return c;
}

std::set<std::string> Alarms(const UnitFunnel& f) {
  std::set<std::string> units;
  for (const FunnelUnit& u : f.units)
    if (u.point.classification == stats::FunnelClass::kAlarmHigh) units.insert(u.unit);
  return units;
}

TEST(UnitCharts, FunnelAlarmsAreTheUnitsTheFunnelMethodSignals) {
  const Cohort c = Planted(5);
  auto signals = FunnelSignals(c, {});
  ASSERT_TRUE(signals.has_value()) << signals.error().message();
  for (const auto& [kind, metric, method] :
       {std::tuple{storage::SignalUnitKind::kSurgeon, "revision", "funnel-revision-10y"},
        std::tuple{storage::SignalUnitKind::kHospital, "mortality", "funnel-mortality-90d-10y"}}) {
    auto funnel = ComputeUnitFunnel(c, {"NJR", kind, metric, 10}, {});
    ASSERT_TRUE(funnel.has_value()) << funnel.error().message();
    EXPECT_EQ(funnel->method, method);
    std::set<std::string> signalled;
    for (const auto& s : *signals)
      if (s.method == method && s.unit_kind == kind) signalled.insert(s.unit);
    EXPECT_EQ(Alarms(*funnel), signalled) << method;
    EXPECT_FALSE(signalled.empty()) << method;
  }
}

TEST(UnitCharts, FunnelLimitsNarrowAsTheExpectedCountGrows) {
  auto funnel =
      ComputeUnitFunnel(Planted(6), {"NJR", storage::SignalUnitKind::kHospital, "revision", 5}, {});
  ASSERT_TRUE(funnel.has_value()) << funnel.error().message();
  ASSERT_EQ(funnel->curve.size(), 60u);
  const auto& a = funnel->curve.front();
  const auto& b = funnel->curve.back();
  EXPECT_LT(a.size, b.size);
  EXPECT_GT(a.upper998 - a.lower998, b.upper998 - b.lower998);
  EXPECT_GT(a.upper998, a.upper95);
  EXPECT_EQ(funnel->units.size(), 8u);
}

TEST(UnitCharts, CusumPathOfThePlantedSurgeonCrossesTheLimitAsTheMethodSays) {
  const Cohort c = Planted(7);
  auto signals = CusumSignals(c, {});
  ASSERT_TRUE(signals.has_value()) << signals.error().message();
  auto chart = ComputeUnitCusum(c, "NJR", storage::SignalUnitKind::kSurgeon, "surgeon-5", {});
  ASSERT_TRUE(chart.has_value()) << chart.error().message();
  ASSERT_FALSE(chart->signals.empty());
  ASSERT_EQ(chart->dates.size(), chart->upper.size());
  EXPECT_TRUE(std::is_sorted(chart->dates.begin(), chart->dates.end()));
  for (const auto& s : *signals) {
    if (s.unit != "surgeon-5") continue;
    // Same-day primaries may be ordered differently (the method sorts unstably), so the fit
    // agrees to rounding, not to the last bit.
    EXPECT_NEAR(s.threshold, chart->h, 1e-9);
    EXPECT_NEAR(s.statistic, *std::max_element(chart->upper.begin(), chart->upper.end()), 1e-9);
  }
}

TEST(UnitCharts, AnUnknownUnitOrMetricIsRefusedByName) {
  const Cohort c = Planted(8);
  EXPECT_EQ(
      ComputeUnitCusum(c, "NJR", storage::SignalUnitKind::kSurgeon, "nobody", {}).error().code(),
      ErrorCode::kNotFound);
  EXPECT_EQ(
      ComputeUnitFunnel(c, {"NJR", storage::SignalUnitKind::kHospital, "length-of-stay", 5}, {})
          .error()
          .code(),
      ErrorCode::kInvalidArgument);
}

// The dashboards cut each registry at its own end of data (Cohort::registry_cut, set by
// api/dashboard_cohort.h): a registry cut two years early is charted exactly as a cohort whose
// data cut is that day — the funnel's window and 90-day rule, and the CUSUM's year of follow-up.
TEST(UnitCharts, ARegistryIsChartedAtItsOwnCut) {
  constexpr int32_t kEarly = kCut - 730;
  Cohort own = Planted(9), whole = Planted(9);
  own.registry_cut = {kEarly};
  whole.data_cut = Date(std::chrono::days(kEarly));
  for (const char* metric : {"revision", "mortality"}) {
    const FunnelQuery q{"NJR", storage::SignalUnitKind::kHospital, metric, 5};
    auto a = ComputeUnitFunnel(own, q, {}), b = ComputeUnitFunnel(whole, q, {});
    auto at_build = ComputeUnitFunnel(Planted(9), q, {});
    ASSERT_TRUE(a.has_value() && b.has_value() && at_build.has_value()) << metric;
    ASSERT_EQ(a->units.size(), b->units.size()) << metric;
    int64_t procedures = 0;
    for (size_t u = 0; u < a->units.size(); ++u) {
      EXPECT_EQ(a->units[u].unit, b->units[u].unit);
      EXPECT_EQ(a->units[u].procedures, b->units[u].procedures) << metric;
      EXPECT_DOUBLE_EQ(a->units[u].point.observed, b->units[u].point.observed) << metric;
      procedures += a->units[u].procedures;
    }
    int64_t procedures_at_build = 0;
    for (const FunnelUnit& u : at_build->units) procedures_at_build += u.procedures;
    EXPECT_NE(procedures, procedures_at_build) << metric << ": the cut moved no window";
  }
  auto a = ComputeUnitCusum(own, "NJR", storage::SignalUnitKind::kSurgeon, "surgeon-5", {});
  auto b = ComputeUnitCusum(whole, "NJR", storage::SignalUnitKind::kSurgeon, "surgeon-5", {});
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(a->dates, b->dates);
  EXPECT_EQ(a->upper.size(), b->upper.size());
}

}  // namespace
}  // namespace orp::surveillance
