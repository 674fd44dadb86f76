// analytics:: cohorts built from a real (in-memory SQLite) store, their incremental refresh, and
// survival by group with the registry's reporting and disclosure rules.
#include <gtest/gtest.h>

#include <cmath>

#include "analytics_store_fixture.h"
#include "orp/analytics/cohort.h"
#include "orp/analytics/survival.h"

namespace orp::analytics {
namespace {

using domain::ProcedureType;
using testing_store::Day;
using testing_store::RegistryStore;

constexpr int32_t DayNumber(Date d) { return static_cast<int32_t>(d.time_since_epoch().count()); }

// Model A (GTIN 1): three implants in three patients — revised at day 100, the patient dead at
// day 200, still in situ at the data cut (day 400). Model B (GTIN 2): a bilateral pair in one
// procedure, one side revised at day 50. A primary of another registry and the revision
// procedures are not units.
class CohortFromStore : public ::testing::Test {
 protected:
  void SetUp() override {
    const Date start = Day(2020, 1, 1);
    p1_ = db_.Patient(1);
    p2_ = db_.Patient(2);
    p3_ = db_.Patient(3);
    p4_ = db_.Patient(4);
    primaries_ = db_.Submit(
        "k1", {RegistryStore::Procedure("BCIR", "A1", p1_, start, ProcedureType::kPrimary, {1}),
               RegistryStore::Procedure("BCIR", "A2", p2_, start, ProcedureType::kPrimary, {1}),
               RegistryStore::Procedure("BCIR", "A3", p3_, start, ProcedureType::kPrimary, {1}),
               RegistryStore::Procedure("BCIR", "B1", p4_, start, ProcedureType::kPrimary, {2, 2}),
               RegistryStore::Procedure("NRHI", "N1", p4_, start, ProcedureType::kPrimary, {3})});
    db_.Revise("k2", "BCIR", primaries_[0], {0}, start + std::chrono::days(100));
    db_.Revise("k3", "BCIR", primaries_[3], {1}, start + std::chrono::days(50));
    db_.Death(p2_, start + std::chrono::days(200));
    db_.Model(1, "Acme", "Smooth", "SM-1");
    db_.Model(2, "Acme", "Rough", "RG-2");
    cut_ = start + std::chrono::days(400);
  }

  SurvivalQuery Query() const {
    SurvivalQuery q;
    q.registry = "BCIR";
    q.by = "model";
    q.data_cut = cut_;
    q.times_years = {0.5};
    q.suppress_below_at_risk = 0;
    return q;
  }

