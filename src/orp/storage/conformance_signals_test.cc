// Store conformance: surveillance signals (surveil7, #7).
#include <fmt/format.h>
#include <gmock/gmock.h>

#include <cmath>
#include <map>

#include "orp/storage/conformance_test.h"
#include "orp/storage/sql.h"
#include "orp/storage/surveillance_reads.h"

namespace orp::storage::conformance {
namespace {

Signal SampleSignal(const std::string& unit, const std::string& method) {
  Signal s;
  s.registry = "NJR";
  s.unit_kind = SignalUnitKind::kDeviceModel;
  s.unit = unit;
  s.method = method;
  s.what = "revision rate 3.0 x class";
  s.statistic = 3.0;
  s.threshold = 2.0;
  s.data_cut = Day(2026, 6, 30);
  s.evidence_json = R"({"ptir":1.5})";
  return s;
}

Result<SignalPutResult> Put(Store& store, const Signal& signal) {
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  auto put = (*tx)->PutSignal(signal);
  if (!put) return put;
  ORP_RETURN_IF_ERROR((*tx)->Commit());
  return put;
}

TEST_P(StoreConformance, SignalRoundTrips) {
  auto put = Put(*store_, SampleSignal("05012341000015", "njr-ptir"));
  ASSERT_TRUE(put.has_value()) << put.error().ToString();
  EXPECT_TRUE(put->created);
  auto found = store_->FindSignal(put->id);
  ASSERT_TRUE(found.has_value() && found->has_value());
  Signal expected = SampleSignal("05012341000015", "njr-ptir");
  expected.id = put->id;
  expected.first_seen = expected.data_cut;
  EXPECT_EQ(**found, expected);
}

TEST_P(StoreConformance, SignalSeenAgainIsUpdatedNotDuplicated) {
  const auto first = Put(*store_, SampleSignal("G1", "njr-ptir"));
  ASSERT_TRUE(first.has_value());
  auto tx = store_->Begin();
  ASSERT_TRUE((*tx)->SetSignalStatus(first->id, SignalStatus::kUnderReview, "").has_value());
  ASSERT_TRUE((*tx)->Commit().has_value());

  Signal later = SampleSignal("G1", "njr-ptir");
  later.statistic = 3.4;
  later.data_cut = Day(2026, 12, 31);
  later.evidence_json = R"({"ptir":1.7})";
  auto second = Put(*store_, later);
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->id, first->id);
  auto all = store_->ListSignals({});
  ASSERT_EQ(all->size(), 1u);
  const Signal& s = all->front();
  EXPECT_EQ(s.statistic, 3.4);
  EXPECT_EQ(s.data_cut, Day(2026, 12, 31));
  EXPECT_EQ(s.first_seen, Day(2026, 6, 30));
  EXPECT_EQ(s.times_seen, 2);
  EXPECT_EQ(s.status, SignalStatus::kUnderReview);  // the review survives the new run
  EXPECT_EQ(s.evidence_json, R"({"ptir":1.7})");
}

TEST_P(StoreConformance, SignalsAreFilteredByStatusAndRegistry) {
  const auto a = Put(*store_, SampleSignal("G1", "njr-ptir"));
  ASSERT_TRUE(Put(*store_, SampleSignal("G2", "njr-ptir")).has_value());
  Signal other = SampleSignal("G1", "njr-ptir");
  other.registry = "BCIR";
  ASSERT_TRUE(Put(*store_, other).has_value());
  auto tx = store_->Begin();
  ASSERT_TRUE(
      (*tx)->SetSignalStatus(a->id, SignalStatus::kDismissed, "known, recalled 2025").has_value());
  ASSERT_TRUE((*tx)->Commit().has_value());
  EXPECT_EQ(store_->ListSignals({})->size(), 3u);
  EXPECT_EQ(store_->ListSignals({"BCIR", std::nullopt})->size(), 1u);
  auto dismissed = store_->ListSignals({"", SignalStatus::kDismissed});
  ASSERT_EQ(dismissed->size(), 1u);
  EXPECT_EQ(dismissed->front().status_reason, "known, recalled 2025");
  EXPECT_EQ(store_->ListSignals({"NJR", SignalStatus::kNew})->size(), 1u);
}

TEST_P(StoreConformance, DismissingASignalNeedsAReason) {
  const auto a = Put(*store_, SampleSignal("G1", "maxsprt"));
  auto tx = store_->Begin();
  auto set = (*tx)->SetSignalStatus(a->id, SignalStatus::kDismissed, "");
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, UnknownSignalIsNotFound) {
  auto tx = store_->Begin();
  auto set = (*tx)->SetSignalStatus(999, SignalStatus::kConfirmed, "");
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(store_->FindSignal(999)->has_value());
}

TEST_P(StoreConformance, UndefinedStatisticRoundTripsAsNaN) {
  Signal s = SampleSignal("G1", "aoanjrr-screen");
  s.statistic = std::nan("");
  const auto put = Put(*store_, s);
  ASSERT_TRUE(put.has_value());
  EXPECT_TRUE(std::isnan((*store_->FindSignal(put->id))->statistic));
}

TEST_P(StoreConformance, SignalWithoutUnitIsRejected) {
  Signal s = SampleSignal("", "njr-ptir");
  auto put = Put(*store_, s);
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code(), ErrorCode::kInvalidArgument);
}

