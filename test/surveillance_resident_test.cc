// The resident cohort patched after a real batch equals the cohort read whole from the same
// store, and so do the signals evaluated on it (SQLite; the changed read itself is checked on
// both backends in storage/conformance_signals_test.cc).
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "orp/domain/gtin.h"
#include "orp/storage/sqlite/sqlite_store.h"
#include "orp/surveillance/resident.h"
#include "orp/surveillance/run.h"

namespace orp::surveillance {
namespace {

using domain::Gtin;
using domain::Patient;
using domain::PatientId;
using domain::Procedure;

Date Day(int y, unsigned m, unsigned d) {
  return Date(std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d});
}

Gtin GtinOf(int n) {
  const std::string payload = "0501234" + std::to_string(100000 + n);
  return *Gtin::Parse(payload + std::to_string(Gtin::CheckDigit(payload)));
}

class ResidentCohortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::sqlite::OpenStore(":memory:");
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }

  PatientId AddPatient(int n) {
    Patient p;
    domain::Pseudonym pseudonym;
    pseudonym.bytes.fill(static_cast<uint8_t>(n));
    p.pseudonym = pseudonym;
    p.nhs_number = domain::EncryptedNhsNumber{std::string("\x01\x00cipher", 8) + char(n)};
    p.date_of_birth = Day(1930 + n % 50, 1 + n % 12, 1 + n % 28);
    p.sex = n % 2 ? domain::Sex::kMale : domain::Sex::kFemale;
    auto tx = store_->Begin();
    auto id = (*tx)->PutPatient(p);
    EXPECT_TRUE(id.has_value() && (*tx)->Commit().has_value());
    return *id;
  }

  // `count` primaries from `first` on, spread over surgeons, hospitals, models and years.
  std::vector<Procedure> Primaries(int first, int count) {
    std::vector<Procedure> out;
    for (int k = first; k < first + count; ++k) {
      Procedure p;
      p.registry = "BCIR";
      p.procedure_ref = "P" + std::to_string(k);
      p.provider_site = *domain::OdsSiteCode::Parse(k % 3 ? "RRK02" : "RR801");
      p.clinician = *domain::GmcNumber::Parse(std::to_string(1234560 + k % 4));
      p.patient = patients_[static_cast<size_t>(k) % patients_.size()];
      p.date = Day(2012 + k % 13, 1 + k % 12, 1 + k % 27);
      p.type = domain::ProcedureType::kPrimary;
      p.indication = k % 7 ? "augmentation" : "reconstruction";
      if (k % 6) p.asa_grade = 1 + k % 4;
      for (int m = 0; m < 1 + k % 2; ++m) {
        domain::Implant implant;
        implant.gtin = GtinOf(1 + (k + m) % 3);
        implant.lot = "L1";
        implant.serial = p.procedure_ref + "-" + std::to_string(m);
        p.implants.push_back(implant);
      }
      out.push_back(std::move(p));
    }
    return out;
  }

  void Submit(const std::string& key, std::vector<Procedure> procedures) {
    auto start = store_->BeginSubmission({key, "RRK", "BCIR", {}});
    ASSERT_TRUE(start.has_value() && start->transaction);
    storage::Transaction& tx = *start->transaction;
    for (Procedure& p : procedures) ASSERT_TRUE(tx.PutProcedure(p).has_value());
    const auto n = static_cast<int64_t>(procedures.size());
    ASSERT_TRUE(tx.FinishSubmission({domain::SubmissionStatus::kAccepted, n, n, 0, "{}"}));
    ASSERT_TRUE(tx.Commit().has_value());
  }

  // Submits `batch` plus a revision (procedure P`revision`) of patients_[3] that removes P3's
  // first implant, then records patients_[7]'s death: new rows, a removal and a death at once.
  void SubmitBatchWithRevisionAndDeath(std::vector<Procedure> batch, int revision) {
    Procedure r = Primaries(revision, 1)[0];
    r.type = domain::ProcedureType::kRevision;
    r.patient = patients_[3];
    batch.push_back(r);
    Submit("batch", batch);
    auto revised = store_->FindProcedure("BCIR", "P3");
    auto by = store_->FindProcedure("BCIR", "P" + std::to_string(revision));
    ASSERT_TRUE(revised && *revised && by && *by);
    auto tx = store_->Begin();
    const domain::ImplantId removed = (*revised)->implants[0].id;
    ASSERT_TRUE((*tx)->MarkImplantsRemoved({&removed, 1}, (*by)->id, Day(2024, 6, 1)).has_value());
    ASSERT_TRUE((*tx)->RecordDeath(patients_[7], Day(2023, 3, 4)).has_value());
    ASSERT_TRUE((*tx)->Commit().has_value());
  }

  // A revision (P900) whose procedure removes the first implant of each primary P0..P`count`-1
  // that `fails`, 100 days after it; with `deaths`, every third patient dies too.
  void SubmitFailures(int count, const std::function<bool(int)>& fails, bool deaths) {
    Procedure revision_all = Primaries(900, 1)[0];
    revision_all.type = domain::ProcedureType::kRevision;
    Submit("revisions", {revision_all});
    auto reviser = store_->FindProcedure("BCIR", "P900");
    ASSERT_TRUE(reviser && *reviser);
    std::vector<std::pair<domain::ImplantId, Date>> failures;
    for (int k = 0; k < count; ++k) {
      if (!fails(k)) continue;
      auto failed = store_->FindProcedure("BCIR", "P" + std::to_string(k));
      ASSERT_TRUE(failed && *failed) << k;
      failures.emplace_back((*failed)->implants[0].id, (*failed)->date + std::chrono::days(100));
    }
    auto removals = store_->Begin();
    for (const auto& [id, on] : failures)
      ASSERT_TRUE((*removals)->MarkImplantsRemoved({&id, 1}, (*reviser)->id, on).has_value());
    for (size_t n = 0; deaths && n < patients_.size(); n += 3) {
      const Date died = Day(2016 + static_cast<int>(n % 9), 1 + n % 12, 5);
      ASSERT_TRUE((*removals)->RecordDeath(patients_[n], died));
    }
    ASSERT_TRUE((*removals)->Commit().has_value());
  }

  std::unique_ptr<storage::Store> store_;
  std::vector<PatientId> patients_;
};

