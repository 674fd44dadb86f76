#include "orp/storage/upgrade_fixture.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "orp/storage/conformance_test.h"
#include "orp/storage/proms_reads.h"
#include "orp/storage/submission_reads.h"

namespace orp::storage::upgrade {
namespace {

using conformance::Day;
using conformance::SampleGtin;
using conformance::SamplePatient;
using conformance::SampleProcedure;

domain::Instant At(int64_t seconds) { return domain::Instant(std::chrono::seconds(seconds)); }

template <typename F>
void Commit(Store& store, F write) {
  auto txn = store.Begin();
  ASSERT_TRUE(txn.has_value()) << txn.error().ToString();
  write(**txn);
  auto done = (*txn)->Commit();
  ASSERT_TRUE(done.has_value()) << done.error().ToString();
}

void Ok(const Result<void>& r) { ASSERT_TRUE(r.has_value()) << r.error().ToString(); }

// A submission of `procedures` (patients already stored) with one finding.
void Submit(Store& store, const std::string& key, std::vector<Procedure>& procedures) {
  auto start = store.BeginSubmission({key, "RRK", "BCIR", At(1764160000)});
  ASSERT_TRUE(start.has_value() && start->transaction) << key;
  Transaction& txn = *start->transaction;
  for (Procedure& p : procedures) ASSERT_TRUE(txn.PutProcedure(p).has_value());
  // A warning on an accepted procedure, and the error of a procedure rejected and never sent
  // again (a record waiting for a fix).
  const Finding findings[] = {
      {3, "X9", "bmi", "bmi.range", domain::Severity::kWarning, "bmi 71 above 70"},
      {4, key + "-R", "laterality", "laterality.required", domain::Severity::kError,
       "laterality is required for this body site"}};
  Ok(txn.AddFindings(std::span<const Finding>(findings)));
  Ok(txn.FinishSubmission(
      {domain::SubmissionStatus::kAccepted, 2, 2, 0, R"({"key":")" + key + "\"}"}));
  Ok(txn.Commit());
}

void WriteRegistry(Store& store, std::vector<PatientId>& patients) {
  Commit(store, [&](Transaction& txn) {
    domain::Site site{*OdsSiteCode::Parse("RRK02"), "Queen Elizabeth", std::nullopt};
    Ok(txn.PutOrganisation({*OdsCode::Parse("RRK"), "Birmingham", {site}}));
    Ok(txn.PutClinician({*GmcNumber::Parse("1234567"), "A Surgeon", "plastic surgery"}));
    Ok(txn.PutDeviceModel(conformance::SampleDeviceModel(SampleGtin(1), Day(2020, 1, 1))));
    auto later = conformance::SampleDeviceModel(SampleGtin(1), Day(2023, 1, 1));
    later.brand = "Smooth II";
    Ok(txn.PutDeviceModel(later));
    for (uint8_t seed = 1; seed <= 3; ++seed)
      patients.push_back(*txn.PutPatient(SamplePatient(seed)));
  });
  std::vector<Procedure> first = {SampleProcedure("A1", patients[0]),
                                  SampleProcedure("B1", patients[1])};
  first[1].implants[0].fields = {{"implant_position", "subpectoral"}};
  Submit(store, "upgrade-1", first);
  // A resubmission (history version) and a revision that removes A1's implant.
  Procedure again = SampleProcedure("B1", patients[1]);
  again.bmi = 24.0;
  Procedure revision = SampleProcedure("A2", patients[0]);
  revision.type = domain::ProcedureType::kRevision;
  revision.date = Day(2025, 2, 1);
  std::vector<Procedure> second = {again, revision};
  Submit(store, "upgrade-2", second);
  Commit(store, [&](Transaction& txn) {
    Ok(txn.MarkImplantsRemoved(std::vector<ImplantId>{first[0].implants[0].id}, second[1].id,
                               Day(2025, 2, 1)));
    Ok(txn.RecordDeath(patients[2], Day(2025, 8, 9)));
    OutcomeEvent event;
    event.patient = patients[1];
    event.kind = domain::OutcomeKind::kOther;
    event.date = Day(2025, 3, 3);
    event.registry = "BCIR";
    event.procedure = second[0].id;
    event.detail = "capsular contracture";
    ASSERT_TRUE(txn.AddOutcomeEvent(event).has_value());
    AuditRecord audit{
        0,      At(1764160100), "user:ops", "analyst", "procedure.read", "procedure/1", "req-1",
        "care", "ok",           "",         "h1"};
    ASSERT_TRUE(txn.AppendAudit(audit).has_value());
  });
}

void WriteAccountsSignalsRecall(Store& store, PatientId patient, ImplantId implant) {
  Commit(store, [&](Transaction& txn) {
    UserRecord user{0,
                    "ops-upgrade",
                    "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA",
                    "JBSWY3DPEHPK3PXP",
                    "",
                    false,
                    At(1764160000),
                    {"provider@RRK", "analyst"}};
    auto id = txn.AddUser(user);
    ASSERT_TRUE(id.has_value());
    Ok(txn.AddSession({std::string(64, 'a'), *id, "csrf", At(1764160000), At(1764160050),
                       At(1764170000), "192.0.2.1"}));
    ASSERT_TRUE(txn.AddApiToken(
                       {0, *id, std::string(64, 'b'), At(1764160000), At(1795696000), std::nullopt})
                    .has_value());
    Ok(txn.RecordLoginAttempt({At(1764160000), "ops-upgrade", "192.0.2.1", true}));
    Signal signal;
    signal.registry = "BCIR";
    signal.unit_kind = SignalUnitKind::kDeviceModel;
    signal.unit = SampleGtin(1).digits();
    signal.method = "njr-ptir";
    signal.what = "revision rate 3.0 x class";
    signal.statistic = 3.0;
    signal.threshold = 2.0;
    signal.data_cut = Day(2026, 6, 30);
    signal.evidence_json = R"({"ptir":1.5})";
    ASSERT_TRUE(txn.PutSignal(signal).has_value());
    Recall recall{
        RecallId{0},         "R-2026-001",   "FSN-1",    "Lot L100", R"({"lots":["L100"]})",
        RecallStatus::kOpen, At(1764160000), "user:ops", 3};
    Ok(txn.PutRecall(recall));
    RecallPatient member{
        recall.id, patient,        RecallStage::kContacted, RecallOutcome::kNone, std::nullopt,
        "RRK",     At(1764160000), At(1764160500),          std::nullopt,         std::nullopt,
        "create"};
    Ok(txn.PutRecallPatient(member));
    Ok(txn.AddRecallImplant({recall.id, patient, implant}));
    RecallContact contact{recall.id, patient, 0, Day(2026, 11, 20), "letter", "sent", "user:ops"};
    Ok(txn.AddRecallContact(contact));
  });
}

// 0008: the opt-out list (one stored patient on it, one pseudonym of nobody stored) and ODS
// reference data with dates; 0009: a PROMs invitation, a response and an outbox message.
void WriteConsentOdsProms(Store& store, PatientId opted_out, const Procedure& procedure) {
  auto patient = store.FindPatient(opted_out);
  ASSERT_TRUE(patient.has_value() && patient->has_value() && (*patient)->pseudonym);
  Commit(store, [&](Transaction& txn) {
    std::vector<Pseudonym> list = {*(*patient)->pseudonym, *SamplePatient(99).pseudonym};
    auto loaded = txn.ReplaceOptOuts(list, {At(1764160200), std::string(64, 'c'), "user:ops"});
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
    std::vector<OdsRecord> ods = {
        {OdsKind::kOrganisation, "RRK", "Birmingham", "", "", Day(2000, 4, 1), std::nullopt},
        {OdsKind::kSite, "RRK02", "Queen Elizabeth", "RRK", "B15 2TH", Day(2001, 1, 1),
         Day(2030, 3, 31)}};
    Ok(txn.PutOdsRecords(ods, {At(1764160300), std::string(64, 'd'), "user:ops", 2}));
    PromInvitation invitation{
        0, "BCIR",          procedure.id,     procedure.patient, "oxford-hip",
        6, Day(2025, 7, 1), Day(2025, 6, 20), Day(2025, 9, 1),   std::string(64, 'e')};
    auto invited = txn.AddPromInvitation(invitation);
    ASSERT_TRUE(invited.has_value() && *invited);
    PromResponse response{
        0, invitation.id,   "BCIR",      procedure.id, procedure.patient, "oxford-hip", "1",
        6, Day(2025, 7, 2), "q1=4;q2=3", "link"};
    ASSERT_TRUE(txn.AddPromResponse(response).has_value());
    PromMessage message{
        0, invitation.id,  "reminder-1",    "email",     PromMessageStatus::kPending,
        1, At(1764160400), "451 try later", std::nullopt};
    ASSERT_TRUE(txn.EnqueuePromMessage(message).has_value());
  });
}

}  // namespace