// The lean cohort read of a surveillance run (storage/surveillance_reads.h), on every backend:
// primaries on or before the data cut only, one row per implant (one without implants gives one
// row), in procedure then implant order, with the patient's and the removal's facts.
std::vector<SurveillanceRow> SurveillanceRows(Store& store, Date data_cut) {
  std::vector<SurveillanceRow> rows;
  SurveillanceReads* lean = AsSurveillanceReads(store);
  EXPECT_NE(lean, nullptr) << "a SQL store answers the lean read";
  if (lean == nullptr) return rows;
  auto done = lean->ForEachSurveillanceRow(data_cut, [&](const SurveillanceRow& row) {
    rows.push_back(row);
    return true;
  });
  EXPECT_TRUE(done.has_value()) << done.error().ToString();
  return rows;
}

TEST_P(StoreConformance, SurveillanceRowsAreThePrimariesWithPatientAndImplantFacts) {
  const PatientId a = AddPatient(SamplePatient(1));
  Patient other = SamplePatient(2);
  other.sex.reset();
  other.date_of_birth.reset();
  const PatientId b = AddPatient(other);
  Procedure two = SampleProcedure("P1", a);
  Implant second = two.implants[0];
  second.gtin = SampleGtin(2);
  second.serial = "P1-S2";
  two.implants.push_back(second);
  Procedure bare = SampleProcedure("P2", b);
  bare.implants.clear();
  bare.asa_grade.reset();
  bare.clinician.reset();
  bare.indication.clear();
  Procedure revision = SampleProcedure("R1", a);
  revision.type = domain::ProcedureType::kRevision;
  revision.date = Day(2024, 9, 1);
  Procedure late = SampleProcedure("P3", b);
  late.date = Day(2026, 1, 1);
  Submit("k1", {two, bare, revision, late});
  auto stored = store_->FindProcedure("BCIR", "P1");
  auto by = store_->FindProcedure("BCIR", "R1");
  ASSERT_TRUE(stored && *stored && by && *by);
  auto tx = store_->Begin();
  ASSERT_TRUE(tx.has_value());
  const ImplantId removed = (*stored)->implants[0].id;
  ASSERT_TRUE((*tx)->MarkImplantsRemoved({&removed, 1}, (*by)->id, Day(2024, 9, 1)).has_value());
  ASSERT_TRUE((*tx)->RecordDeath(a, Day(2025, 2, 3)).has_value());
  ASSERT_TRUE((*tx)->Commit().has_value());

  const std::vector<SurveillanceRow> rows = SurveillanceRows(*store_, Day(2025, 12, 31));
  ASSERT_EQ(rows.size(), 3u);  // P1's two implants and bare P2; not R1 (revision), not P3 (late)
  const Patient patient_a = SamplePatient(1);
  for (size_t k = 0; k < 2; ++k) {
    const SurveillanceRow& r = rows[k];
    EXPECT_EQ(r.procedure, (*stored)->id.value);
    EXPECT_EQ(r.registry, "BCIR");
    EXPECT_EQ(r.date, Day(2024, 3, 1));
    EXPECT_EQ(r.provider_site, "RRK02");
    EXPECT_EQ(r.clinician, "1234567");
    EXPECT_EQ(r.indication, "augmentation");
    EXPECT_EQ(r.asa_grade, 2);
    EXPECT_EQ(r.date_of_birth, patient_a.date_of_birth);
    EXPECT_EQ(r.sex, domain::SexCode(*patient_a.sex));  // the stored NHS code
    EXPECT_EQ(r.date_of_death, Day(2025, 2, 3));
    EXPECT_TRUE(r.has_implant);
    EXPECT_TRUE(r.implanted);
  }
  EXPECT_EQ(rows[0].device, SampleGtin(1).digits());
  EXPECT_EQ(rows[0].removed_on, Day(2024, 9, 1));
  EXPECT_EQ(rows[1].device, SampleGtin(2).digits());
  EXPECT_EQ(rows[1].removed_on, std::nullopt);
  const SurveillanceRow& r = rows[2];
  EXPECT_GT(r.procedure, rows[0].procedure);
  EXPECT_FALSE(r.has_implant);
  EXPECT_FALSE(r.implanted);
  EXPECT_EQ(r.device, "");
  EXPECT_EQ(r.clinician, "");
  EXPECT_EQ(r.indication, "");
  EXPECT_EQ(r.asa_grade, std::nullopt);
  EXPECT_EQ(r.date_of_birth, std::nullopt);
  EXPECT_EQ(r.sex, "");
  EXPECT_EQ(r.date_of_death, std::nullopt);

  EXPECT_EQ(SurveillanceRows(*store_, Day(2026, 1, 1)).size(), 4u);  // P3 on the cut is in
  EXPECT_TRUE(SurveillanceRows(*store_, Day(2024, 2, 29)).empty());
}