void ExpectSameCohort(const Cohort& a, const Cohort& b) {
  EXPECT_EQ(a.registries, b.registries);
  EXPECT_EQ(a.models, b.models);
  EXPECT_EQ(a.brands, b.brands);
  EXPECT_EQ(a.surgeons, b.surgeons);
  EXPECT_EQ(a.hospitals, b.hospitals);
  EXPECT_EQ(a.indications, b.indications);
  EXPECT_EQ(a.constructs, b.constructs);
  EXPECT_EQ(a.construct_classes, b.construct_classes);
  EXPECT_EQ(a.registry, b.registry);
  EXPECT_EQ(a.surgeon, b.surgeon);
  EXPECT_EQ(a.hospital, b.hospital);
  EXPECT_EQ(a.entry_day, b.entry_day);
  EXPECT_EQ(a.exit_day, b.exit_day);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.death_day, b.death_day);
  EXPECT_EQ(a.age_band, b.age_band);
  EXPECT_EQ(a.sex, b.sex);
  EXPECT_EQ(a.asa, b.asa);
  EXPECT_EQ(a.indication, b.indication);
  EXPECT_EQ(a.construct, b.construct);
  EXPECT_EQ(a.implants.classes, b.implants.classes);
  EXPECT_EQ(a.implants.model, b.implants.model);
  EXPECT_EQ(a.implants.device_class, b.implants.device_class);
  EXPECT_EQ(a.implants.exit_day, b.implants.exit_day);
  EXPECT_EQ(a.implants.status, b.implants.status);
  EXPECT_EQ(a.implants.brand, b.implants.brand);
  EXPECT_EQ(a.implants.entry_day, b.implants.entry_day);
}