  RegistryStore db_;
  domain::PatientId p1_, p2_, p3_, p4_;
  std::vector<domain::Procedure> primaries_;
  Date cut_;
};

TEST_F(CohortFromStore, HasOneUnitPerImplantedDeviceOfEachPrimaryOfTheRegistry) {
  auto cohort = Cohort::Build(db_.store(), {"BCIR", domain::AnalysisUnit::kImplant});
  ASSERT_TRUE(cohort.has_value()) << cohort.error().ToString();
  EXPECT_EQ(cohort->live_rows(), 5u);
  EXPECT_EQ(cohort->change_seq(), *db_.store().LastChange());
  int revised = 0;
  for (int32_t day : cohort->removal_day()) revised += day != kNever;
  EXPECT_EQ(revised, 2);
}

TEST_F(CohortFromStore, AProcedureUnitIsRevisedWhenAnyOfItsDevicesIs) {
  auto cohort = Cohort::Build(db_.store(), {"BCIR", domain::AnalysisUnit::kProcedure});
  ASSERT_TRUE(cohort.has_value());
  ASSERT_EQ(cohort->live_rows(), 4u);
  EXPECT_EQ(cohort->removal_day()[3], DayNumber(Day(2020, 1, 1)) + 50);
}

TEST_F(CohortFromStore, RevisionIsTheEventAndDeathCensorsKaplanMeier) {
  auto report = SurvivalByGroup(db_.store(), Query());
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  ASSERT_EQ(report->groups.size(), 2u);
  const SurvivalGroup& a = report->groups[1];  // "SM-1" sorts after "RG-2"
  EXPECT_EQ(a.label, "SM-1");
  EXPECT_EQ(a.n, 3);
  EXPECT_EQ(a.revisions, 1);
  EXPECT_EQ(a.deaths, 1);
  ASSERT_EQ(a.at.size(), 1u);
  // Half a year: revision at day 100 with 3 at risk; the death at day 200 censors.
  EXPECT_DOUBLE_EQ(*a.at[0].surv, 2.0 / 3.0);
  EXPECT_EQ(a.at[0].n_risk, 2);  // at day 200, the first time after 182.6: the death and day 400
  EXPECT_EQ(report->data_cut, cut_);
}

TEST_F(CohortFromStore, AalenJohansenTreatsDeathAsTheCompetingRisk) {
  SurvivalQuery q = Query();
  q.method = SurvivalMethod::kAalenJohansen;
  q.times_years = {1};
  auto report = SurvivalByGroup(db_.store(), q);
  ASSERT_TRUE(report.has_value());
  const SurvivalAtTime& at = report->groups[1].at[0];
  EXPECT_DOUBLE_EQ(*at.cif, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(*at.cif_death, 1.0 / 3.0);  // S(100) = 2/3, then 1 of 2 dies
  EXPECT_LE(*at.cif_lower, *at.cif);
  EXPECT_GE(*at.cif_upper, *at.cif);
}

TEST_F(CohortFromStore, GroupsByBrandManufacturerConstructAndRegistryField) {
  SurvivalQuery q = Query();
  q.by = "brand";
  EXPECT_EQ(SurvivalByGroup(db_.store(), q)->groups[0].label, "Rough");
  q.by = "manufacturer";
  auto by_maker = SurvivalByGroup(db_.store(), q);
  ASSERT_EQ(by_maker->groups.size(), 1u);
  EXPECT_EQ(by_maker->groups[0].n, 5);
  q.by = "construct";
  EXPECT_EQ(SurvivalByGroup(db_.store(), q)->groups[0].label, "RG-2");
  q.by = "provider";  // no ODS reference data stored: the site code
  EXPECT_EQ(SurvivalByGroup(db_.store(), q)->groups[0].label, "RXF05");
  q.by = "urgency";
  EXPECT_EQ(SurvivalByGroup(db_.store(), q)->groups[0].label, "elective");
  q.by = "no_such_field";
  auto bad = SurvivalByGroup(db_.store(), q);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("--by no_such_field"), std::string::npos);
}

TEST_F(CohortFromStore, OptedOutPatientsLeaveResearchAnalysesButNotSafetyOnes) {
  domain::Patient p = **db_.store().FindPatient(p3_);
  p.opted_out = true;
  auto txn = db_.store().Begin();
  ASSERT_TRUE((*txn)->PutPatient(p).has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());
  SurvivalQuery q = Query();
  auto research = SurvivalByGroup(db_.store(), q);
  EXPECT_EQ(research->units, 4);
  EXPECT_EQ(research->excluded_opted_out, 1);
  q.purpose = Purpose::kSafety;
  auto safety = SurvivalByGroup(db_.store(), q);
  EXPECT_EQ(safety->units, 5);
  EXPECT_FALSE(safety->opt_out_applied);
}

TEST_F(CohortFromStore, RefreshStreamsOnlyWhatChangedAndEqualsARebuild) {
  auto cohort = Cohort::Build(db_.store(), {"BCIR", domain::AnalysisUnit::kImplant});
  ASSERT_TRUE(cohort.has_value());
  const domain::PatientId p5 = db_.Patient(5);
  db_.Submit("k4", {RegistryStore::Procedure("BCIR", "A4", p5, Day(2020, 6, 1),
                                             ProcedureType::kPrimary, {1})});
  db_.Revise("k5", "BCIR", primaries_[2], {0}, Day(2020, 8, 1));
  db_.Death(p1_, Day(2020, 9, 1));
  auto stats = cohort->Refresh(db_.store());
  ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
  // The new primary, the primary whose implant was removed, and the revision itself.
  EXPECT_EQ(stats->procedures_streamed, 3);
  EXPECT_EQ(stats->patients_streamed, 2);  // the new patient and the death
  EXPECT_EQ(stats->rows_added, 1);
  EXPECT_EQ(stats->rows_rewritten, 1);
  auto rebuilt = Cohort::Build(db_.store(), {"BCIR", domain::AnalysisUnit::kImplant});
  ASSERT_EQ(cohort->live_rows(), rebuilt->live_rows());
  auto a = SurvivalByGroup(db_.store(), Query());
  CohortCache cache;
  ASSERT_TRUE(cache.Survival(db_.store(), Query()).has_value());
  auto from_refreshed = AnalyseSurvival(db_.store(), *cohort, Query());
  EXPECT_EQ(a->groups[1].n, from_refreshed->groups[1].n);
  EXPECT_EQ(a->groups[1].revisions, from_refreshed->groups[1].revisions);
  EXPECT_EQ(a->groups[1].at[0].surv, from_refreshed->groups[1].at[0].surv);
  EXPECT_EQ(a->groups[1].deaths, from_refreshed->groups[1].deaths);
}

TEST_F(CohortFromStore, ARefreshWithNothingNewStreamsNothing) {
  auto cohort = Cohort::Build(db_.store(), {"BCIR", domain::AnalysisUnit::kImplant});
  auto stats = cohort->Refresh(db_.store());
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->procedures_streamed, 0);
  EXPECT_EQ(stats->patients_streamed, 0);
}

TEST_F(CohortFromStore, ACorrectedPrimaryWithFewerDevicesReplacesItsUnits) {
  auto cohort = Cohort::Build(db_.store(), {"BCIR", domain::AnalysisUnit::kImplant});
  db_.Submit("k6", {RegistryStore::Procedure("BCIR", "B1", p4_, Day(2020, 1, 1),
                                             ProcedureType::kPrimary, {2})});
  auto stats = cohort->Refresh(db_.store());
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->rows_removed, 2);
  EXPECT_EQ(stats->rows_added, 1);
  EXPECT_EQ(cohort->live_rows(), 4u);
  EXPECT_EQ(cohort->rows(), 6u);
}

