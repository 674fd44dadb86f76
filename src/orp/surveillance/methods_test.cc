#include "orp/surveillance/methods.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "orp/stats/cox.h"
#include "orp/stats/logistic.h"
#include "orp/surveillance/risk_model.h"
#include "orp/surveillance/run.h"

namespace orp::surveillance {
namespace {

constexpr int32_t kCut = 20453;  // 2025-12-31 in days since 1970-01-01

// A registry of 30,000 primaries over ten years with three planted problems: model 3 revises
// three times as often, surgeon 7 2.5 times as often, and hospital 2 has four times the early
// deaths. Everything else is in control given the case mix: ASA 3 multiplies the revision
// hazard and early deaths by 1.8, ASA 4 by 3. With `sick_hospital`, every patient of hospital 5
// is ASA 4 (so it revises and loses more patients, as its case mix predicts).
Cohort PlantedCohort(uint64_t seed, bool planted = true, bool sick_hospital = false) {
  std::mt19937_64 rng(seed);
  Cohort c;
  c.data_cut = Date(std::chrono::days(kCut));
  c.registries = {"NJR"};
  c.implants.classes = {"NJR/hip_stem"};
  c.implants.class_registry = {0};
  for (int m = 0; m < 10; ++m) c.models.push_back("model-" + std::to_string(m));
  for (int b = 0; b < 5; ++b) c.brands.push_back("brand-" + std::to_string(b));  // 2 models each
  for (int s = 0; s < 40; ++s) c.surgeons.push_back("surgeon-" + std::to_string(s));
  for (int h = 0; h < 10; ++h) c.hospitals.push_back("hospital-" + std::to_string(h));
  std::uniform_int_distribution<int32_t> day(kCut - 3652, kCut);
  std::uniform_int_distribution<int32_t> model(0, 9), surgeon(0, 39);
  std::uniform_int_distribution<int> band(0, 5), sex(0, 2), indication(0, 2);
  std::discrete_distribution<int> asa_grade({0.05, 0.2, 0.45, 0.22, 0.08});  // 0 = unknown
  c.indications = {"avn", "fracture", "oa"};
  for (int m = 0; m < 10; ++m)  // construct m * 3 + k: cup k with stem m
    for (int k = 0; k < 3; ++k) c.constructs.push_back(fmt::format("cup-{} + model-{}", k, m));
  c.construct_classes = {"NJR/cup+hip_stem"};
  c.construct_class_registry = {0};
  std::uniform_int_distribution<int32_t> cup(0, 2);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < 30000; ++i) {
    const int32_t entry = day(rng);
    const int32_t s = surgeon(rng);
    const int32_t h = s / 4;
    const int32_t m = model(rng);
    const int asa = sick_hospital && h == 5 ? 4 : asa_grade(rng);
    const double case_mix = asa == 4 ? 3.0 : asa == 3 ? 1.8 : 1.0;
    const double hr = case_mix * (planted ? (m == 3 ? 3.0 : 1.0) * (s == 7 ? 2.5 : 1.0) : 1.0);
    const double revise = -std::log(u(rng)) / (0.01 * hr) * 365.25;
    const double early = case_mix * (planted && h == 2 ? 0.04 : 0.01);
    const double die = u(rng) < early ? u(rng) * 90 : -std::log(u(rng)) / 0.03 * 365.25;
    const int32_t rev_day = entry + static_cast<int32_t>(revise);
    const int32_t death_day = entry + static_cast<int32_t>(die);
    const int32_t exit = std::min({rev_day, death_day, kCut});
    c.registry.push_back(0);
    c.implants.model.push_back(m);
    c.implants.brand.push_back(m / 2);
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
    c.age_band.push_back(static_cast<int8_t>(band(rng)));
    c.sex.push_back(static_cast<int8_t>(sex(rng)));
    c.asa.push_back(static_cast<int8_t>(asa));
    c.indication.push_back(indication(rng));
    c.construct.push_back(m * 3 + cup(rng));
    c.construct_class.push_back(0);
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
  std::erase_if(*signals, [](const storage::Signal& s) {
    return s.unit_kind == storage::SignalUnitKind::kConstruct;  // their own test, below
  });
  // Model 3's brand (models 2 and 3) is flagged as a brand too.
  EXPECT_EQ(Flagged(*signals, "njr-ptir"), (std::set<std::string>{"model-3", "brand-1"}));
  // The brand's rate is about 1.7 x its group's: NJR Level 2 (>= 1.5), not AOANJRR (> 2).
  EXPECT_EQ(Flagged(*signals, "aoanjrr-screen"), std::set<std::string>{"model-3"});
  for (const auto& s : *signals) {
    if (s.method != "njr-ptir") continue;
    EXPECT_EQ(s.unit_kind, s.unit.starts_with("brand") ? storage::SignalUnitKind::kBrand
                                                       : storage::SignalUnitKind::kDeviceModel);
    EXPECT_GT(s.statistic, s.threshold);
    EXPECT_NE(s.evidence_json.find("\"ptir\""), std::string::npos);
  }
}

// Every construct with the planted stem revises three times as often; no other construct does.
TEST(SurveillanceMethods, ConstructsWithThePlantedModelAreFlagged) {
  auto signals = DeviceModelSignals(PlantedCohort(1), {});
  ASSERT_TRUE(signals.has_value()) << signals.error().message();
  std::set<std::string> constructs;
  for (const auto& s : *signals) {
    if (s.unit_kind != storage::SignalUnitKind::kConstruct) continue;
    EXPECT_NE(s.unit.find("model-3"), std::string::npos) << s.unit << " " << s.method;
    if (s.method == "njr-ptir") constructs.insert(s.unit);
  }
  EXPECT_EQ(constructs.size(), 3u);
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

// Hospital 5's patients are all ASA 4: it revises about three times as often as the rest, as its
// case mix predicts. The Cox and logistic models expect that; an unadjusted O/E would flag it.
TEST(SurveillanceMethods, RiskAdjustmentClearsAHospitalWhosePatientsAreSicker) {
  const Cohort c = PlantedCohort(7, false, true);
  std::vector<std::string> notes;
  auto signals = FunnelSignals(c, {}, &notes);
  ASSERT_TRUE(signals.has_value()) << signals.error().message();
  EXPECT_TRUE(notes.empty()) << notes.front();
  EXPECT_FALSE(Flagged(*signals, "funnel-revision-10y").contains("hospital-5"));
  EXPECT_FALSE(Flagged(*signals, "funnel-mortality-90d-10y").contains("hospital-5"));
  // A chart over 2,700 patients at an in-control ARL of 10,000 signals by chance about a quarter
  // of the time; at 10^6 a signal here would mean the risks are biased, not bad luck.
  MethodOptions strict;
  strict.cusum_target_arl = 1e6;
  auto cusum = CusumSignals(c, strict, &notes);
  ASSERT_TRUE(cusum.has_value());
  EXPECT_FALSE(Flagged(*cusum, "cusum-revision-1y").contains("hospital-5"));
  // Unadjusted, hospital 5 is far above the rest: the test is not vacuous.
  double hospital_revisions = 0, other_revisions = 0, hospital_n = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    (c.hospital[i] == 5 ? hospital_revisions : other_revisions) += c.status[i] == 1;
    hospital_n += c.hospital[i] == 5;
  }
  EXPECT_GT(hospital_revisions / hospital_n,
            2 * other_revisions / (static_cast<double>(c.size()) - hospital_n));
}

// Over the registry and window, Cox-expected revisions sum to the observed (statistics.md §8).
TEST(SurveillanceRiskModel, ExpectedRevisionsSumToObserved) {
  const Cohort c = PlantedCohort(8);
  std::vector<size_t> rows(c.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  auto model = ExpectedRevisions(c, rows);
  ASSERT_TRUE(model.has_value()) << model.error().message();
  double observed = 0, expected = 0;
  for (size_t i = 0; i < c.size(); ++i) observed += c.status[i] == 1;
  for (double e : model->expected) expected += e;
  EXPECT_NEAR(expected, observed, 1e-6 * observed);
  EXPECT_NE(std::find(model->terms.begin(), model->terms.end(), "asa=4"), model->terms.end());
}

// The per-row 0/1 design of a risk model's terms ("asa=3", "indication=oa", ...), as the models
// were fitted before they ran on covariate-pattern cells.
std::vector<double> RowDesign(const Cohort& c, const std::vector<std::string>& terms) {
  const std::vector<std::string> age = {"<55", "55-64", "65-74", "75-84", "85+", "unknown"};
  const std::vector<std::string> sex = {"male", "female", "other/unknown"};
  const std::vector<std::string> asa = {"unknown", "1", "2", "3", "4", "5"};
  std::vector<double> x;
  for (const std::string& term : terms) {
    const std::string factor = term.substr(0, term.find('='));
    const std::string level = term.substr(term.find('=') + 1);
    for (size_t i = 0; i < c.size(); ++i) {
      std::string value = factor == "age"   ? age[static_cast<size_t>(c.age_band[i])]
                          : factor == "sex" ? sex[static_cast<size_t>(c.sex[i])]
                          : factor == "asa" ? asa[static_cast<size_t>(c.asa[i])]
                          : c.indication[i] == kNoUnit
                              ? "unknown"
                              : c.indications[static_cast<size_t>(c.indication[i])];
      x.push_back(value == level ? 1.0 : 0.0);
    }
  }
  return x;
}

// Fitting on (time, status, pattern) and (pattern, outcome) cells with counts gives every
// primary the expected count a fit on the primaries themselves gives it.
TEST(SurveillanceRiskModel, CellFitsGiveTheExpectedCountsOfFittingEveryPrimary) {
  const Cohort c = PlantedCohort(11);
  std::vector<size_t> rows(c.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  auto cox = ExpectedRevisions(c, rows);
  ASSERT_TRUE(cox.has_value()) << cox.error().message();
  ASSERT_GE(cox->terms.size(), 8u);
  std::vector<double> time, died;
  std::vector<int32_t> status;
  for (size_t i = 0; i < c.size(); ++i) {
    time.push_back(c.exit_day[i] - c.entry_day[i]);
    status.push_back(c.status[i] == 1);
    died.push_back(c.death_day[i] - c.entry_day[i] <= 90);
  }
  const std::vector<double> x = RowDesign(c, cox->terms);
  const stats::CoxData data{time, status, x, cox->terms, {}};
  stats::CoxOptions options;
  options.ties = stats::CoxTies::kBreslow;
  auto fit = stats::FitCox(data, options);
  ASSERT_TRUE(fit.has_value());
  auto expected = stats::CoxExpected(data, *fit);
  ASSERT_TRUE(expected.has_value());
  for (size_t i = 0; i < c.size(); ++i)
    ASSERT_NEAR(cox->expected[i], (*expected)[i], 1e-10 * (*expected)[i] + 1e-15) << i;

  auto logistic = ExpectedProbabilities(c, rows, died, false);
  ASSERT_TRUE(logistic.has_value()) << logistic.error().message();
  ASSERT_FALSE(logistic->terms.empty());
  const std::vector<double> z = RowDesign(c, logistic->terms);
  auto direct = stats::FitLogistic({died, z, logistic->terms});
  ASSERT_TRUE(direct.has_value());
  EXPECT_EQ(logistic->iterations, direct->iterations);
  for (size_t i = 0; i < c.size(); ++i)
    ASSERT_NEAR(logistic->expected[i], direct->fitted[i], 1e-10 * direct->fitted[i]) << i;
}

// A level with no events has an infinite Cox coefficient. Merging sparse levels prevents it; with
// merging off the model fails, and the run says so instead of raising unadjusted signals.
TEST(SurveillanceRiskModel, AnUnfittableModelIsReportedAndRaisesNoSignals) {
  Cohort c = PlantedCohort(9);
  c.indications.push_back("tumour");
  for (size_t i = 0; i < c.size() && i < 3000; ++i) {
    if (c.status[i] == 1) continue;
    c.indication[i] = 3;  // 3,000-odd unrevised primaries: no revision ever
  }
  MethodOptions options;
  options.risk.min_level_events = 0;
  std::vector<std::string> notes;
  auto signals = FunnelSignals(c, options, &notes);
  ASSERT_TRUE(signals.has_value());
  EXPECT_TRUE(Flagged(*signals, "funnel-revision-10y").empty());
  ASSERT_FALSE(notes.empty());
  EXPECT_NE(notes.front().find("NJR funnel-revision-5y: no signals; revision Cox model"),
            std::string::npos)
      << notes.front();
  EXPECT_NE(notes.front().find("indication=tumour"), std::string::npos) << notes.front();
  EXPECT_TRUE(FunnelSignals(c, {}, &notes).has_value());  // merged, it fits
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
