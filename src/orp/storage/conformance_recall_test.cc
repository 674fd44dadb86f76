// Store conformance: recall (recall8, #8) — the affected-implant query and campaign rows.
#include <gmock/gmock.h>

#include <algorithm>
#include <iterator>
#include <utility>

#include "orp/storage/conformance_test.h"
#include "orp/storage/recall_reads.h"

namespace orp::storage::conformance {
namespace {

using ::testing::ElementsAre;

PatientId PutPatientIn(Store& store, const Patient& patient) {
  auto txn = store.Begin();
  EXPECT_TRUE(txn.has_value());
  auto id = (*txn)->PutPatient(patient);
  EXPECT_TRUE(id.has_value() && (*txn)->Commit().has_value());
  return *id;
}

void SubmitTo(Store& store, const std::string& key, std::vector<Procedure> procedures) {
  auto start = store.BeginSubmission({key, "RRK", "BCIR", {}});
  ASSERT_TRUE(start.has_value() && start->transaction);
  for (Procedure& p : procedures) ASSERT_TRUE(start->transaction->PutProcedure(p).has_value());
  ASSERT_TRUE(
      start->transaction->FinishSubmission({domain::SubmissionStatus::kAccepted, 1, 1, 0, "{}"}));
  ASSERT_TRUE(start->transaction->Commit().has_value());
}

// Three patients: a has a lot-L100 device (SampleProcedure) and a later procedure elsewhere;
// b has a lot-L200 device of the same model; c a device of another model.
struct Cohort {
  PatientId a, b, c;
};

Cohort Populate(Store& store) {
  Cohort ids{PutPatientIn(store, SamplePatient(1)), PutPatientIn(store, SamplePatient(2)),
             PutPatientIn(store, SamplePatient(3))};
  Procedure pa = SampleProcedure("A1", ids.a);
  Procedure later = SampleProcedure("A2", ids.a);
  later.date = Day(2025, 6, 1);
  later.provider_site = *OdsSiteCode::Parse("RXF05");
  later.implants.clear();
  Procedure pb = SampleProcedure("B1", ids.b);
  pb.date = Day(2024, 9, 1);
  pb.implants[0].lot = "L200";
  pb.implants[0].expiry = Day(2028, 1, 31);
  Procedure pc = SampleProcedure("C1", ids.c);
  pc.implants[0].gtin = SampleGtin(2);
  SubmitTo(store, "k1", {pa, pb, pc});
  SubmitTo(store, "k2", {later});
  return ids;
}

RecallImplantQuery Q(std::vector<std::string> devices, std::vector<std::string> lots = {}) {
  RecallImplantQuery q;
  q.device_ids = std::move(devices);
  q.lots = std::move(lots);
  return q;
}

std::vector<RecallImplantRow> Rows(Store& store, const RecallImplantQuery& q) {
  std::vector<RecallImplantRow> rows;
  auto done = store.ForEachRecallImplant(q, [&](const RecallImplantRow& r) {
    rows.push_back(r);
    return true;
  });
  EXPECT_TRUE(done.has_value()) << done.error().ToString();
  return rows;
}

TEST_P(StoreConformance, RecallAffectedImplantsOfAModelCarryPatientSiteAndLatestProvider) {
  Cohort ids = Populate(*store_);
  auto rows = Rows(*store_, Q({SampleGtin(1).digits()}));
  ASSERT_EQ(rows.size(), 2u);
  const RecallImplantRow& a = rows[0];
  EXPECT_EQ(a.patient, ids.a);
  EXPECT_EQ(a.device_id, SampleGtin(1).digits());
  EXPECT_EQ(a.lot, "L100");
  EXPECT_EQ(a.serial, "A1-S1");
  EXPECT_EQ(a.expiry, Day(2027, 1, 31));
  EXPECT_TRUE(a.in_situ);
  EXPECT_EQ(a.registry, "BCIR");
  EXPECT_EQ(a.procedure_ref, "A1");
  EXPECT_EQ(a.implanted_on, Day(2024, 3, 1));
  EXPECT_EQ(a.implanting_site, "RRK02");
  EXPECT_EQ(a.pseudonym, SamplePatient(1).pseudonym);
  EXPECT_EQ(a.nhs_number, SamplePatient(1).nhs_number);
  EXPECT_FALSE(a.date_of_death.has_value());
  EXPECT_EQ(a.latest_site, "RXF05");
  EXPECT_EQ(a.latest_procedure_on, Day(2025, 6, 1));
  EXPECT_EQ(a.latest_organisation, "");  // RXF05 is not in the sites table
  EXPECT_EQ(rows[1].patient, ids.b);
  EXPECT_EQ(rows[1].latest_site, "RRK02");
}

TEST_P(StoreConformance, RecallLatestProviderComesFromTheSitesTableWhenTheSiteIsKnown) {
  Populate(*store_);
  Organisation org{*OdsCode::Parse("RXF"),
                   "Mid Yorkshire",
                   {{*OdsSiteCode::Parse("RXF05"), "Pinderfields", std::nullopt}}};
  auto txn = store_->Begin();
  ASSERT_TRUE(txn.has_value());
  ASSERT_TRUE((*txn)->PutOrganisation(org).has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());
  auto rows = Rows(*store_, Q({SampleGtin(1).digits()}, {"L100"}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].latest_organisation, "RXF");
}

TEST_P(StoreConformance, RecallLotsDatesAndExpiryNarrowTheAffectedImplants) {
  Cohort ids = Populate(*store_);
  std::string model = SampleGtin(1).digits();
  EXPECT_EQ(Rows(*store_, Q({model}, {"L200"})).size(), 1u);
  EXPECT_EQ(Rows(*store_, Q({model}, {"L100", "L200"})).size(), 2u);
  EXPECT_EQ(Rows(*store_, Q({model, SampleGtin(2).digits()})).size(), 3u);
  RecallImplantQuery implanted = Q({model});
  implanted.implanted_from = Day(2024, 6, 1);
  ASSERT_EQ(Rows(*store_, implanted).size(), 1u);
  EXPECT_EQ(Rows(*store_, implanted)[0].patient, ids.b);
  implanted.implanted_from.reset();
  implanted.implanted_to = Day(2024, 3, 1);  // inclusive
  EXPECT_EQ(Rows(*store_, implanted).size(), 1u);
  RecallImplantQuery expiry = Q({model});
  expiry.expiry_from = Day(2028, 1, 1);
  EXPECT_EQ(Rows(*store_, expiry).size(), 1u);
  expiry.expiry_to = Day(2027, 12, 31);
  EXPECT_TRUE(Rows(*store_, expiry).empty());
}

TEST_P(StoreConformance, RecallAQueryWithoutADeviceIsRefused) {
  auto done = store_->ForEachRecallImplant(RecallImplantQuery(),
                                           [](const RecallImplantRow&) { return true; });
  ASSERT_FALSE(done.has_value());
  EXPECT_EQ(done.error().code(), ErrorCode::kInvalidArgument);
}

// The patient-ordered read (recall_reads.h): the same rows as ForEachRecallImplant, patient by
// patient, a patient's implants by id, whatever the device order was.
TEST_P(StoreConformance, RecallByPatientGivesTheSameRowsInPatientThenImplantOrder) {
  Cohort ids = Populate(*store_);
  Procedure again = SampleProcedure("A4", ids.a);  // a's second device: lot L000, sorts first
  again.date = Day(2025, 1, 1);
  again.implants[0].lot = "L000";
  SubmitTo(*store_, "k4", {again});
  RecallReads* reads = AsRecallReads(*store_);
  ASSERT_NE(reads, nullptr);
  RecallImplantQuery q = Q({SampleGtin(1).digits(), SampleGtin(2).digits()});
  std::vector<RecallImplantRow> by_patient;
  ASSERT_TRUE(reads->ForEachRecallImplantByPatient(q, [&](const RecallImplantRow& r) {
    by_patient.push_back(r);
    return true;
  }));
  std::vector<RecallImplantRow> by_device = Rows(*store_, q);
  ASSERT_EQ(by_patient.size(), 4u);
  ASSERT_EQ(by_device.size(), 4u);
  std::vector<std::pair<int64_t, int64_t>> order;
  for (const RecallImplantRow& r : by_patient) order.emplace_back(r.patient.value, r.implant.value);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
  EXPECT_EQ(by_patient[0].patient, ids.a);
  EXPECT_EQ(by_patient[1].lot, "L000");
  EXPECT_EQ(by_patient[3].patient, ids.c);
  for (const RecallImplantRow& want : by_device) {
    auto got = std::find_if(by_patient.begin(), by_patient.end(),
                            [&](const RecallImplantRow& r) { return r.implant == want.implant; });
    ASSERT_NE(got, by_patient.end());
    EXPECT_EQ(got->patient, want.patient);
    EXPECT_EQ(got->lot, want.lot);
    EXPECT_EQ(got->implanted_on, want.implanted_on);
    EXPECT_EQ(got->pseudonym, want.pseudonym);
    EXPECT_EQ(got->latest_site, want.latest_site);
    EXPECT_EQ(got->latest_procedure_on, want.latest_procedure_on);
    EXPECT_EQ(got->latest_organisation, want.latest_organisation);
    EXPECT_EQ(got->date_of_death, want.date_of_death);
    EXPECT_EQ(got->nhs_number, want.nhs_number);
  }
  EXPECT_EQ(by_patient[0].latest_site, "RXF05");  // a's latest procedure, on both of a's rows
  EXPECT_EQ(by_patient[1].latest_procedure_on, Day(2025, 6, 1));
  int seen = 0;  // stopping early
  ASSERT_TRUE(
      reads->ForEachRecallImplantByPatient(q, [&](const RecallImplantRow&) { return ++seen < 2; }));
  EXPECT_EQ(seen, 2);
}

// The patient-ordered read inside a write transaction sees the transaction's own rows (SQLite
// reads it under a savepoint, which must nest in the transaction and leave it able to commit).
TEST_P(StoreConformance, RecallByPatientInsideATransactionSeesItsRowsAndLetsItCommit) {
  Cohort ids = Populate(*store_);
  auto start = store_->BeginSubmission({"k5", "RRK", "BCIR", {}});
  ASSERT_TRUE(start.has_value() && start->transaction);
  Transaction& txn = *start->transaction;
  Procedure more = SampleProcedure("B2", ids.b);
  more.date = Day(2025, 3, 1);
  more.implants[0].lot = "L300";
  more.provider_site = *OdsSiteCode::Parse("RXF05");  // b's latest procedure, not yet committed
  ASSERT_TRUE(txn.PutProcedure(more).has_value());
  RecallReads* reads = AsRecallReads(txn);
  ASSERT_NE(reads, nullptr);
  std::vector<std::pair<int64_t, std::string>> seen;
  ASSERT_TRUE(reads->ForEachRecallImplantByPatient(
      Q({SampleGtin(1).digits()}), [&](const RecallImplantRow& r) {
        seen.emplace_back(r.patient.value, r.lot + "@" + r.latest_site);
        return true;
      }));
  EXPECT_THAT(seen, ElementsAre(std::pair(ids.a.value, std::string("L100@RXF05")),
                                std::pair(ids.b.value, std::string("L200@RXF05")),
                                std::pair(ids.b.value, std::string("L300@RXF05"))));
  ASSERT_TRUE(txn.FinishSubmission({domain::SubmissionStatus::kAccepted, 1, 1, 0, "{}"}));
  ASSERT_TRUE(txn.Commit().has_value());
  EXPECT_EQ(Rows(*store_, Q({SampleGtin(1).digits()}, {"L300"})).size(), 1u);
}

TEST_P(StoreConformance,
       RecallRemovedImplantsStayInTheCohortMarkedOutOfSituAndChangedAfterFindsThem) {
  Cohort ids = Populate(*store_);
  int64_t before = *store_->LastChange();
  auto rows = Rows(*store_, Q({SampleGtin(1).digits()}, {"L100"}));
  ASSERT_EQ(rows.size(), 1u);
  auto start = store_->BeginSubmission({"k3", "RRK", "BCIR", {}});
  ASSERT_TRUE(start.has_value() && start->transaction);
  Procedure explant = SampleProcedure("A3", ids.a);
  explant.type = domain::ProcedureType::kExplant;
  explant.date = Day(2026, 1, 5);
  explant.implants.clear();
  Transaction& txn = *start->transaction;
  ASSERT_TRUE(txn.PutProcedure(explant).has_value());
  ImplantId removed[] = {rows[0].implant};
  ASSERT_TRUE(txn.MarkImplantsRemoved(removed, explant.id, explant.date).has_value());
  ASSERT_TRUE(txn.FinishSubmission({domain::SubmissionStatus::kAccepted, 1, 1, 0, "{}"}));
  ASSERT_TRUE(txn.Commit().has_value());
  RecallImplantQuery changed = Q({SampleGtin(1).digits()});
  changed.changed_after = before;
  auto now = Rows(*store_, changed);
  ASSERT_EQ(now.size(), 1u);
  EXPECT_FALSE(now[0].in_situ);
  EXPECT_EQ(now[0].removed_by, explant.id);
  EXPECT_EQ(now[0].removed_on, Day(2026, 1, 5));
  EXPECT_EQ(now[0].latest_site, "RRK02");
}

TEST_P(StoreConformance, RecallCampaignRowsRoundTripAndReferencesAreUnique) {
  Cohort ids = Populate(*store_);
  Recall recall{{},
                "R-1",
                "FSN-9",
                "Lot L100",
                "{\"devices\":[]}",
                RecallStatus::kOpen,
                domain::Instant(std::chrono::seconds(1700000000)),
                "alice",
                0};
  auto txn = store_->Begin();
  ASSERT_TRUE(txn.has_value());
  ASSERT_TRUE((*txn)->PutRecall(recall).has_value());
  EXPECT_TRUE(recall.id.stored());
  RecallPatient p{recall.id,
                  ids.a,
                  RecallStage::kIdentified,
                  RecallOutcome::kNone,
                  std::nullopt,
                  "RRK",
                  recall.created_at,
                  recall.created_at,
                  std::nullopt,
                  std::nullopt,
                  "create"};
  ASSERT_TRUE((*txn)->PutRecallPatient(p).has_value());
  ASSERT_TRUE((*txn)->AddRecallImplant({recall.id, ids.a, ImplantId{1}}).has_value());
  ASSERT_TRUE((*txn)->AddRecallImplant({recall.id, ids.a, ImplantId{1}}).has_value());
  RecallContact first{recall.id, ids.a, 0, Day(2026, 2, 1), "letter", "sent", "bob"};
  RecallContact second{recall.id, ids.a, 0, Day(2026, 2, 9), "phone", "reached", "bob"};
  ASSERT_TRUE((*txn)->AddRecallContact(first).has_value());
  ASSERT_TRUE((*txn)->AddRecallContact(second).has_value());
  EXPECT_EQ(second.ordinal, 2);
  ASSERT_TRUE((*txn)->Commit().has_value());

  EXPECT_EQ(store_->FindRecall(recall.id)->value(), recall);
  EXPECT_EQ(store_->FindRecallByReference("R-1")->value(), recall);
  EXPECT_THAT(*store_->RecallPatients(recall.id), ElementsAre(p));
  EXPECT_THAT(*store_->RecallImplants(recall.id),
              ElementsAre(RecallImplantLink{recall.id, ids.a, ImplantId{1}}));
  EXPECT_THAT(*store_->RecallContacts(recall.id, PatientId{}), ElementsAre(first, second));
  EXPECT_THAT(*store_->RecallContacts(recall.id, ids.b), ElementsAre());

  auto again = store_->Begin();
  ASSERT_TRUE(again.has_value());
  Recall duplicate = recall;
  duplicate.id = {};
  auto put = (*again)->PutRecall(duplicate);
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code(), ErrorCode::kAlreadyExists);
}

TEST_P(StoreConformance, RecallUpdatingACampaignChangesStatusStageAndSyncPoint) {
  Cohort ids = Populate(*store_);
  Recall recall{{}, "R-2", "FSN-2", "Model", "{}", RecallStatus::kOpen, {}, "alice", 0};
  RecallPatient p{{},
                  ids.b,
                  RecallStage::kIdentified,
                  RecallOutcome::kNone,
                  std::nullopt,
                  "RRK",
                  {},
                  {},
                  std::nullopt,
                  std::nullopt,
                  "create"};
  {
    auto txn = store_->Begin();
    ASSERT_TRUE((*txn)->PutRecall(recall).has_value());
    p.recall = recall.id;
    ASSERT_TRUE((*txn)->PutRecallPatient(p).has_value());
    ASSERT_TRUE((*txn)->Commit().has_value());
  }
  recall.status = RecallStatus::kClosed;
  recall.synced_change = 7;
  p.stage = RecallStage::kConcluded;
  p.outcome = RecallOutcome::kMonitoring;
  p.reviewed_on = Day(2026, 3, 1);
  p.concluded_on = Day(2026, 3, 2);
  {
    auto txn = store_->Begin();
    ASSERT_TRUE((*txn)->PutRecall(recall).has_value());
    ASSERT_TRUE((*txn)->PutRecallPatient(p).has_value());
    ASSERT_TRUE((*txn)->Commit().has_value());
  }
  EXPECT_EQ(store_->FindRecall(recall.id)->value(), recall);
  EXPECT_THAT(*store_->RecallPatients(recall.id), ElementsAre(p));
  EXPECT_EQ(store_->ListRecalls()->size(), 1u);
  auto txn = store_->Begin();
  Recall missing = recall;
  missing.id = RecallId{999};
  auto put = (*txn)->PutRecall(missing);
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace orp::storage::conformance

namespace orp::storage::conformance {
namespace {

// A campaign of Populate's three patients: a and c with provider RRK, b with RXF; a has two
// contact attempts, c one.
RecallId CampaignOfThree(Store& store, const Cohort& ids) {
  Recall recall{{}, "R-3", "FSN-3", "Model", "{}", RecallStatus::kOpen, {}, "alice", 0};
  auto txn = store.Begin();
  EXPECT_TRUE(txn.has_value() && (*txn)->PutRecall(recall).has_value());
  const std::pair<PatientId, const char*> providers[] = {
      {ids.a, "RRK"}, {ids.b, "RXF"}, {ids.c, "RRK"}};
  for (auto [patient, provider] : providers) {
    RecallPatient p;
    p.recall = recall.id;
    p.patient = patient;
    p.provider = provider;
    p.joined_by = "create";
    EXPECT_TRUE((*txn)->PutRecallPatient(p).has_value());
  }
  const std::pair<PatientId, Date> contacts[] = {
      {ids.a, Day(2026, 2, 1)}, {ids.c, Day(2026, 2, 3)}, {ids.a, Day(2026, 2, 9)}};
  for (auto [patient, on] : contacts) {
    RecallContact contact{recall.id, patient, 0, on, "letter", "sent", "bob"};
    EXPECT_TRUE((*txn)->AddRecallContact(contact).has_value());
  }
  EXPECT_TRUE((*txn)->Commit().has_value());
  return recall.id;
}

std::vector<PatientId> PageIds(const std::vector<RecallPatientEntry>& page) {
  std::vector<PatientId> out;
  for (const RecallPatientEntry& e : page) out.push_back(e.patient.patient);
  return out;
}

// Parts of a cohort (recall_reads.h): disjoint, together the whole cohort in the same order,
// split by blocks of 256 implant ids, so 300 implants fill both parts of two.
TEST_P(StoreConformance, RecallCohortPartsAreDisjointAndTogetherTheWholeCohortInOrder) {
  std::vector<PatientId> patients;
  for (uint8_t i = 1; i <= 20; ++i) patients.push_back(PutPatientIn(*store_, SamplePatient(i)));
  std::vector<Procedure> procedures;
  for (int i = 0; i < 300; ++i) {
    procedures.push_back(
        SampleProcedure("P" + std::to_string(i), patients[static_cast<size_t>(i * 7) % 20]));
  }
  SubmitTo(*store_, "k-parts", procedures);
  RecallReads* reads = AsRecallReads(*store_);
  ASSERT_NE(reads, nullptr);
  RecallImplantQuery q = Q({SampleGtin(1).digits()});
  auto keys_of = [&](int part, int parts) {
    std::vector<std::pair<int64_t, int64_t>> keys;
    EXPECT_TRUE(reads->ForEachRecallImplantPartByPatient(q, part, parts, [&](const auto& r) {
      keys.emplace_back(r.patient.value, r.implant.value);
      return true;
    }));
    return keys;
  };
  auto whole = keys_of(0, 1);
  auto first = keys_of(0, 2);
  auto second = keys_of(1, 2);
  ASSERT_EQ(whole.size(), 300u);
  EXPECT_FALSE(first.empty());
  EXPECT_FALSE(second.empty());
  EXPECT_TRUE(std::is_sorted(first.begin(), first.end()));
  EXPECT_TRUE(std::is_sorted(second.begin(), second.end()));
  std::vector<std::pair<int64_t, int64_t>> merged;
  std::merge(first.begin(), first.end(), second.begin(), second.end(), std::back_inserter(merged));
  EXPECT_EQ(merged, whole);  // disjoint and complete: the merge is the whole, nothing twice
  for (auto [patient, implant] : first) EXPECT_EQ(implant / 256 % 2, 0);
  auto refused =
      reads->ForEachRecallImplantPartByPatient(q, 2, 2, [](const auto&) { return true; });
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
}

// The keyed page behind GET /api/v1/recalls/{reference}/patients (recall_reads.h): patient id
// order after the cursor, at most `limit`, the page's own contacts, the pseudonym joined.
TEST_P(StoreConformance, RecallPatientsPageIsKeyedAfterTheCursorWithItsContacts) {
  Cohort ids = Populate(*store_);
  RecallId recall = CampaignOfThree(*store_, ids);
  RecallReads* reads = AsRecallReads(*store_);
  ASSERT_NE(reads, nullptr);
  RecallPatientsQuery q{recall, 0, 2, std::nullopt, std::nullopt};
  auto first = reads->RecallPatientsAfter(q);
  ASSERT_TRUE(first.has_value()) << first.error().message();
  EXPECT_THAT(PageIds(*first), ElementsAre(ids.a, ids.b));
  ASSERT_EQ((*first)[0].contacts.size(), 2u);
  EXPECT_EQ((*first)[0].contacts[0].ordinal, 1);
  EXPECT_EQ((*first)[0].contacts[1].on, Day(2026, 2, 9));
  EXPECT_TRUE((*first)[1].contacts.empty());
  EXPECT_EQ((*first)[0].pseudonym, store_->FindPatient(ids.a)->value().pseudonym);
  EXPECT_EQ((*first)[1].patient.provider, "RXF");
  q.after = ids.b.value;
  auto second = reads->RecallPatientsAfter(q);
  ASSERT_TRUE(second.has_value());
  EXPECT_THAT(PageIds(*second), ElementsAre(ids.c));
  ASSERT_EQ((*second)[0].contacts.size(), 1u);
  EXPECT_EQ((*second)[0].contacts[0].on, Day(2026, 2, 3));
  q.after = ids.c.value;
  EXPECT_THAT(PageIds(*reads->RecallPatientsAfter(q)), ElementsAre());
  RecallPatientsQuery other{RecallId{recall.value + 1}, 0, 10, std::nullopt, std::nullopt};
  EXPECT_THAT(PageIds(*reads->RecallPatientsAfter(other)), ElementsAre());
  q.limit = 0;
  auto refused = reads->RecallPatientsAfter(q);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
}

// The scope in the query: listed providers, or the caller's own row; nothing when neither.
TEST_P(StoreConformance, RecallPatientsPageKeepsOnlyTheListedProvidersOrTheOwnPatient) {
  Cohort ids = Populate(*store_);
  RecallId recall = CampaignOfThree(*store_, ids);
  RecallReads* reads = AsRecallReads(*store_);
  ASSERT_NE(reads, nullptr);
  using Providers = std::vector<std::string>;
  auto page = [&](int64_t after, int limit, std::optional<Providers> providers,
                  std::optional<PatientId> patient = std::nullopt) {
    auto got = reads->RecallPatientsAfter({recall, after, limit, std::move(providers), patient});
    EXPECT_TRUE(got.has_value());
    return got ? PageIds(*got) : std::vector<PatientId>{};
  };
  EXPECT_THAT(page(0, 10, Providers{"RRK"}), ElementsAre(ids.a, ids.c));
  EXPECT_THAT(page(0, 1, Providers{"RRK"}), ElementsAre(ids.a));  // limit counts kept rows
  EXPECT_THAT(page(ids.a.value, 1, Providers{"RRK"}), ElementsAre(ids.c));
  EXPECT_THAT(page(0, 10, Providers{"RXF", "RRK"}), ElementsAre(ids.a, ids.b, ids.c));
  EXPECT_THAT(page(0, 10, Providers{"RJ1"}), ElementsAre());
  EXPECT_THAT(page(0, 10, Providers{}), ElementsAre());
  EXPECT_THAT(page(0, 10, Providers{}, ids.b), ElementsAre(ids.b));
  EXPECT_THAT(page(0, 10, Providers{"RXF"}, ids.a), ElementsAre(ids.a, ids.b));
  auto scoped = reads->RecallPatientsAfter({recall, 0, 10, Providers{"RXF"}, std::nullopt});
  ASSERT_TRUE(scoped.has_value());
  ASSERT_EQ(scoped->size(), 1u);
  EXPECT_TRUE((*scoped)[0].contacts.empty());  // a's contacts are not b's page
}

}  // namespace
}  // namespace orp::storage::conformance
