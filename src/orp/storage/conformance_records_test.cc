#include <gmock/gmock.h>

#include "orp/storage/conformance_test.h"

namespace orp::storage::conformance {

using domain::DeviceAction;
using domain::Laterality;
using domain::OutcomeKind;

Date Day(int y, unsigned m, unsigned d) {
  return Date(std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d});
}

Gtin SampleGtin(int n) {
  std::string payload = "0501234" + std::to_string(100000 + n);  // 13 digits
  return *Gtin::Parse(payload + std::to_string(Gtin::CheckDigit(payload)));
}

DeviceModel SampleDeviceModel(const DeviceId& device, Date valid_from) {
  DeviceModel m;
  m.device = device;
  m.manufacturer = "Acme";
  m.brand = "Smooth";
  m.model = "SM-350";
  m.catalogue_number = "CAT-1";
  m.device_type = "breast implant";
  m.device_class = "III";
  m.registries = {"BCIR"};
  m.valid_from = valid_from;
  return m;
}

Patient SamplePatient(uint8_t seed) {
  Patient p;
  Pseudonym pseudonym;
  pseudonym.bytes.fill(seed);
  p.pseudonym = pseudonym;
  p.nhs_number = domain::EncryptedNhsNumber{std::string("\x01\x00cipher", 8) + char(seed)};
  p.date_of_birth = Day(1950 + seed % 40, 1 + seed % 12, 1 + seed % 28);
  p.sex = seed % 2 ? domain::Sex::kMale : domain::Sex::kFemale;
  p.postcode = *domain::Postcode::Parse("LS1 4AP");
  return p;
}

Procedure SampleProcedure(const std::string& ref, PatientId patient) {
  Procedure p;
  p.registry = "BCIR";
  p.procedure_ref = ref;
  p.provider_site = *OdsSiteCode::Parse("RRK02");
  p.clinician = *GmcNumber::Parse("1234567");
  p.patient = patient;
  p.date = Day(2024, 3, 1);
  p.type = domain::ProcedureType::kPrimary;
  p.opcs_codes = {*domain::Opcs4Code::Parse("B30.1"), *domain::Opcs4Code::Parse("Y53.1")};
  p.snomed_code = *domain::SnomedCtId::Parse("22298006");
  p.laterality = Laterality::kLeft;
  p.body_site = "breast";
  p.indication = "augmentation";
  p.asa_grade = 2;
  p.bmi = 23.5;
  p.fields = {{"incision", "inframammary"}, {"pocket", "subglandular"}};
  Implant implant;
  implant.gtin = SampleGtin(1);
  implant.lot = "L100";
  implant.serial = ref + "-S1";
  implant.expiry = Day(2027, 1, 31);
  implant.raw_scan = "(01)" + implant.gtin->digits() + "(10)L100";
  p.implants = {implant};
  return p;
}

std::string MakerName(const ::testing::TestParamInfo<StoreMaker>& info) { return info.param.name; }

void StoreConformance::SetUp() {
  auto store = GetParam().open();
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  store_ = std::move(*store);
}

PatientId StoreConformance::AddPatient(const Patient& patient) {
  auto txn = store_->Begin();
  EXPECT_TRUE(txn.has_value()) << txn.error().ToString();
  auto id = (*txn)->PutPatient(patient);
  EXPECT_TRUE(id.has_value()) << id.error().ToString();
  EXPECT_TRUE((*txn)->Commit().has_value());
  return *id;
}

SubmissionId StoreConformance::Submit(const std::string& key, std::vector<Procedure> procedures) {
  auto start = store_->BeginSubmission({key, "RRK", "BCIR", {}});
  EXPECT_TRUE(start.has_value()) << start.error().ToString();
  EXPECT_TRUE(start->transaction) << "key " << key << " was already used";
  Transaction& txn = *start->transaction;
  for (Procedure& p : procedures) {
    auto put = txn.PutProcedure(p);
    EXPECT_TRUE(put.has_value()) << put.error().ToString();
  }
  SubmissionOutcome outcome{domain::SubmissionStatus::kAccepted, int64_t(procedures.size()),
                            int64_t(procedures.size()), 0, "{\"key\":\"" + key + "\"}"};
  EXPECT_TRUE(txn.FinishSubmission(outcome).has_value());
  EXPECT_TRUE(txn.Commit().has_value());
  return txn.submission();
}

