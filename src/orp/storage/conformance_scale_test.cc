// Scale (#10). Streamed reads: on PostgreSQL the large reads fetch one row at a time
// (sql::Database::WithStreamedStatement, Connection::Stream); both backends give the same rows in
// the same order, and a stream its visitor stops leaves the store or transaction usable. The
// patient page's one read (patient_reads.h) gives what ImplantsInSitu and FindProcedureById do,
// the token read (token_reads.h) what FindApiToken and FindUserById do, and the sites' read
// (site_reads.h) what FindOrganisationOfSite does per site.
#include <gmock/gmock.h>

#include "orp/storage/conformance_test.h"
#include "orp/storage/patient_reads.h"
#include "orp/storage/site_reads.h"
#include "orp/storage/token_reads.h"

namespace orp::storage::conformance {
namespace {

// `n` chained audit records, appended in one transaction (seq 1..n).
std::vector<AuditRecord> AppendAuditRecords(Store& store, int n) {
  std::vector<AuditRecord> out;
  auto txn = store.Begin();
  std::string prev;
  for (int i = 1; i <= n; ++i) {
    AuditRecord r{0,
                  domain::Instant(std::chrono::seconds(100 + i)),
                  i % 2 ? "alice" : "bob",
                  "analyst",
                  "procedure.read",
                  "procedure/" + std::to_string(i),
                  "req-" + std::to_string(i),
                  "audit",
                  "ok",
                  prev,
                  "h" + std::to_string(i)};
    auto seq = (*txn)->AppendAudit(r);
    EXPECT_TRUE(seq.has_value()) << seq.error().ToString();
    r.seq = seq.value_or(0);
    prev = r.hash;
    out.push_back(r);
  }
  EXPECT_TRUE((*txn)->Commit().has_value());
  return out;
}

TEST_P(StoreConformance, StreamedAuditQueryGivesEveryRowInSequenceOrder) {
  std::vector<AuditRecord> appended = AppendAuditRecords(*store_, 7);
  std::vector<AuditRecord> seen;
  ASSERT_TRUE(store_
                  ->ForEachAuditRecordWhere({},
                                            [&](const AuditRecord& r) {
                                              seen.push_back(r);
                                              return true;
                                            })
                  .has_value());
  EXPECT_EQ(seen, appended);
  seen.clear();
  AuditQuery bob;
  bob.actor = "bob";
  ASSERT_TRUE(store_
                  ->ForEachAuditRecordWhere(bob,
                                            [&](const AuditRecord& r) {
                                              seen.push_back(r);
                                              return true;
                                            })
                  .has_value());
  EXPECT_EQ(seen, (std::vector<AuditRecord>{appended[1], appended[3], appended[5]}));
}

TEST_P(StoreConformance, StreamStoppedByItsVisitorLeavesTheStoreUsable) {
  std::vector<AuditRecord> appended = AppendAuditRecords(*store_, 5);
  // Stopped on every row in turn: each read after a stop sees the whole log again.
  for (size_t stop_at = 1; stop_at <= appended.size(); ++stop_at) {
    std::vector<AuditRecord> seen;
    ASSERT_TRUE(store_
                    ->ForEachAuditRecordWhere({},
                                              [&](const AuditRecord& r) {
                                                seen.push_back(r);
                                                return seen.size() < stop_at;
                                              })
                    .has_value());
    EXPECT_EQ(seen, std::vector<AuditRecord>(appended.begin(), appended.begin() + stop_at));
    EXPECT_EQ(store_->LastAuditRecord()->value(), appended.back());
  }
}

// Inside a transaction a stopped stream cannot be cancelled (that would abort the transaction):
// the rest is read and dropped, and the transaction goes on to write and commit.
TEST_P(StoreConformance, StreamsStoppedInsideATransactionLeaveItWritableAndCommittable) {
  std::vector<AuditRecord> appended = AppendAuditRecords(*store_, 4);
  PatientId patient = AddPatient(SamplePatient(1));
  Submit("k1", {SampleProcedure("A", patient), SampleProcedure("B", patient),
                SampleProcedure("C", patient)});
  auto txn = store_->Begin();
  ASSERT_TRUE(txn.has_value());
  int procedures = 0;
  ASSERT_TRUE(
      (*txn)->ForEachProcedure({}, [&](const Procedure&) { return ++procedures < 2; }).has_value());
  EXPECT_EQ(procedures, 2);
  int audits = 0;
  ASSERT_TRUE((*txn)
                  ->ForEachAuditRecordWhere({}, [&](const AuditRecord&) { return ++audits < 1; })
                  .has_value());
  EXPECT_EQ(audits, 1);
  int patients = 0;
  ASSERT_TRUE(
      (*txn)->ForEachPatient(0, [&](const Patient&) { return ++patients < 1; }).has_value());
  EXPECT_EQ(patients, 1);
  auto second = (*txn)->PutPatient(SamplePatient(2));
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  ASSERT_TRUE((*txn)->Commit().has_value());
  EXPECT_TRUE(store_->FindPatient(*second)->has_value());
  std::vector<std::string> refs;
  ASSERT_TRUE(store_
                  ->ForEachProcedure({},
                                     [&](const Procedure& p) {
                                       refs.push_back(p.procedure_ref);
                                       return true;
                                     })
                  .has_value());
  EXPECT_THAT(refs, ::testing::ElementsAre("A", "B", "C"));
}

// Every registry's in-situ implants (ImplantsInSitu) with their procedures (FindProcedureById),
// most recent procedure first: what PatientImplantsInSitu must give in one statement.
std::vector<PatientImplantRow> InSituByTheGenericReads(Reader& reader, PatientId patient) {
  std::vector<PatientImplantRow> out;
  for (const char* registry : {"BCIR", "NJR"}) {
    auto implants = reader.ImplantsInSitu({patient, registry, "", std::nullopt});
    for (Implant& i : implants.value()) {
      Procedure p = reader.FindProcedureById(i.procedure)->value();
      out.push_back({i, p.registry, p.date, p.provider_site, p.clinician});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.procedure_date != b.procedure_date ? a.procedure_date > b.procedure_date
                                                : a.implant.id.value > b.implant.id.value;
  });
  return out;
}

TEST_P(StoreConformance, PatientImplantsInSituAreWhatTheGenericReadsGiveInOneRead) {
  PatientId patient = AddPatient(SamplePatient(1));
  PatientId other = AddPatient(SamplePatient(2));
  Procedure older = SampleProcedure("A", patient);
  Procedure newer = SampleProcedure("B", patient);
  newer.date = Day(2025, 1, 1);
  newer.provider_site.reset();
  newer.clinician.reset();
  Procedure hip = SampleProcedure("C", patient);
  hip.registry = "NJR";
  hip.date = Day(2024, 6, 1);
  hip.implants.push_back(hip.implants[0]);
  hip.implants[1].serial = "C-S2";
  hip.implants[1].action = domain::DeviceAction::kExplanted;  // never in situ
  Submit("k", {older, newer, hip, SampleProcedure("D", other)});
  ProcedureId remover = store_->FindProcedure("NJR", "C")->value().id;
  ImplantId removed[] = {store_->FindProcedure("BCIR", "A")->value().implants[0].id};
  auto txn = store_->Begin();
  ASSERT_TRUE((*txn)->MarkImplantsRemoved(removed, remover, Day(2025, 6, 1)).has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());

  PatientReads* reads = AsPatientReads(*store_);
  ASSERT_NE(reads, nullptr);
  auto rows = reads->PatientImplantsInSitu(patient);
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  std::vector<std::string> serials;
  for (const PatientImplantRow& r : *rows) serials.push_back(r.implant.serial);
  EXPECT_THAT(serials, ::testing::ElementsAre("B-S1", "C-S1"));
  EXPECT_EQ(*rows, InSituByTheGenericReads(*store_, patient));
  EXPECT_FALSE((*rows)[0].provider_site.has_value());
  EXPECT_EQ((*rows)[1].registry, "NJR");
  EXPECT_EQ((*rows)[1].implant.fields, hip.implants[0].fields);
  EXPECT_TRUE(reads->PatientImplantsInSitu(PatientId{987654})->empty());
}

TEST_P(StoreConformance, TokenWithUserIsWhatTheTokenAndUserReadsGiveInOneRead) {
  const domain::Instant at(std::chrono::seconds(1764160000));
  auto txn = store_->Begin();
  UserRecord with_grants{0, "alice", "", "", "", false, at, {"provider@RRK", "analyst"}};
  UserRecord without{0, "bob", "", "", "", true, at, {}};
  with_grants.id = *(*txn)->AddUser(with_grants);
  without.id = *(*txn)->AddUser(without);
  ApiTokenRecord a{0, with_grants.id, std::string(64, 'a'), at, at + std::chrono::days(30), {}};
  ApiTokenRecord b{0, without.id, std::string(64, 'b'), at, at + std::chrono::days(1), at};
  a.id = *(*txn)->AddApiToken(a);
  b.id = *(*txn)->AddApiToken(b);
  ASSERT_TRUE((*txn)->Commit().has_value());

  TokenReads* reads = AsTokenReads(*store_);
  ASSERT_NE(reads, nullptr);
  for (const ApiTokenRecord& token : {a, b}) {
    auto found = reads->FindApiTokenWithUser(token.token_hash);
    ASSERT_TRUE(found.has_value()) << found.error().ToString();
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->token, store_->FindApiToken(token.token_hash)->value());
    EXPECT_EQ((*found)->token, token);
    EXPECT_EQ((*found)->user, *store_->FindUserById(token.user_id));
  }
  EXPECT_EQ(reads->FindApiTokenWithUser(a.token_hash)->value().user->grants,
            (std::vector<std::string>{"provider@RRK", "analyst"}));
  EXPECT_FALSE(reads->FindApiTokenWithUser(std::string(64, 'c'))->has_value());
}

// The session with its user in one read (token_reads.h): the same records as FindSession and
// FindUserById; an expired session and a disabled user come back as stored (the caller's rules
// decide), a deleted (signed-out) session and an unknown hash give none.
TEST_P(StoreConformance, SessionWithUserIsWhatTheSessionAndUserReadsGiveInOneRead) {
  const domain::Instant at(std::chrono::seconds(1764160000));
  auto txn = store_->Begin();
  UserRecord with_grants{0, "alice", "", "", "", false, at, {"provider@RRK", "analyst"}};
  UserRecord disabled{0, "bob", "", "", "", true, at, {}};
  with_grants.id = *(*txn)->AddUser(with_grants);
  disabled.id = *(*txn)->AddUser(disabled);
  SessionRecord live{std::string(64, 'a'),       with_grants.id, "csrf-a", at, at,
                     at + std::chrono::hours(8), "192.0.2.1"};
  SessionRecord expired{std::string(64, 'b'),
                        disabled.id,
                        "csrf-b",
                        at - std::chrono::days(2),
                        at - std::chrono::days(2),
                        at - std::chrono::days(1),
                        "192.0.2.2"};
  SessionRecord signed_out{std::string(64, 'c'),       with_grants.id, "csrf-c", at, at,
                           at + std::chrono::hours(8), "192.0.2.3"};
  for (const SessionRecord& s : {live, expired, signed_out})
    ASSERT_TRUE((*txn)->AddSession(s).has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());
  txn = store_->Begin();
  ASSERT_TRUE((*txn)->DeleteSession(signed_out.id_hash).has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());

  TokenReads* reads = AsTokenReads(*store_);
  ASSERT_NE(reads, nullptr);
  for (const SessionRecord& session : {live, expired}) {
    auto found = reads->FindSessionWithUser(session.id_hash);
    ASSERT_TRUE(found.has_value()) << found.error().ToString();
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->session, session);
    EXPECT_EQ((*found)->session, store_->FindSession(session.id_hash)->value());
    EXPECT_EQ((*found)->user, *store_->FindUserById(session.user_id));
  }
  EXPECT_EQ(reads->FindSessionWithUser(live.id_hash)->value().user->grants,
            (std::vector<std::string>{"provider@RRK", "analyst"}));
  EXPECT_TRUE(reads->FindSessionWithUser(expired.id_hash)->value().user->disabled);
  EXPECT_FALSE(reads->FindSessionWithUser(signed_out.id_hash)->has_value());
  EXPECT_FALSE(reads->FindSessionWithUser(std::string(64, 'd'))->has_value());
}