// The read merges the primaries with the implants in procedure order (sql_signals.cc): the
// implants of a revision between two primaries, and of a primary after the cut, are passed by,
// and each primary keeps exactly its own implants.
TEST_P(StoreConformance, SurveillanceRowsPassByTheImplantsOfOtherProcedures) {
  const PatientId a = AddPatient(SamplePatient(1));
  const PatientId b = AddPatient(SamplePatient(2));
  Procedure first = SampleProcedure("P1", a);
  Procedure revision = SampleProcedure("R1", a);
  revision.type = domain::ProcedureType::kRevision;
  revision.date = Day(2024, 9, 1);
  Procedure late = SampleProcedure("P2", b);
  late.date = Day(2026, 1, 1);
  Procedure last = SampleProcedure("P3", b);
  last.implants[0].gtin = SampleGtin(3);
  Procedure bare = SampleProcedure("P4", a);
  bare.implants.clear();
  Submit("k1", {first, revision, late, last, bare});

  const std::vector<SurveillanceRow> rows = SurveillanceRows(*store_, Day(2025, 12, 31));
  ASSERT_EQ(rows.size(), 3u);  // P1's implant, P3's implant, bare P4
  EXPECT_EQ(rows[0].device, SampleGtin(1).digits());
  EXPECT_LT(rows[0].procedure, rows[1].procedure);
  EXPECT_TRUE(rows[1].has_implant);
  EXPECT_EQ(rows[1].device, SampleGtin(3).digits());
  EXPECT_EQ(rows[1].date_of_birth, SamplePatient(2).date_of_birth);
  EXPECT_LT(rows[1].procedure, rows[2].procedure);
  EXPECT_FALSE(rows[2].has_implant);
  EXPECT_EQ(rows[2].device, "");
  EXPECT_EQ(rows[2].removed_on, std::nullopt);
}