namespace {

TEST_P(StoreConformance, PatientRoundTripsByIdAndPseudonym) {
  Patient patient = SamplePatient(7);
  patient.date_of_death = Day(2030, 5, 6);
  patient.opted_out = true;
  patient.id = AddPatient(patient);
  EXPECT_TRUE(patient.id.stored());
  EXPECT_EQ(store_->FindPatient(patient.id)->value(), patient);
  EXPECT_EQ(store_->FindPatientByPseudonym(*patient.pseudonym)->value(), patient);
  EXPECT_FALSE(store_->FindPatientByPseudonym(SamplePatient(8).pseudonym.value())->has_value());
}

TEST_P(StoreConformance, KnownPseudonymFillsInBlanksAndKeepsTheSamePatient) {
  Patient first = SamplePatient(3);
  first.postcode.reset();
  PatientId id = AddPatient(first);
  Patient again;
  again.pseudonym = first.pseudonym;
  again.postcode = *domain::Postcode::Parse("M1 1AE");
  again.date_of_death = Day(2031, 1, 1);
  EXPECT_EQ(AddPatient(again), id);
  Patient stored = store_->FindPatient(id)->value();
  EXPECT_EQ(stored.postcode, again.postcode);
  EXPECT_EQ(stored.date_of_birth, first.date_of_birth);
  EXPECT_EQ(stored.nhs_number, first.nhs_number);
  EXPECT_EQ(stored.date_of_death, Day(2031, 1, 1));
}

TEST_P(StoreConformance, PatientsWithoutPseudonymAreSeparateAndFoundByDemographics) {
  Patient a = SamplePatient(5);
  a.pseudonym.reset();
  a.nhs_number.reset();
  PatientId first = AddPatient(a);
  PatientId second = AddPatient(a);
  EXPECT_NE(first, second);
  DemographicKey key{*a.date_of_birth, *a.sex, *a.postcode};
  auto found = store_->FindPatientsByDemographics(key, 2);
  ASSERT_TRUE(found.has_value());
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].id, first);
  key.postcode = *domain::Postcode::Parse("LS2 9JT");
  EXPECT_TRUE(store_->FindPatientsByDemographics(key, 2)->empty());
}

TEST_P(StoreConformance, PatientsStreamInIdOrder) {
  std::vector<PatientId> added = {AddPatient(SamplePatient(1)), AddPatient(SamplePatient(2)),
                                  AddPatient(SamplePatient(3))};
  std::vector<Patient> seen;
  ASSERT_TRUE(store_
                  ->ForEachPatient(0,
                                   [&](const Patient& p) {
                                     seen.push_back(p);
                                     return true;
                                   })
                  .has_value());
  ASSERT_EQ(seen.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(seen[i].id, added[i]);
  EXPECT_EQ(seen[1].pseudonym, SamplePatient(2).pseudonym);
}

TEST_P(StoreConformance, OrganisationsCliniciansAndSitesRoundTrip) {
  auto site = [](const char* code, const char* name, const char* postcode) {
    return domain::Site{*OdsSiteCode::Parse(code), name, *domain::Postcode::Parse(postcode)};
  };
  Organisation org{*OdsCode::Parse("RRK"),
                   "University Hospitals Birmingham",
                   {site("RRK02", "QEHB", "B15 2GW"), site("RRK15", "Heartlands", "B9 5SS")}};
  org.sites[1].postcode.reset();
  Clinician clinician{*GmcNumber::Parse("1234567"), "A Surgeon", "plastic surgery"};
  auto txn = store_->Begin();
  ASSERT_TRUE(txn.has_value());
  ASSERT_TRUE((*txn)->PutOrganisation(org).has_value());
  ASSERT_TRUE((*txn)->PutClinician(clinician).has_value());
  clinician.specialty = "breast surgery";
  ASSERT_TRUE((*txn)->PutClinician(clinician).has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());
  EXPECT_EQ(store_->FindOrganisation(org.code)->value(), org);
  EXPECT_EQ(store_->FindOrganisationOfSite(org.sites[1].code)->value().code, org.code);
  EXPECT_FALSE(store_->FindOrganisationOfSite(*OdsSiteCode::Parse("RXX01"))->has_value());
  EXPECT_FALSE(store_->FindOrganisation(*OdsCode::Parse("RXX"))->has_value());
  EXPECT_EQ(store_->FindClinician(clinician.gmc)->value(), clinician);
  EXPECT_FALSE(store_->FindClinician(*GmcNumber::Parse("7654321"))->has_value());
}

TEST_P(StoreConformance, DeviceModelKeepsEachCatalogueVersion) {
  DeviceModel v1 = SampleDeviceModel(SampleGtin(9), Day(2020, 1, 1));
  v1.registries = {"BCIR", "MDOR"};
  DeviceModel v2 = v1;
  v2.brand = "Smooth II";
  v2.valid_from = Day(2023, 6, 1);
  auto txn = store_->Begin();
  ASSERT_TRUE((*txn)->PutDeviceModel(v1).has_value());
  ASSERT_TRUE((*txn)->PutDeviceModel(v1).has_value());  // identical: no new version
  ASSERT_TRUE((*txn)->PutDeviceModel(v2).has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());
  auto history = store_->DeviceModelHistory(v1.device);
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 2u);
  v1.valid_to = v2.valid_from;
  EXPECT_EQ((*history)[0], v1);
  EXPECT_EQ((*history)[1], v2);
  EXPECT_EQ(store_->FindDeviceModel(v1.device, Day(2022, 1, 1))->value().brand, "Smooth");
  EXPECT_EQ(store_->FindDeviceModel(v1.device, std::nullopt)->value().brand, "Smooth II");
  EXPECT_FALSE(store_->FindDeviceModel(v1.device, Day(2019, 1, 1))->has_value());
}

