// Conformance: the bulk ingest methods (ingest4, #4) give exactly what their one-row
// counterparts give, and device-level registry fields round trip.
#include <algorithm>

#include "orp/storage/conformance_test.h"

namespace orp::storage::conformance {
namespace {

using domain::DeviceAction;
using domain::Laterality;

// More than one statement's worth (the SQLite backend batches by 64).
constexpr int kMany = 150;

Patient NumberedPatient(int n) {
  Patient p = SamplePatient(uint8_t(n % 251));
  p.pseudonym->bytes[0] = uint8_t(n & 0xff);
  p.pseudonym->bytes[1] = uint8_t(n >> 8);
  return p;
}

TEST_P(StoreConformance, FindPatientsByPseudonymsReturnsTheStoredOnesOnly) {
  std::vector<Pseudonym> asked;
  std::vector<PatientId> stored;
  for (int n = 0; n < kMany; ++n) {
    Patient p = NumberedPatient(n);
    asked.push_back(*p.pseudonym);
    if (n % 3 != 0) stored.push_back(AddPatient(p));
  }
  auto found = store_->FindPatientsByPseudonyms(asked);
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  std::vector<PatientId> ids;
  for (const Patient& p : *found) {
    ids.push_back(p.id);
    EXPECT_EQ(store_->FindPatientByPseudonym(*p.pseudonym)->value(), p);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, stored);
  EXPECT_TRUE(store_->FindPatientsByPseudonyms({})->empty());
}

TEST_P(StoreConformance, FindProcedureVersionsGivesTheCurrentVersionOfKnownRefs) {
  PatientId patient = AddPatient(SamplePatient(1));
  std::vector<Procedure> procedures;
  std::vector<std::string> refs;
  for (int n = 0; n < kMany; ++n) {
    refs.push_back("P" + std::to_string(n));
    if (n % 2 == 0) procedures.push_back(SampleProcedure(refs.back(), patient));
  }
  Submit("k1", procedures);
  Submit("k2", {SampleProcedure("P0", patient)});  // a correction: version 2
  auto versions = store_->FindProcedureVersions("BCIR", refs);
  ASSERT_TRUE(versions.has_value()) << versions.error().ToString();
  EXPECT_EQ(versions->size(), procedures.size());
  EXPECT_EQ(versions->at("P0"), 2);
  EXPECT_EQ(versions->at("P2"), 1);
  EXPECT_FALSE(versions->contains("P1"));
  EXPECT_TRUE(store_->FindProcedureVersions("MDOR", refs)->empty());
}

TEST_P(StoreConformance, InsertPatientsStoresWhatPutPatientWouldAndRefusesAKnownPseudonym) {
  std::vector<Patient> patients;
  for (int n = 0; n < kMany; ++n) patients.push_back(NumberedPatient(n));
  patients[5].pseudonym.reset();
  patients[5].nhs_number.reset();
  {
    auto txn = store_->Begin();
    ASSERT_TRUE((*txn)->InsertPatients(patients).has_value());
    ASSERT_TRUE((*txn)->Commit().has_value());
  }
  for (const Patient& p : patients) {
    ASSERT_TRUE(p.id.stored());
    EXPECT_EQ(store_->FindPatient(p.id)->value(), p);
  }
  auto before = store_->CountRows();
  auto txn = store_->Begin();
  std::vector<Patient> again = {NumberedPatient(kMany + 1), NumberedPatient(7)};
  auto refused = (*txn)->InsertPatients(again);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kAlreadyExists);
  txn->reset();
  EXPECT_EQ(*store_->CountRows(), *before);
  auto stored_id = (*store_->Begin())->InsertPatients(std::span(patients).first(1));
  EXPECT_EQ(stored_id.error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, InsertProceduresStoresWhatPutProcedureWould) {
  PatientId patient = AddPatient(SamplePatient(1));
  std::vector<Procedure> bulk;
  std::vector<Procedure> one_by_one;
  for (int n = 0; n < kMany; ++n) {
    Procedure p = SampleProcedure("B" + std::to_string(n), patient);
    if (n % 2) {
      Implant explanted;
      explanted.gtin = SampleGtin(2);
      explanted.action = DeviceAction::kExplanted;
      explanted.laterality = Laterality::kRight;
      explanted.fields = {{"implant_position", "dual_plane"}};
      p.implants.push_back(explanted);
    }
    bulk.push_back(p);
    p.procedure_ref = "S" + std::to_string(n);
    one_by_one.push_back(p);
  }
  SubmissionId single = Submit("single", one_by_one);
  auto start = store_->BeginSubmission({"bulk", "RRK", "BCIR", {}});
  ASSERT_TRUE(start.has_value() && start->transaction);
  ASSERT_TRUE(start->transaction->InsertProcedures(bulk).has_value());
  ASSERT_TRUE(start->transaction->FinishSubmission({}).has_value());
  ASSERT_TRUE(start->transaction->Commit().has_value());
  const SubmissionId sub = start->transaction->submission();
  for (int n = 0; n < kMany; ++n) {
    Procedure got = store_->FindProcedure("BCIR", "B" + std::to_string(n))->value();
    Procedure reference = store_->FindProcedure("BCIR", "S" + std::to_string(n))->value();
    EXPECT_EQ(got, bulk[n]);  // the ids and fields InsertProcedures assigned are what is stored
    // Apart from ids, reference and submission, the same rows as PutProcedure's.
    reference.id = got.id;
    reference.procedure_ref = got.procedure_ref;
    reference.submission = sub;
    ASSERT_EQ(reference.implants.size(), got.implants.size());
    for (size_t i = 0; i < got.implants.size(); ++i) {
      reference.implants[i].id = got.implants[i].id;
      reference.implants[i].procedure = got.id;
    }
    EXPECT_EQ(got, reference);
  }
  EXPECT_NE(sub, single);
  // A stored ref is refused; a later PutProcedure of it becomes version 2.
  auto txn = store_->BeginSubmission({"again", "RRK", "BCIR", {}});
  std::vector<Procedure> stored = {SampleProcedure("B1", patient)};
  auto refused = txn->transaction->InsertProcedures(stored);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kAlreadyExists);
  txn->transaction.reset();
  Submit("correction", {SampleProcedure("B1", patient)});
  EXPECT_EQ(store_->FindProcedure("BCIR", "B1")->value().version, 2);
}

TEST_P(StoreConformance, InsertProceduresNeedsAStoredPatient) {
  auto start = store_->BeginSubmission({"k", "RRK", "BCIR", {}});
  std::vector<Procedure> orphan = {SampleProcedure("P1", PatientId{})};
  auto refused = start->transaction->InsertProcedures(orphan);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, DeviceFieldsRoundTripAndStayInHistory) {
  PatientId patient = AddPatient(SamplePatient(1));
  Procedure v1 = SampleProcedure("P1", patient);
  v1.implants[0].fields = {{"implant_position", "subpectoral"},
                           {"implant_volume_ml", "350"},
                           {"note", "quote \" and \\ and \x01 and caf\xc3\xa9"}};
  Submit("k1", {v1});
  Procedure stored = store_->FindProcedure("BCIR", "P1")->value();
  ASSERT_EQ(stored.implants.size(), 1u);
  EXPECT_EQ(stored.implants[0].fields, v1.implants[0].fields);
  Procedure v2 = SampleProcedure("P1", patient);  // the same device, its position corrected
  v2.implants[0].fields = {{"implant_position", "dual_plane"}};
  Submit("k2", {v2});
  auto history = store_->ProcedureHistory("BCIR", "P1");
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].implants[0].fields, v1.implants[0].fields);
  EXPECT_EQ((*history)[1].implants[0].fields, v2.implants[0].fields);
  std::vector<Procedure> streamed;
  ASSERT_TRUE(store_
                  ->ForEachProcedure({},
                                     [&](const Procedure& p) {
                                       streamed.push_back(p);
                                       return true;
                                     })
                  .has_value());
  ASSERT_EQ(streamed.size(), 1u);
  EXPECT_EQ(streamed[0].implants[0].fields, v2.implants[0].fields);
}

}  // namespace
}  // namespace orp::storage::conformance