void WriteRepresentativeData(Store& store) {
  std::vector<PatientId> patients;
  WriteRegistry(store, patients);
  auto a1 = store.FindProcedure("BCIR", "A1");
  ASSERT_TRUE(a1.has_value() && a1->has_value());
  WriteAccountsSignalsRecall(store, patients[0], (*a1)->implants.at(0).id);
  WriteConsentOdsProms(store, patients[2], **a1);
}

std::string ColumnAt(std::string_view table, std::string_view column, int version) {
  if (table == "device_models" && column == "di" && version < 3) return "gtin";
  return std::string(column);
}

std::string ColumnNow(std::string_view table, std::string_view column, int version) {
  if (table == "device_models" && column == "gtin" && version < 3) return "di";
  return std::string(column);
}

std::string CopySql(std::string_view table, const std::vector<std::string>& columns,
                    std::string_view source_prefix, int version) {
  std::string to, from;
  for (const std::string& c : columns) {
    to += fmt::format("{}\"{}\"", to.empty() ? "" : ", ", ColumnAt(table, c, version));
    from += fmt::format("{}\"{}\"", from.empty() ? "" : ", ", c);
  }
  return fmt::format("INSERT INTO {} ({}) SELECT {} FROM {}{}", table, to, from, source_prefix,
                     table);
}