TEST_P(StoreConformance, OrganisationsOfSitesAreWhatTheSiteReadFindsForEach) {
  auto site = [](const char* code) { return domain::Site{*OdsSiteCode::Parse(code), code, {}}; };
  Organisation rrk{*OdsCode::Parse("RRK"), "Birmingham", {site("RRK02"), site("RRK15")}};
  Organisation rxf{*OdsCode::Parse("RXF"), "Mid Yorkshire", {site("RXF05")}};
  auto txn = store_->Begin();
  ASSERT_TRUE((*txn)->PutOrganisation(rrk).has_value());
  ASSERT_TRUE((*txn)->PutOrganisation(rxf).has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());
  std::vector<OdsSiteCode> asked;
  for (const char* code : {"RXF05", "RRK02", "RXX01", "RRK15"})
    asked.push_back(*OdsSiteCode::Parse(code));
  SiteReads* reads = AsSiteReads(*store_);
  ASSERT_NE(reads, nullptr);
  auto found = reads->OrganisationsOfSites(asked);
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  std::map<std::string, std::string> one_by_one;
  for (const OdsSiteCode& s : asked) {
    if (auto org = store_->FindOrganisationOfSite(s).value())
      one_by_one[s.code()] = org->code.code();
  }
  EXPECT_EQ(*found, one_by_one);
  EXPECT_EQ(found->size(), 3u);
  EXPECT_EQ(found->at("RXF05"), "RXF");
  EXPECT_TRUE(reads->OrganisationsOfSites({})->empty());
}

}  // namespace
}  // namespace orp::storage::conformance