TEST_P(StoreConformance, ForEachDeviceModelStreamsEveryVersionInGtinOrder) {
  DeviceModel a = SampleDeviceModel(SampleGtin(11), Day(2020, 1, 1));
  DeviceModel a2 = a;
  a2.brand = "Smooth II";
  a2.valid_from = Day(2023, 6, 1);
  DeviceModel b = a;
  b.device = SampleGtin(10);
  auto txn = store_->Begin();
  for (const auto* m : {&a, &a2, &b}) ASSERT_TRUE((*txn)->PutDeviceModel(*m).has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());
  std::vector<DeviceModel> seen;
  ASSERT_TRUE(store_
                  ->ForEachDeviceModel([&](const DeviceModel& m) {
                    seen.push_back(m);
                    return true;
                  })
                  .has_value());
  ASSERT_EQ(seen.size(), 3u);
  bool b_first = b.device.text() < a.device.text();
  EXPECT_EQ(seen[b_first ? 0 : 2].device, b.device);
  EXPECT_EQ(seen[b_first ? 1 : 0].brand, "Smooth");
  EXPECT_EQ(seen[b_first ? 2 : 1].brand, "Smooth II");
  size_t first_only = 0;
  ASSERT_TRUE(store_->ForEachDeviceModel([&](const DeviceModel&) { return ++first_only < 1; }));
  EXPECT_EQ(first_only, 1u);
}

TEST_P(StoreConformance, ProcedureWithImplantsRoundTrips) {
  PatientId patient = AddPatient(SamplePatient(1));
  Procedure p = SampleProcedure("P1", patient);
  Implant explanted;
  explanted.gtin = SampleGtin(2);
  explanted.action = DeviceAction::kExplanted;
  explanted.laterality = Laterality::kRight;
  p.implants.push_back(explanted);
  SubmissionId sub = Submit("k1", {p});
  auto stored = store_->FindProcedure("BCIR", "P1");
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  const Procedure& got = **stored;
  EXPECT_TRUE(got.id.stored());
  EXPECT_EQ(got.submission, sub);
  EXPECT_EQ(got.version, 1);
  ASSERT_EQ(got.implants.size(), 2u);
  // What the store adds: ids, the procedure link, inherited laterality, explants never in situ.
  Procedure expected = p;
  expected.id = got.id;
  expected.submission = sub;
  for (size_t i = 0; i < 2; ++i) {
    expected.implants[i].id = got.implants[i].id;
    expected.implants[i].procedure = got.id;
  }
  expected.implants[0].laterality = Laterality::kLeft;
  expected.implants[1].in_situ = false;
  EXPECT_EQ(got, expected);
  EXPECT_EQ(store_->FindProcedureById(got.id)->value(), expected);
  EXPECT_FALSE(store_->FindProcedure("BCIR", "P2")->has_value());
}