// On PostgreSQL the primaries and the implants are read through cursors a batch at a time
// (sql::Database::WithCursorStatement); with two rows per batch every batch boundary of both
// falls somewhere in the merge, inside a procedure's implants too, and the rows are the same.
TEST_P(StoreConformance, SurveillanceRowsAreWholeWhenReadInSmallBatches) {
  const PatientId a = AddPatient(SamplePatient(1));
  std::vector<Procedure> procedures;
  std::vector<std::pair<std::string, std::string>> expected;  // (procedure ref, device)
  int gtin = 1;
  for (int k = 0; k < 9; ++k) {
    Procedure p = SampleProcedure(fmt::format("P{}", k), a);
    const int implants = k % 4;  // 0 to 3 implants
    p.implants.clear();
    Implant implant = SampleProcedure("X", a).implants[0];
    for (int n = 0; n < implants; ++n) {
      implant.gtin = SampleGtin(gtin++);
      implant.serial = fmt::format("S{}-{}", k, n);
      p.implants.push_back(implant);
      expected.emplace_back(p.procedure_ref, implant.gtin->digits());
    }
    if (implants == 0) expected.emplace_back(p.procedure_ref, "");
    if (k % 3 == 1) {  // a revision with an implant between primaries: passed by
      Procedure revision = SampleProcedure(fmt::format("R{}", k), a);
      revision.type = domain::ProcedureType::kRevision;
      revision.implants[0].serial = fmt::format("R{}", k);
      procedures.push_back(revision);
    }
    procedures.push_back(p);
  }
  Submit("k1", procedures);
  std::map<int64_t, std::string> refs;
  for (const Procedure& p : procedures) {
    auto stored = store_->FindProcedure("BCIR", p.procedure_ref);
    ASSERT_TRUE(stored && *stored);
    refs[(*stored)->id.value] = p.procedure_ref;
  }
  sql::SetCursorBatchRows(2);
  const std::vector<SurveillanceRow> rows = SurveillanceRows(*store_, Day(2025, 12, 31));
  sql::SetCursorBatchRows(10000);
  std::vector<std::pair<std::string, std::string>> got;
  for (const SurveillanceRow& r : rows) got.emplace_back(refs[r.procedure], r.device);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(SurveillanceRows(*store_, Day(2025, 12, 31)).size(), rows.size());
}

// The changed read (a resident cohort's refresh): the procedures changed after N, whether the
// procedure, an implant or the patient (a death) changed; those no longer in the cohort (not a
// primary, or after the cut) come as one row with in_cohort false.
TEST_P(StoreConformance, ChangedSurveillanceRowsAreTheProceduresChangedOrWhosePatientDied) {
  const PatientId a = AddPatient(SamplePatient(1));
  const PatientId b = AddPatient(SamplePatient(2));
  const PatientId c = AddPatient(SamplePatient(3));
  Submit("k1", {SampleProcedure("P1", a), SampleProcedure("P2", b)});
  const int64_t before = *store_->LastChange();
  auto tx = store_->Begin();
  ASSERT_TRUE(tx.has_value());
  ASSERT_TRUE((*tx)->RecordDeath(b, Day(2025, 2, 3)).has_value());
  ASSERT_TRUE((*tx)->Commit().has_value());
  Procedure revision = SampleProcedure("R1", c);
  revision.type = domain::ProcedureType::kRevision;
  Procedure late = SampleProcedure("P3", c);
  late.date = Day(2026, 1, 1);
  Submit("k2", {revision, late});

  SurveillanceReads* lean = AsSurveillanceReads(*store_);
  ASSERT_NE(lean, nullptr);
  std::vector<SurveillanceRow> rows;
  auto done = lean->ForEachChangedSurveillanceRow(before, Day(2025, 12, 31),
                                                  [&](const SurveillanceRow& row) {
                                                    rows.push_back(row);
                                                    return true;
                                                  });
  ASSERT_TRUE(done.has_value()) << done.error().ToString();
  auto id_of = [&](const char* ref) { return (*store_->FindProcedure("BCIR", ref))->id.value; };
  ASSERT_EQ(rows.size(), 3u);  // P2 (its patient died), R1 and P3 (out); not P1
  EXPECT_EQ(rows[0].procedure, id_of("P2"));
  EXPECT_TRUE(rows[0].in_cohort);
  EXPECT_TRUE(rows[0].implanted);
  EXPECT_EQ(rows[0].date_of_death, Day(2025, 2, 3));
  EXPECT_EQ(rows[0].clinician, "1234567");
  EXPECT_EQ(rows[1].procedure, id_of("R1"));
  EXPECT_FALSE(rows[1].in_cohort);
  EXPECT_EQ(rows[2].procedure, id_of("P3"));
  EXPECT_FALSE(rows[2].in_cohort);

  rows.clear();
  ASSERT_TRUE(lean->ForEachChangedSurveillanceRow(*store_->LastChange(), Day(2025, 12, 31),
                                                  [&](const SurveillanceRow& row) {
                                                    rows.push_back(row);
                                                    return true;
                                                  })
                  .has_value());
  EXPECT_TRUE(rows.empty());
}

}  // namespace
}  // namespace orp::storage::conformance