TEST_F(ResidentCohortTest, PatchedAfterABatchEqualsTheCohortReadWhole) {
  for (int n = 1; n <= 40; ++n) patients_.push_back(AddPatient(n));
  Submit("first", Primaries(0, 300));
  const Date cut = Day(2025, 12, 31);
  ResidentCohort resident;
  ASSERT_TRUE(resident.Load(*store_, cut).has_value());
  ASSERT_TRUE(resident.Build(*store_).has_value());
  const int64_t before = *store_->LastChange();

  // The batch: new primaries (one after the cut), a revision removing an earlier primary's
  // implant, and a death.
  std::vector<Procedure> batch = Primaries(300, 60);
  batch.back().date = Day(2026, 2, 1);
  ASSERT_NO_FATAL_FAILURE(SubmitBatchWithRevisionAndDeath(std::move(batch), 400));

  auto patched = resident.Refresh(*store_, before);
  ASSERT_TRUE(patched.has_value()) << patched.error().ToString();
  EXPECT_GT(*patched, 61);  // the batch and the dead patient's earlier primaries
  auto kept = resident.Build(*store_);
  auto whole = BuildCohort(*store_, cut);
  ASSERT_TRUE(kept.has_value() && whole.has_value());
  EXPECT_EQ((*kept)->size(), 359u);  // 300 + 60 new, less the one after the cut
  // The removal and the death moved kept rows' follow-up only: patched in place, not rebuilt.
  EXPECT_EQ(resident.fresh_builds(), 1);
  ExpectSameCohort(**kept, *whole);
  EXPECT_TRUE(std::count(whole->status.begin(), whole->status.end(), 1) > 0);
  EXPECT_TRUE(std::count(whole->status.begin(), whole->status.end(), 2) > 0);

  // A batch of new primaries only (one with a device model the cohort has not seen): the built
  // cohort is appended to, and still equals the cohort read whole.
  const int64_t before_new = *store_->LastChange();
  std::vector<Procedure> fresh = Primaries(500, 40);
  fresh[5].implants[0].gtin = GtinOf(9);
  Submit("new only", fresh);
  ASSERT_TRUE(resident.Refresh(*store_, before_new).has_value());
  auto appended = resident.Build(*store_);
  auto whole_again = BuildCohort(*store_, cut);
  ASSERT_TRUE(appended.has_value() && whole_again.has_value());
  EXPECT_EQ((*appended)->size(), 399u);
  ExpectSameCohort(**appended, *whole_again);

  // The runs: an incremental run on the resident cohort gives, for every unit it writes, what
  // a full run over the same store gives.
  RunOptions options;
  options.data_cut = cut;
  auto full = RunSurveillance(*store_, options);
  options.since_change = before;
  auto incremental = RunSurveillance(*store_, options, &resident);
  ASSERT_TRUE(full.has_value() && incremental.has_value());
  EXPECT_EQ(incremental->primaries, full->primaries);
  EXPECT_GT(incremental->affected_units, 0);
  for (const storage::Signal& s : incremental->signals) {
    const auto same = std::find_if(full->signals.begin(), full->signals.end(), [&](const auto& f) {
      return f.registry == s.registry && f.unit_kind == s.unit_kind && f.unit == s.unit &&
             f.method == s.method;
    });
    ASSERT_NE(same, full->signals.end()) << s.unit << " " << s.method;
    EXPECT_EQ(same->statistic, s.statistic);
    EXPECT_EQ(same->evidence_json, s.evidence_json);
  }
}

// The kept-model rule (methods.h KeptModels): after a real batch, the incremental run on the
// resident cohort uses the models kept before it and writes, for the units it touched, exactly
// the signals a full evaluation of the whole store gives with the same kept models.
TEST_F(ResidentCohortTest, AnIncrementalRunOnKeptModelsEqualsAFullRunWithThoseModels) {
  for (int n = 1; n <= 40; ++n) patients_.push_back(AddPatient(n));
  Submit("first", Primaries(0, 600));
  // A surgeon (GMC 1234560, every fourth primary) whose primaries at RR801 fail: each one's
  // first implant removed 100 days on, so the CUSUM and the funnels have something to signal.
  ASSERT_NO_FATAL_FAILURE(SubmitFailures(
      600, [](int k) { return k % 12 == 0; }, false));
  const Date cut = Day(2025, 12, 31);
  RunOptions options;
  options.data_cut = cut;
  options.methods.cusum_target_arl = 30;  // a short run length: charts that signal
  ResidentCohort resident;
  ASSERT_TRUE(resident.Load(*store_, cut).has_value());
  auto before_cohort = resident.Build(*store_);
  ASSERT_TRUE(before_cohort.has_value());
  const int64_t before = *store_->LastChange();
  resident.models().change_seq = before;
  ASSERT_TRUE(KeepModels(**before_cohort, options.methods, resident.models()).has_value());
  ASSERT_TRUE(resident.models().cusum.contains("BCIR"));
  const KeptModels kept = resident.models();

  // The batch: new primaries, a revision removing an earlier primary's implant, and a death.
  std::vector<Procedure> batch = Primaries(600, 80);
  ASSERT_NO_FATAL_FAILURE(SubmitBatchWithRevisionAndDeath(std::move(batch), 700));

  options.since_change = before;
  auto incremental = RunSurveillance(*store_, options, &resident);
  ASSERT_TRUE(incremental.has_value()) << incremental.error().ToString();
  // The cohort built before the batch was patched in place (its removal and death move only
  // follow-up), and the kept model served: not fitted again at this run's change.
  EXPECT_EQ(resident.fresh_builds(), 1);
  EXPECT_EQ(resident.models().cusum.at("BCIR").fitted_at_change, before);

  auto whole = BuildCohort(*store_, cut);
  ASSERT_TRUE(whole.has_value());
  KeptModels same = kept;
  const Increment with_kept{nullptr, &same, false};
  auto full = EvaluateCohort(*whole, options.methods, nullptr, nullptr, &with_kept);
  ASSERT_TRUE(full.has_value());
  auto units = AffectedUnits(*store_, before, *whole);
  ASSERT_TRUE(units.has_value());
  auto line = [](const storage::Signal& s) {
    return fmt::format("{}|{}|{}|{}|{:.10g}|{:.10g}|{}", s.registry,
                       storage::SignalUnitKindName(s.unit_kind), s.unit, s.method, s.statistic,
                       s.threshold, s.evidence_json);
  };
  std::vector<std::string> expected, got;
  for (const storage::Signal& s : *full)
    if (units->contains({s.registry, s.unit_kind, s.unit})) expected.push_back(line(s));
  for (const storage::Signal& s : incremental->signals) got.push_back(line(s));
  std::sort(expected.begin(), expected.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, expected);
  const auto cusums = std::count_if(got.begin(), got.end(), [](const std::string& l) {
    return l.find("fitted_at_change") != std::string::npos;
  });
  EXPECT_GT(cusums, 0) << fmt::format("{}", fmt::join(got, "\n"));  // against the kept models
}