TEST_P(StoreConformance, ImplantsInSituAreTheMostRecentFirstAndLeaveWhenRemoved) {
  PatientId patient = AddPatient(SamplePatient(2));
  Procedure older = SampleProcedure("A", patient);
  Procedure newer = SampleProcedure("B", patient);
  newer.date = Day(2025, 1, 1);
  Procedure right = SampleProcedure("C", patient);
  right.laterality = Laterality::kRight;
  Submit("k", {older, newer, right});
  InSituQuery left{patient, "BCIR", "breast", Laterality::kLeft};
  auto in_situ = store_->ImplantsInSitu(left);
  ASSERT_TRUE(in_situ.has_value());
  ASSERT_EQ(in_situ->size(), 2u);
  EXPECT_EQ((*in_situ)[0].serial, "B-S1");
  EXPECT_EQ((*in_situ)[1].serial, "A-S1");
  EXPECT_EQ(store_->ImplantsInSitu({patient, "BCIR", "", std::nullopt})->size(), 3u);
  EXPECT_TRUE(store_->ImplantsInSitu({patient, "BCIR", "hip", std::nullopt})->empty());
  EXPECT_TRUE(store_->ImplantsInSitu({patient, "NJR", "", std::nullopt})->empty());

  ProcedureId remover = store_->FindProcedure("BCIR", "C")->value().id;
  auto txn = store_->Begin();
  ImplantId removed[] = {(*in_situ)[0].id};
  ASSERT_TRUE((*txn)->MarkImplantsRemoved(removed, remover, Day(2025, 6, 1)).has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());
  auto after = store_->ImplantsInSitu(left);
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].serial, "A-S1");
  Implant gone = store_->FindProcedure("BCIR", "B")->value().implants[0];
  EXPECT_FALSE(gone.in_situ);
  EXPECT_EQ(gone.removed_by, remover);
  EXPECT_EQ(gone.removed_on, Day(2025, 6, 1));
}

TEST_P(StoreConformance, BilateralImplantsAreInSituForEitherSide) {
  PatientId patient = AddPatient(SamplePatient(2));
  Procedure both = SampleProcedure("A", patient);
  both.laterality = Laterality::kBilateral;
  Submit("k", {both});
  EXPECT_EQ(store_->ImplantsInSitu({patient, "BCIR", "breast", Laterality::kLeft})->size(), 1u);
  EXPECT_EQ(store_->ImplantsInSitu({patient, "BCIR", "breast", Laterality::kRight})->size(), 1u);
}

TEST_P(StoreConformance, MarkingAMissingImplantIsNotFoundAndRollsBack) {
  PatientId patient = AddPatient(SamplePatient(2));
  Submit("k", {SampleProcedure("A", patient)});
  auto before = store_->CountRows();
  auto txn = store_->Begin();
  ASSERT_TRUE((*txn)->PutPatient(SamplePatient(3)).has_value());
  ImplantId missing[] = {ImplantId{999999}};
  auto marked = (*txn)->MarkImplantsRemoved(missing, ProcedureId{1}, Day(2025, 1, 1));
  ASSERT_FALSE(marked.has_value());
  EXPECT_EQ(marked.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE((*txn)->Commit().has_value());
  txn->reset();
  EXPECT_EQ(*store_->CountRows(), *before);
}

TEST_P(StoreConformance, ImplantsAreFoundByDeviceLotAndSerial) {
  PatientId patient = AddPatient(SamplePatient(4));
  Procedure a = SampleProcedure("A", patient);
  Procedure b = SampleProcedure("B", patient);
  b.implants[0].lot = "L200";
  Submit("k", {a, b});
  Gtin gtin = SampleGtin(1);
  EXPECT_EQ(store_->FindImplantsByDevice(gtin, "", "")->size(), 2u);
  EXPECT_EQ(store_->FindImplantsByDevice(gtin, "L200", "")->size(), 1u);
  EXPECT_EQ(store_->FindImplantsByDevice(gtin, "L100", "A-S1")->size(), 1u);
  EXPECT_TRUE(store_->FindImplantsByDevice(gtin, "L100", "B-S1")->empty());
  EXPECT_TRUE(store_->FindImplantsByDevice(SampleGtin(5), "", "")->empty());
}

TEST_P(StoreConformance, DeathIsRecordedOnceWithItsOutcomeEvent) {
  PatientId patient = AddPatient(SamplePatient(6));
  auto txn = store_->Begin();
  ASSERT_TRUE((*txn)->RecordDeath(patient, Day(2030, 2, 3)).has_value());
  ASSERT_TRUE((*txn)->RecordDeath(patient, Day(2030, 2, 4)).has_value());
  OutcomeEvent complication;
  complication.patient = patient;
  complication.kind = OutcomeKind::kComplication;
  complication.date = Day(2029, 1, 1);
  complication.registry = "BCIR";
  complication.detail = "capsular contracture";
  auto id = (*txn)->AddOutcomeEvent(complication);
  ASSERT_TRUE(id.has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());
  EXPECT_EQ(store_->FindPatient(patient)->value().date_of_death, Day(2030, 2, 3));
  auto events = store_->OutcomeEventsOf(patient);
  ASSERT_EQ(events->size(), 2u);
  complication.id = *id;
  EXPECT_EQ((*events)[0], complication);
  EXPECT_EQ((*events)[1].kind, OutcomeKind::kDeath);
  EXPECT_EQ((*events)[1].date, Day(2030, 2, 3));
}

}  // namespace
}  // namespace orp::storage::conformance
