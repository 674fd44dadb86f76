#include <gmock/gmock.h>

#include "orp/storage/conformance_test.h"
#include "orp/storage/fault_injection.h"

namespace orp::storage::conformance {
namespace {

using domain::SubmissionStatus;

TEST_P(StoreConformance, RepeatedIdempotencyKeyReturnsTheFirstReceiptAndWritesNothing) {
  PatientId patient = AddPatient(SamplePatient(1));
  SubmissionId first = Submit("same-key", {SampleProcedure("P1", patient)});
  auto before = store_->CountRows();
  auto again = store_->BeginSubmission({"same-key", "RRK", "BCIR", {}});
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->transaction, nullptr);
  ASSERT_TRUE(again->duplicate_of.has_value());
  EXPECT_EQ(again->duplicate_of->id, first);
  EXPECT_EQ(again->duplicate_of->receipt_json, "{\"key\":\"same-key\"}");
  EXPECT_EQ(again->duplicate_of->status, SubmissionStatus::kAccepted);
  EXPECT_EQ(again->duplicate_of->accepted, 1);
  EXPECT_EQ(*store_->CountRows(), *before);
  // A store opened afterwards still begins a transaction (the duplicate released its lock).
  EXPECT_TRUE(store_->Begin().has_value());
}

TEST_P(StoreConformance, AbandonedSubmissionLeavesNothingAndFreesItsKey) {
  PatientId patient = AddPatient(SamplePatient(1));
  auto before = store_->CountRows();
  {
    auto start = store_->BeginSubmission({"k", "RRK", "BCIR", {}});
    ASSERT_TRUE(start.has_value() && start->transaction);
    Procedure p = SampleProcedure("P1", patient);
    ASSERT_TRUE(start->transaction->PutProcedure(p).has_value());
  }
  EXPECT_EQ(*store_->CountRows(), *before);
  EXPECT_FALSE(store_->FindSubmissionByKey("k")->has_value());
  Submit("k", {SampleProcedure("P1", patient)});
  EXPECT_TRUE(store_->FindProcedure("BCIR", "P1")->has_value());
}

TEST_P(StoreConformance, SubmissionMustBeFinishedBeforeCommit) {
  auto start = store_->BeginSubmission({"k", "RRK", "BCIR", {}});
  ASSERT_TRUE(start.has_value() && start->transaction);
  auto committed = start->transaction->Commit();
  ASSERT_FALSE(committed.has_value());
  EXPECT_EQ(committed.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(store_->FindSubmissionByKey("k")->has_value());
  EXPECT_EQ(store_->BeginSubmission({"", "RRK", "", {}}).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, SubmissionAndFindingsRoundTrip) {
  auto start = store_->BeginSubmission(
      {"k", "RRK", "BCIR", domain::Instant(std::chrono::seconds(1764160000))});
  ASSERT_TRUE(start.has_value() && start->transaction);
  Transaction& txn = *start->transaction;
  std::vector<Finding> findings = {
      {3, "P1", "nhs_number", "nhs_number.check_digit", domain::Severity::kError, "bad"},
      {4, "P2", "bmi", "bmi.range", domain::Severity::kWarning, "high"}};
  ASSERT_TRUE(txn.AddFindings(findings).has_value());
  ASSERT_TRUE(txn.AddFindings(std::span(findings).first(1)).has_value());
  SubmissionOutcome outcome{SubmissionStatus::kPartiallyAccepted, 2, 1, 1, "{}"};
  ASSERT_TRUE(txn.FinishSubmission(outcome).has_value());
  ASSERT_TRUE(txn.Commit().has_value());
  auto sub = store_->FindSubmission(txn.submission());
  ASSERT_TRUE(sub.has_value() && sub->has_value());
  Submission expected{txn.submission(),
                      "k",
                      "RRK",
                      "BCIR",
                      domain::Instant(std::chrono::seconds(1764160000)),
                      SubmissionStatus::kPartiallyAccepted,
                      2,
                      1,
                      1,
                      "{}"};
  EXPECT_EQ(**sub, expected);
  findings.push_back(findings[0]);
  EXPECT_EQ(*store_->FindingsOf(txn.submission()), findings);
}

TEST_P(StoreConformance, ResubmittedProcedureBecomesANewVersionAndKeepsHistory) {
  PatientId patient = AddPatient(SamplePatient(1));
  Procedure v1 = SampleProcedure("P1", patient);
  Implant second = v1.implants[0];
  second.serial = "P1-S2";
  v1.implants.push_back(second);
  SubmissionId s1 = Submit("k1", {v1});
  Procedure stored_v1 = store_->FindProcedure("BCIR", "P1")->value();
  // A later revision removes the first implant; the correction must keep that.
  Procedure revision = SampleProcedure("R1", patient);
  revision.type = domain::ProcedureType::kRevision;
  Submit("k2", {revision});
  ProcedureId revision_id = store_->FindProcedure("BCIR", "R1")->value().id;
  {
    auto txn = store_->Begin();
    ImplantId removed[] = {stored_v1.implants[0].id};
    ASSERT_TRUE((*txn)->MarkImplantsRemoved(removed, revision_id, Day(2025, 1, 1)).has_value());
    ASSERT_TRUE((*txn)->Commit().has_value());
  }
  Procedure v2 = SampleProcedure("P1", patient);  // same first implant; second one dropped
  v2.bmi = 24.0;
  v2.implants[0].expiry = Day(2028, 1, 1);
  SubmissionId s3 = Submit("k3", {v2});
  Procedure current = store_->FindProcedure("BCIR", "P1")->value();
  EXPECT_EQ(current.id, stored_v1.id);
  EXPECT_EQ(current.version, 2);
  EXPECT_EQ(current.submission, s3);
  EXPECT_EQ(current.bmi, 24.0);
  ASSERT_EQ(current.implants.size(), 1u);
  EXPECT_EQ(current.implants[0].id, stored_v1.implants[0].id);
  EXPECT_EQ(current.implants[0].expiry, Day(2028, 1, 1));
  EXPECT_FALSE(current.implants[0].in_situ);
  EXPECT_EQ(current.implants[0].removed_by, revision_id);

  auto history = store_->ProcedureHistory("BCIR", "P1");
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].version, 1);
  EXPECT_EQ((*history)[0].submission, s1);
  EXPECT_EQ((*history)[0].bmi, 23.5);
  ASSERT_EQ((*history)[0].implants.size(), 2u);
  EXPECT_EQ((*history)[0].implants[1].serial, "P1-S2");
  EXPECT_EQ((*history)[1], current);
  EXPECT_TRUE(store_->ProcedureHistory("BCIR", "nope")->empty());
}

TEST_P(StoreConformance, AuditRecordsChainInOrderAndRefuseAFork) {
  auto txn = store_->Begin();
  AuditRecord first{0,
                    domain::Instant(std::chrono::seconds(100)),
                    "alice",
                    "admin",
                    "user.create",
                    "user/bob",
                    "req-1",
                    "administration",
                    "ok",
                    "",
                    "h1"};
  AuditRecord second = first;
  second.prev_hash = "h1";
  second.hash = "h2";
  EXPECT_EQ(*(*txn)->AppendAudit(first), 1);
  EXPECT_EQ(*(*txn)->AppendAudit(second), 2);
  ASSERT_TRUE((*txn)->Commit().has_value());
  first.seq = 1;
  second.seq = 2;
  EXPECT_EQ(store_->LastAuditRecord()->value(), second);
  std::vector<AuditRecord> seen;
  ASSERT_TRUE(store_
                  ->ForEachAuditRecord(0,
                                       [&](const AuditRecord& r) {
                                         seen.push_back(r);
                                         return true;
                                       })
                  .has_value());
  EXPECT_EQ(seen, (std::vector<AuditRecord>{first, second}));

  auto fork = store_->Begin();
  AuditRecord stale = second;
  stale.prev_hash = "h1";  // written by someone who did not see h2
  auto appended = (*fork)->AppendAudit(stale);
  ASSERT_FALSE(appended.has_value());
  EXPECT_EQ(appended.error().code(), ErrorCode::kFailedPrecondition);
  fork->reset();
  EXPECT_EQ(store_->CountRows()->at("audit_log"), 2);
}

TEST_P(StoreConformance, ProceduresStreamInIdOrderWithTheirImplants) {
  PatientId patient = AddPatient(SamplePatient(1));
  Procedure bare = SampleProcedure("B", patient);
  bare.implants.clear();
  Submit("k1", {SampleProcedure("A", patient), bare});
  Procedure other = SampleProcedure("C", patient);
  other.registry = "NJR";
  Submit("k2", {other, SampleProcedure("D", patient)});
  std::vector<std::string> refs;
  size_t implants = 0;
  auto all = [&](const Procedure& p) {
    refs.push_back(p.procedure_ref);
    implants += p.implants.size();
    for (const Implant& i : p.implants) EXPECT_EQ(i.procedure, p.id);
    return true;
  };
  ASSERT_TRUE(store_->ForEachProcedure({}, all).has_value());
  EXPECT_THAT(refs, ::testing::ElementsAre("A", "B", "C", "D"));
  EXPECT_EQ(implants, 3u);
  refs.clear();
  ASSERT_TRUE(store_->ForEachProcedure({"NJR", 0}, all).has_value());
  EXPECT_THAT(refs, ::testing::ElementsAre("C"));
  refs.clear();
  ASSERT_TRUE(store_
                  ->ForEachProcedure({},
                                     [&](const Procedure& p) {
                                       refs.push_back(p.procedure_ref);
                                       return refs.size() < 2;
                                     })
                  .has_value());
  EXPECT_EQ(refs.size(), 2u);
}

// A cohort built at change N is refreshed by streaming what changed after N: new procedures,
// procedures whose implants a later revision removed, and patients who died.
TEST_P(StoreConformance, ChangeSequenceStreamsOnlyWhatChangedSince) {
  EXPECT_EQ(*store_->LastChange(), 0);
  PatientId alive = AddPatient(SamplePatient(1));
  PatientId dies = AddPatient(SamplePatient(2));
  Submit("k1",
         {SampleProcedure("A", alive), SampleProcedure("B", alive), SampleProcedure("C", dies)});
  const int64_t built_at = *store_->LastChange();
  EXPECT_GT(built_at, 0);
  Procedure b = store_->FindProcedure("BCIR", "B")->value();
  Submit("k2", {SampleProcedure("D", alive)});
  {
    auto txn = store_->Begin();
    ImplantId removed[] = {b.implants[0].id};
    ProcedureId by = (*txn)->FindProcedure("BCIR", "D")->value().id;
    ASSERT_TRUE((*txn)->MarkImplantsRemoved(removed, by, Day(2026, 1, 1)).has_value());
    ASSERT_TRUE((*txn)->RecordDeath(dies, Day(2026, 2, 1)).has_value());
    ASSERT_TRUE((*txn)->Commit().has_value());
  }
  EXPECT_GT(*store_->LastChange(), built_at);
  std::vector<std::string> refs;
  ASSERT_TRUE(store_
                  ->ForEachProcedure({"", built_at},
                                     [&](const Procedure& p) {
                                       refs.push_back(p.procedure_ref);
                                       return true;
                                     })
                  .has_value());
  EXPECT_THAT(refs, ::testing::ElementsAre("B", "D"));
  std::vector<PatientId> patients;
  ASSERT_TRUE(store_
                  ->ForEachPatient(*store_->LastChange() - 1,
                                   [&](const Patient& p) {
                                     patients.push_back(p.id);
                                     return true;
                                   })
                  .has_value());
  EXPECT_THAT(patients, ::testing::ElementsAre(dies));
  // A rolled-back transaction leaves the sequence where it was.
  int64_t before = *store_->LastChange();
  (*store_->Begin())->PutPatient(SamplePatient(9)).value();
  EXPECT_EQ(*store_->LastChange(), before);
}

// Drives a submission that touches every kind of write through a store that fails call N, for
// every N the submission makes: each failure must leave the database exactly as it was, and the
// same key must then succeed.
TEST_P(StoreConformance, AFaultAtAnyCallLeavesNothingPartialAndTheRetrySucceeds) {
  auto workload = [](Store& store) -> Result<void> {
    auto start = store.BeginSubmission({"fault-key", "RRK", "BCIR", {}});
    if (!start) return std::unexpected(start.error());
    Transaction& txn = *start->transaction;
    auto patient = txn.PutPatient(SamplePatient(9));
    if (!patient) return std::unexpected(patient.error());
    Procedure p = SampleProcedure("F1", *patient);
    ORP_RETURN_IF_ERROR(txn.PutProcedure(p));
    ORP_RETURN_IF_ERROR(txn.MarkImplantsRemoved(std::vector{p.implants[0].id}, p.id, p.date));
    ORP_RETURN_IF_ERROR(txn.RecordDeath(*patient, Day(2030, 1, 1)));
    Finding f{1, "F1", "bmi", "bmi.range", domain::Severity::kWarning, "high"};
    ORP_RETURN_IF_ERROR(txn.AddFindings(std::span(&f, 1)));
    ORP_RETURN_IF_ERROR(txn.FinishSubmission({SubmissionStatus::kAccepted, 1, 1, 0, "{}"}));
    return txn.Commit();
  };
  auto empty = store_->CountRows();
  FaultInjectingStore counter(std::move(store_), 0);
  ASSERT_TRUE(workload(counter).has_value());
  const int64_t calls = counter.calls();
  EXPECT_EQ(calls, 8);
  for (int64_t n = 1; n <= calls; ++n) {
    auto fresh = GetParam().open();
    ASSERT_TRUE(fresh.has_value());
    FaultInjectingStore faulty(std::move(*fresh), n);
    auto done = workload(faulty);
    ASSERT_FALSE(done.has_value()) << "call " << n;
    EXPECT_EQ(done.error().code(), ErrorCode::kUnavailable);
    EXPECT_EQ(*faulty.CountRows(), *empty) << "partial write after a fault at call " << n;
    ASSERT_TRUE(workload(faulty).has_value()) << "retry after a fault at call " << n;
    EXPECT_EQ(faulty.CountRows()->at("procedures"), 1);
  }
}

}  // namespace
}  // namespace orp::storage::conformance