TEST_F(CohortFromStore, PublicOutputsSuppressSmallCountsAndTheEstimatesFromThem) {
  SurvivalQuery q = Query();
  q.audience = stats::Audience::kPublic;
  auto report = SurvivalByGroup(db_.store(), q);
  ASSERT_TRUE(report.has_value());
  for (const SurvivalGroup& g : report->groups) {
    EXPECT_FALSE(g.n.has_value()) << g.label;
    EXPECT_TRUE(g.withheld);
    EXPECT_TRUE(g.curve.empty());
    EXPECT_FALSE(g.at[0].surv.has_value());
  }
  q.by = "clinician";
  EXPECT_FALSE(SurvivalByGroup(db_.store(), q).has_value());
}

TEST_F(CohortFromStore, EstimatesAreWithheldBelowTheAtRiskThreshold) {
  SurvivalQuery q = Query();
  q.suppress_below_at_risk = 3;
  q.times_years = {0.1, 0.5};
  auto report = SurvivalByGroup(db_.store(), q);
  const SurvivalGroup& a = report->groups[1];
  EXPECT_TRUE(a.at[0].surv.has_value());   // 3 at risk at 36 days
  EXPECT_FALSE(a.at[1].surv.has_value());  // 2 at risk
  EXPECT_TRUE(a.at[1].withheld);
  EXPECT_TRUE(a.at[1].few_at_risk);
  EXPECT_EQ(a.at[1].n_risk, 2);  // the number at risk is always given
  EXPECT_FALSE(a.curve.empty());
  for (const SurvivalCurvePoint& p : a.curve) EXPECT_GE(*p.n_risk, 3);
}

TEST_F(CohortFromStore, AnOutcomeRegistryHasNoImplantSurvival) {
  domain::RegistryDefinition outcome;
  outcome.code = "NMTR";
  outcome.kind = domain::RegistryKind::kOutcome;
  SurvivalQuery q = Query();
  q.registry = "NMTR";
  q.definition = &outcome;
  auto report = SurvivalByGroup(db_.store(), q);
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code(), ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace orp::analytics