// The funnels an incremental run draws from the kept models (one pass over the cohort, methods.h
// KeptModels) give, on the cohort the models were fitted on, what fitting them there gives: the
// same units and methods, with the same observed and the same expected, ratio and limits to 10
// significant digits (the kept Cox model holds exp(x'b) and the baseline apart).
TEST_F(ResidentCohortTest, FunnelsFromKeptModelsEqualTheFittedFunnels) {
  for (int n = 1; n <= 40; ++n) patients_.push_back(AddPatient(n));
  Submit("first", Primaries(0, 600));
  // Every fifth primary fails, and every one of surgeon 1234563's at RR801 (k % 12 == 3: the
  // case mix, ASA 4, does not explain it, since the surgeon's ASA 4 primaries elsewhere do well).
  ASSERT_NO_FATAL_FAILURE(SubmitFailures(
      600, [](int k) { return k % 5 == 0 || k % 12 == 3; }, true));
  auto cohort = BuildCohort(*store_, Day(2025, 12, 31));
  ASSERT_TRUE(cohort.has_value());
  MethodOptions options;
  options.signal_alerts = true;
  options.min_expected = 0.1;
  options.risk.min_level_events = 25;  // fewer, fittable levels on this small, regular registry
  KeptModels kept;
  const Increment fit{nullptr, &kept, true};
  std::vector<std::string> notes;
  auto fitted = FunnelSignals(*cohort, options, &notes, &fit);
  ASSERT_TRUE(fitted.has_value()) << fitted.error().ToString();
  // Revision and mortality, 5 and 10 years.
  ASSERT_EQ(kept.funnel.size(), 4u) << fmt::format("{}", fmt::join(notes, "\n"));
  const Increment use{nullptr, &kept, false};
  auto from_kept = FunnelSignals(*cohort, options, nullptr, &use);
  ASSERT_TRUE(from_kept.has_value()) << from_kept.error().ToString();
  auto line = [](const storage::Signal& s) {
    const auto e = nlohmann::json::parse(s.evidence_json);
    std::string limits;
    for (const auto& l : e["limits"]) limits += fmt::format("{:.10g} ", l.get<double>());
    return fmt::format("{}|{}|{}|{:.10g}|{:.10g}|{}|{:.10g}|{}", s.unit, s.method,
                       storage::SignalUnitKindName(s.unit_kind), s.statistic, s.threshold,
                       e["observed"].dump(), e["expected"].get<double>(), limits);
  };
  std::vector<std::string> want, got;
  for (const auto& s : *fitted) want.push_back(line(s));
  for (const auto& s : *from_kept) got.push_back(line(s));
  EXPECT_FALSE(want.empty());
  EXPECT_EQ(got, want);
  for (const auto& s : *from_kept)
    EXPECT_NE(s.evidence_json.find("fitted_at_change"), std::string::npos) << s.evidence_json;
}

TEST_F(ResidentCohortTest, RefreshBeforeALoadIsRefused) {
  ResidentCohort resident;
  auto refreshed = resident.Refresh(*store_, 0);
  ASSERT_FALSE(refreshed.has_value());
  EXPECT_EQ(refreshed.error().code(), ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace orp::surveillance