std::string DumpSql(std::string_view table, const std::vector<std::string>& columns,
                    std::string_view prefix) {
  // One text column per row (|-joined), so both backends' tests read it the same way.
  std::string row;
  for (size_t i = 0; i < columns.size(); ++i) {
    row += fmt::format("{}coalesce(CAST(\"{}\" AS TEXT), '<null>')", i ? " || '|' || " : "",
                       columns[i]);
  }
  return fmt::format("SELECT {} FROM {}{} ORDER BY 1", row, prefix, table);
}

}  // namespace orp::storage::upgrade

namespace orp::storage::upgrade {
namespace {

template <typename T>
T Get(Result<T> r) {
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
  return r ? std::move(*r) : T{};
}

// Implant device fields came with 0005: before it they were not stored.
Procedure AsAt(Procedure p, int version) {
  if (version < 5) {
    for (Implant& i : p.implants) i.fields.clear();
  }
  return p;
}

void ExpectRecordsEqual(Store& upgraded, Store& reference, int version) {
  std::vector<Procedure> procedures;
  Ok(reference.ForEachProcedure({}, [&](const Procedure& p) {
    procedures.push_back(p);
    return true;
  }));
  ASSERT_EQ(procedures.size(), 3u);
  for (const Procedure& p : procedures) {
    auto found = Get(upgraded.FindProcedure(p.registry, p.procedure_ref));
    ASSERT_TRUE(found.has_value()) << p.procedure_ref;
    EXPECT_EQ(*found, AsAt(p, version)) << p.procedure_ref;
    EXPECT_EQ(Get(upgraded.FindPatient(p.patient)), Get(reference.FindPatient(p.patient)));
    EXPECT_EQ(Get(upgraded.OutcomeEventsOf(p.patient)), Get(reference.OutcomeEventsOf(p.patient)));
  }
  EXPECT_EQ(Get(upgraded.ProcedureHistory("BCIR", "B1")).size(), 2u);
  auto submission = Get(reference.FindSubmissionByKey("upgrade-1"));
  ASSERT_TRUE(submission.has_value());
  EXPECT_EQ(Get(upgraded.FindSubmissionByKey("upgrade-1")), submission);
  EXPECT_EQ(Get(upgraded.FindingsOf(submission->id)), Get(reference.FindingsOf(submission->id)));
  EXPECT_EQ(Get(upgraded.LastAuditRecord()), Get(reference.LastAuditRecord()));
  auto history = Get(upgraded.DeviceModelHistory(SampleGtin(1)));
  ASSERT_EQ(history.size(), 2u);
  if (version >= 3) {
    EXPECT_EQ(history, Get(reference.DeviceModelHistory(SampleGtin(1))));
  }
  EXPECT_EQ(history[1].brand, "Smooth II");
}

void ExpectLaterAreasEqual(Store& upgraded, Store& reference, int version) {
  if (version >= 4) {
    auto user = Get(reference.FindUser("ops-upgrade"));
    ASSERT_TRUE(user.has_value());
    EXPECT_EQ(Get(upgraded.FindUser("ops-upgrade")), user);
    EXPECT_EQ(Get(upgraded.FindSession(std::string(64, 'a'))),
              Get(reference.FindSession(std::string(64, 'a'))));
    EXPECT_EQ(Get(upgraded.FindApiToken(std::string(64, 'b'))),
              Get(reference.FindApiToken(std::string(64, 'b'))));
  } else {
    EXPECT_FALSE(Get(upgraded.FindUser("ops-upgrade")).has_value());
  }
  if (version >= 6) {
    EXPECT_EQ(Get(upgraded.ListSignals({})), Get(reference.ListSignals({})));
  }
  if (version >= 7) {
    auto recalls = Get(reference.ListRecalls());
    ASSERT_EQ(recalls.size(), 1u);
    EXPECT_EQ(Get(upgraded.ListRecalls()), recalls);
    EXPECT_EQ(Get(upgraded.RecallPatients(recalls[0].id)),
              Get(reference.RecallPatients(recalls[0].id)));
    EXPECT_EQ(Get(upgraded.RecallContacts(recalls[0].id, PatientId{0})),
              Get(reference.RecallContacts(recalls[0].id, PatientId{0})));
  }
}

// The areas of 0008 (opt-out list, ODS dates) and 0009 (PROMs), when the database had them.
void ExpectConsentOdsPromsEqual(Store& upgraded, Store& reference, int version) {
  if (version >= 8) {
    auto list = Get(reference.OptOutList());
    ASSERT_EQ(list.entries, 2);
    auto now = Get(upgraded.OptOutList());
    EXPECT_EQ(now.entries, list.entries);
    EXPECT_EQ(now.last_load, list.last_load);
    const Pseudonym nobody = *SamplePatient(99).pseudonym;
    EXPECT_EQ(Get(upgraded.FindOptedOut(std::span<const Pseudonym>(&nobody, 1))).size(), 1u);
    auto site = Get(reference.FindOdsSite("RRK02"));
    ASSERT_TRUE(site.has_value() && site->closed.has_value());
    EXPECT_EQ(Get(upgraded.FindOdsSite("RRK02")), site);
    EXPECT_EQ(Get(upgraded.LastOdsLoad()), Get(reference.LastOdsLoad()));
  }
  if (version >= 9) {
    auto responses = Get(reference.ListPromResponses(""));
    ASSERT_EQ(responses.size(), 1u);
    EXPECT_EQ(Get(upgraded.ListPromResponses("")), responses);
    EXPECT_EQ(Get(upgraded.PromInvitationsOf(responses[0].procedure)),
              Get(reference.PromInvitationsOf(responses[0].procedure)));
    auto messages = Get(reference.ListPromMessages(PromMessageStatus::kPending, std::nullopt));
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(Get(upgraded.ListPromMessages(PromMessageStatus::kPending, std::nullopt)), messages);
    // 0012 (proms): the read by patient answers from its new indexes on rows made before them.
    PromsReads* now = AsPromsReads(upgraded);
    PromsReads* then = AsPromsReads(reference);
    ASSERT_TRUE(now != nullptr && then != nullptr);
    const PatientId patient = responses[0].patient;
    EXPECT_EQ(Get(now->PromResponsesOfPatient(patient)), responses);
    auto invitations = Get(then->PromInvitationsOfPatient(patient));
    ASSERT_EQ(invitations.size(), 1u);
    EXPECT_EQ(Get(now->PromInvitationsOfPatient(patient)), invitations);
  }
}

// The upgraded store takes new work: a submission (fresh ids, a new change number that streams
// only what changed), an audit entry chained to the last, a user.
void ExpectAcceptsNewWork(Store& upgraded) {
  int64_t before = Get(upgraded.LastChange());
  auto last_audit = Get(upgraded.LastAuditRecord());
  ASSERT_TRUE(last_audit.has_value());
  auto start = upgraded.BeginSubmission({"after-upgrade", "RRK", "BCIR", At(1764200000)});
  ASSERT_TRUE(start.has_value() && start->transaction) << start.error().ToString();
  Transaction& txn = *start->transaction;
  auto patient = txn.PutPatient(SamplePatient(9));
  ASSERT_TRUE(patient.has_value()) << patient.error().ToString();
  Procedure p = SampleProcedure("C1", *patient);
  ASSERT_TRUE(txn.PutProcedure(p).has_value());
  AuditRecord audit{0,
                    At(1764200001),
                    "user:ops",
                    "analyst",
                    "submission.create",
                    "submission/new",
                    "req-2",
                    "",
                    "ok",
                    last_audit->hash,
                    "h2"};
  ASSERT_TRUE(txn.AppendAudit(audit).has_value());
  Ok(txn.FinishSubmission({domain::SubmissionStatus::kAccepted, 1, 1, 0, "{}"}));
  Ok(txn.Commit());
  EXPECT_GT(Get(upgraded.LastChange()), before);
  std::vector<std::string> changed;
  Ok(upgraded.ForEachProcedure({"", before}, [&](const Procedure& q) {
    changed.push_back(q.procedure_ref);
    return true;
  }));
  // A database from before 0002 has no change numbers: 0 is "stream everything" by contract.
  if (before == 0) {
    EXPECT_EQ(changed.size(), 4u);
  } else {
    EXPECT_EQ(changed, std::vector<std::string>{"C1"});
  }
  auto c1 = Get(upgraded.FindProcedure("BCIR", "C1"));
  ASSERT_TRUE(c1.has_value());
  EXPECT_EQ(c1->implants.size(), 1u);
  Commit(upgraded, [](Transaction& t) {
    UserRecord user{0, "after-upgrade", "", "", "", false, At(1764200000), {"analyst"}};
    ASSERT_TRUE(t.AddUser(user).has_value());
  });
  // 0011 (security): users from before it — whatever version made them — take a password change
  // and claim a TOTP step once.
  auto old_user = Get(upgraded.FindUser("after-upgrade"));
  ASSERT_TRUE(old_user.has_value());
  Commit(upgraded, [&](Transaction& t) {
    Ok(t.SetUserPassword(old_user->id, "$argon2id$after"));
    EXPECT_EQ(t.ClaimTotpStep(old_user->id, 58805333), true);
    EXPECT_EQ(t.ClaimTotpStep(old_user->id, 58805333), false);
  });
  EXPECT_EQ(Get(upgraded.FindUser("after-upgrade"))->password_hash, "$argon2id$after");
}

// 0014 (web): the submission history and the records waiting for a fix read the same from the
// upgraded store (through the new indexes) as from the reference.
void ExpectSubmissionHistoryEqual(Store& upgraded, Store& reference) {
  SubmissionReads* now = AsSubmissionReads(upgraded);
  SubmissionReads* then = AsSubmissionReads(reference);
  ASSERT_TRUE(now != nullptr && then != nullptr);
  auto ids = [](const std::vector<SubmissionSummary>& list) {
    std::vector<std::string> out;
    for (const auto& s : list) {
      out.push_back(fmt::format("{} {} {} {}", s.submission.idempotency_key, s.submission.accepted,
                                s.errors, s.warnings));
    }
    return out;
  };
  auto history = Get(then->ListSubmissions("RRK", 0, 50));
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(ids(Get(now->ListSubmissions("RRK", 0, 50))), ids(history));
  auto refs = [](const std::vector<WaitingFinding>& list) {
    std::vector<std::string> out;
    for (const auto& w : list)
      out.push_back(fmt::format("{} {}", w.submission, w.finding.procedure_ref));
    return out;
  };
  auto waiting = Get(then->ListWaitingForFix("RRK", 0, 0, 50));
  EXPECT_EQ(waiting.size(), history.size());  // each submission left one procedure to fix
  EXPECT_EQ(refs(Get(now->ListWaitingForFix("RRK", 0, 0, 50))), refs(waiting));
}

// 0013 (the pseudonym's uniqueness as the named index patients_by_pseudonym): a second patient
// with a stored pseudonym is still refused, and PutPatient's upsert on the pseudonym still finds
// the stored patient. Neither transaction commits.
void ExpectPseudonymsStayUnique(Store& upgraded) {
  const Patient sample = SamplePatient(1);
  auto stored = Get(upgraded.FindPatientByPseudonym(*sample.pseudonym));
  ASSERT_TRUE(stored.has_value());
  {
    auto txn = upgraded.Begin();
    ASSERT_TRUE(txn.has_value()) << txn.error().ToString();
    std::vector<Patient> again = {sample};
    auto inserted = (*txn)->InsertPatients(again);
    ASSERT_FALSE(inserted.has_value());
    EXPECT_EQ(inserted.error().code(), ErrorCode::kAlreadyExists) << inserted.error().ToString();
  }
  auto txn = upgraded.Begin();
  ASSERT_TRUE(txn.has_value()) << txn.error().ToString();
  EXPECT_EQ(Get((*txn)->PutPatient(sample)), stored->id);
}

}  // namespace

void ExpectBehavesLikeReference(Store& upgraded, Store& reference, int version) {
  EXPECT_EQ(Get(upgraded.SchemaVersion()), Get(reference.SchemaVersion()));
  ExpectRecordsEqual(upgraded, reference, version);
  ExpectLaterAreasEqual(upgraded, reference, version);
  ExpectConsentOdsPromsEqual(upgraded, reference, version);
  ExpectSubmissionHistoryEqual(upgraded, reference);
  ExpectPseudonymsStayUnique(upgraded);
  ExpectAcceptsNewWork(upgraded);
}

}  // namespace orp::storage::upgrade
