// recall/ over an in-memory SQLite store: the cohort (serial ranges, production dates, the most
// recent provider and its counts), the audited NHS-number path, and a campaign from creation
// through contact, review, outcome, automatic joins and the explant link.
#include <gmock/gmock.h>

#include <algorithm>

#include "orp/recall/campaign.h"
#include "orp/recall/cohort.h"
#include "orp/recall/identify.h"
#include "orp/security/pseudonymiser.h"
#include "orp/storage/forwarding_reader.h"
#include "orp/storage/recall_reads.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp::recall {
namespace {

using domain::Implant;
using domain::Patient;
using domain::PatientId;
using domain::Procedure;
using storage::RecallOutcome;
using storage::RecallStage;

constexpr std::string_view kGtin = "09506000134352";
const domain::Instant kNow{std::chrono::seconds(1780000000)};

Date Day(int y, unsigned m, unsigned d) {
  return Date(std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d});
}

// Appends without a hash: these tests check what recall writes, not the chain (security/'s).
Result<int64_t> PlainAppend(storage::Transaction& txn, const domain::AuditRecord& record) {
  auto last = txn.LastAuditRecord();
  if (!last) return std::unexpected(last.error());
  domain::AuditRecord r = record;
  r.prev_hash = *last ? (*last)->hash : "";
  r.hash = "h" + std::to_string(*last ? (*last)->seq + 1 : 1);
  return txn.AppendAudit(r);
}

class RecallTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = std::move(*storage::sqlite::OpenStore(":memory:")); }

  PatientId AddPatient(std::string_view nhs) {
    Patient p;
    auto [pseudonym, cipher] = *keys_.Protect(*domain::NhsNumber::Parse(nhs));
    p.pseudonym = pseudonym;
    p.nhs_number = cipher;
    auto txn = *store_->Begin();
    PatientId id = *txn->PutPatient(p);
    EXPECT_TRUE(txn->Commit().has_value());
    return id;
  }

  // A primary at `site` on `day` implanting one device of kGtin with this lot and serial.
  Procedure Implanting(std::string ref, PatientId patient, std::string site, Date day,
                       std::string lot, std::string serial, std::string scan = "") {
    Procedure p;
    p.registry = "BCIR";
    p.procedure_ref = std::move(ref);
    p.provider_site = *domain::OdsSiteCode::Parse(site);
    p.patient = patient;
    p.date = day;
    p.body_site = "breast";
    Implant i;
    i.gtin = *domain::Gtin::Parse(kGtin);
    i.lot = std::move(lot);
    i.serial = std::move(serial);
    i.raw_scan = std::move(scan);
    p.implants = {i};
    return p;
  }

  void Submit(const std::string& key, std::vector<Procedure>& procedures) {
    auto start = *store_->BeginSubmission({key, "RRK", "BCIR", {}});
    for (Procedure& p : procedures) ASSERT_TRUE(start.transaction->PutProcedure(p).has_value());
    ASSERT_TRUE(
        start.transaction->FinishSubmission({domain::SubmissionStatus::kAccepted, 1, 1, 0, "{}"}));
    ASSERT_TRUE(start.transaction->Commit().has_value());
  }

  std::vector<AffectedImplant> Cohort(const Criteria& c) {
    std::vector<AffectedImplant> out;
    auto devices = ResolveDevices(*store_, c);
    EXPECT_TRUE(devices.has_value());
    EXPECT_TRUE(ForEachAffected(*store_, c, *devices, 0, [&](const AffectedImplant& a) {
                  out.push_back(a);
                  return true;
                }).has_value());
    return out;
  }

  // Three patients at two trusts; the third moved to RXF after the implant.
  void ThreePatients() {
    a_ = AddPatient("9434765919");
    b_ = AddPatient("4010232137");
    c_ = AddPatient("9990000018");
    std::vector<Procedure> first = {
        Implanting("A", a_, "RRK02", Day(2023, 1, 10), "L1", "SN9",
                   "(01)09506000134352(11)220601(17)270601(10)L1(21)SN9"),
        Implanting("B", b_, "RRK02", Day(2023, 2, 10), "L1", "SN10"),
        Implanting("C", c_, "RRK05", Day(2023, 3, 10), "L2", "SN100")};
    Submit("k1", first);
    Procedure moved = Implanting("C2", c_, "RXF05", Day(2024, 5, 1), "L9", "OTHER");
    moved.implants[0].gtin = *domain::Gtin::Parse("09506000134369");
    std::vector<Procedure> second = {moved};
    Submit("k2", second);
  }

  security::Pseudonymiser keys_ = security::Pseudonymiser::FromSecret({1, 2, 3});
  std::unique_ptr<storage::Store> store_;
  PatientId a_, b_, c_;
};

Criteria Model() {
  Criteria c;
  c.device_ids = {std::string(kGtin)};
  return c;
}

TEST_F(RecallTest, NaturalSerialRangeTakesSn9AndSn10ButTextOrderDoesNot) {
  ThreePatients();
  Criteria c = Model();
  c.serials = {{"SN5", "SN99", SerialOrder::kNatural}};
  auto natural = Cohort(c);
  ASSERT_EQ(natural.size(), 2u);
  EXPECT_EQ(natural[0].row.serial, "SN9");
  EXPECT_EQ(natural[1].row.serial, "SN10");
  c.serials = {{"SN5", "SN99", SerialOrder::kText}};
  auto text = Cohort(c);
  ASSERT_EQ(text.size(), 1u);  // "SN10" and "SN100" sort before "SN5" byte by byte
  EXPECT_EQ(text[0].row.serial, "SN9");
}

TEST_F(RecallTest, ProductionWindowReadsTheLabelAndSkipsImplantsWithoutOne) {
  ThreePatients();
  Criteria c = Model();
  c.production = {Day(2022, 6, 1), Day(2022, 6, 30)};
  auto rows = Cohort(c);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].row.patient, a_);
  c.production = {Day(2022, 7, 1), std::nullopt};
  EXPECT_TRUE(Cohort(c).empty());
}

TEST_F(RecallTest, MostRecentProviderFollowsThePatientsLatestProcedure) {
  ThreePatients();
  CohortSummary summary;
  for (const auto& a : Cohort(Model())) summary.Add(a);
  EXPECT_EQ(summary.overall().implants, 3);
  EXPECT_EQ(summary.overall().patients, 3);
  ASSERT_EQ(summary.by_provider().size(), 2u);
  EXPECT_EQ(summary.by_provider().at("RRK").patients, 2);
  EXPECT_EQ(summary.by_provider().at("RXF").patients, 1);  // C moved to RXF05
}

// The preview's order (ForEachAffectedByPatient): a patient's implants together, patients by
// id, from the store's patient-ordered read (on one connection, or in parts on several) and from
// a wrapper without it (sorted in memory); serial ranges still apply.
TEST_F(RecallTest, ByPatientListsEachPatientsImplantsTogetherWithOrWithoutTheStoresRead) {
  ThreePatients();
  std::vector<Procedure> again = {
      Implanting("A2", a_, "RRK02", Day(2024, 1, 10), "L3", "SN11")};  // after C by device
  Submit("k3", again);
  Criteria c = Model();
  c.serials = {{"SN9", "SN100", SerialOrder::kNatural}};
  auto order = [&](storage::Reader& reader, int parts = 0) {
    std::vector<std::string> serials;
    EXPECT_TRUE(ForEachAffectedByPatient(
                    reader, c, c.device_ids,
                    [&](const AffectedImplant& a) {
                      serials.push_back(a.row.serial);
                      return true;
                    },
                    parts)
                    .has_value());
    return serials;
  };
  std::vector<std::string> device_order;
  for (const AffectedImplant& a : Cohort(c)) device_order.push_back(a.row.serial);
  EXPECT_THAT(device_order, ::testing::ElementsAre("SN9", "SN10", "SN100", "SN11"));
  ASSERT_NE(storage::AsRecallReads(*store_), nullptr);
  EXPECT_THAT(order(*store_), ::testing::ElementsAre("SN9", "SN11", "SN10", "SN100"));
  // One connection, or parts read at once on several (merged back into the same order).
  EXPECT_THAT(order(*store_, 1), ::testing::ElementsAre("SN9", "SN11", "SN10", "SN100"));
  EXPECT_THAT(order(*store_, 4), ::testing::ElementsAre("SN9", "SN11", "SN10", "SN100"));
  storage::ForwardingReader<storage::Reader> wrapper(*store_);
  ASSERT_EQ(storage::AsRecallReads(wrapper), nullptr);
  EXPECT_THAT(order(wrapper), ::testing::ElementsAre("SN9", "SN11", "SN10", "SN100"));
}

// Parts read at once are merged back into exactly one connection's order: 300 implants span two
// blocks of 256 ids, so each of two or three parts holds some (storage/recall_reads.h), and the
// in-memory store's one connection makes the parts wait for each other, which must still finish.
TEST_F(RecallTest, ByPatientInPartsGivesTheSameRowsInTheSameOrderAsOneConnection) {
  ThreePatients();
  std::vector<Procedure> many;
  const PatientId patients[] = {a_, b_, c_};
  for (int i = 0; i < 300; ++i) {
    many.push_back(Implanting("M" + std::to_string(i), patients[i % 3], "RRK02", Day(2023, 6, 1),
                              "L" + std::to_string(i % 7), "S" + std::to_string(i)));
  }
  Submit("k-many", many);
  Criteria c = Model();
  auto keys = [&](int parts) {
    std::vector<std::pair<int64_t, int64_t>> out;
    EXPECT_TRUE(ForEachAffectedByPatient(
                    *store_, c, c.device_ids,
                    [&](const AffectedImplant& a) {
                      out.emplace_back(a.row.patient.value, a.row.implant.value);
                      return true;
                    },
                    parts)
                    .has_value());
    return out;
  };
  auto one = keys(1);
  ASSERT_EQ(one.size(), 303u);
  EXPECT_TRUE(std::is_sorted(one.begin(), one.end()));
  EXPECT_GT(one.back().second, 256);  // a second block of ids: the parts are not all empty but one
  EXPECT_EQ(keys(2), one);
  EXPECT_EQ(keys(3), one);
  int seen = 0;  // stopping early stops the merge
  ASSERT_TRUE(ForEachAffectedByPatient(
                  *store_, c, c.device_ids, [&](const AffectedImplant&) { return ++seen < 5; }, 2)
                  .has_value());
  EXPECT_EQ(seen, 5);
}

TEST_F(RecallTest, CatalogueNumberResolvesToItsModelAndAnUnknownOneIsNotFound) {
  ThreePatients();
  domain::DeviceModel model;
  model.device = *domain::Gtin::Parse(kGtin);
  model.manufacturer = "Acme";
  model.catalogue_number = "REF-7";
  model.registries = {"BCIR"};
  model.valid_from = Day(2020, 1, 1);
  auto txn = *store_->Begin();
  ASSERT_TRUE(txn->PutDeviceModel(model).has_value());
  ASSERT_TRUE(txn->Commit().has_value());
  Criteria c;
  c.catalogue_numbers = {"REF-7"};
  EXPECT_EQ(Cohort(c).size(), 3u);
  c.catalogue_numbers = {"REF-8"};
  auto missing = ResolveDevices(*store_, c);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_F(RecallTest, NhsNumbersOnlyAfterAnAuditedAccessWithAPurpose) {
  ThreePatients();
  Access access{"alice", "regulator", "", "req-1"};
  EXPECT_FALSE(Identifier::Open(*store_, keys_, PlainAppend, access, "recall/R", 3, kNow));
  EXPECT_FALSE(store_->LastAuditRecord()->has_value());
  access.purpose = "FSN-1: contact patients";
  auto id = Identifier::Open(*store_, keys_, PlainAppend, access, "recall/R", 3, kNow);
  ASSERT_TRUE(id.has_value());
  auto entry = store_->LastAuditRecord()->value();
  EXPECT_EQ(entry.action, "recall.identifiable.read");
  EXPECT_EQ(entry.purpose, "FSN-1: contact patients");
  EXPECT_EQ(entry.outcome, "ok: 3 patients");
  auto rows = Cohort(Model());
  EXPECT_EQ(id->NhsNumberOf(rows[0].row)->digits(), "9434765919");
}

TEST_F(RecallTest, CampaignTracksAPatientFromIdentifiedToConcluded) {
  ThreePatients();
  Access access{"alice", "operator", "", ""};
  auto recall = CreateCampaign(*store_,
                               {"R-1", "FSN-1", "lot L1",
                                [] {
                                  Criteria c = Model();
                                  c.lots = {"L1"};
                                  return c;
                                }()},
                               PlainAppend, access, kNow);
  ASSERT_TRUE(recall.has_value()) << recall.error().message();
  auto view = *LoadCampaign(*store_, "R-1");
  ASSERT_EQ(view.patients.size(), 2u);
  EXPECT_EQ(view.overall.identified, 2);
  std::string ref = view.patient_refs[0];
  PatientUpdate review;
  review.reviewed_on = Day(2026, 3, 1);
  auto early = UpdatePatient(*store_, "R-1", ref, review, PlainAppend, access, kNow);
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().code(), ErrorCode::kFailedPrecondition);
  PatientUpdate contact;
  contact.contacted_on = Day(2026, 2, 1);
  contact.channel = "letter";
  ASSERT_TRUE(UpdatePatient(*store_, "R-1", ref, contact, PlainAppend, access, kNow));
  ASSERT_TRUE(UpdatePatient(*store_, "R-1", ref, review, PlainAppend, access, kNow));
  PatientUpdate outcome;
  outcome.outcome = RecallOutcome::kMonitoring;
  outcome.outcome_on = Day(2026, 3, 2);
  auto done = UpdatePatient(*store_, "R-1", ref, outcome, PlainAppend, access, kNow);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->stage, RecallStage::kConcluded);
  view = *LoadCampaign(*store_, "R-1");
  EXPECT_EQ(view.overall.monitoring, 1);
  EXPECT_EQ(view.overall.contact_attempts, 1);
  EXPECT_EQ(view.by_provider.at("RRK").concluded, 1);
  EXPECT_EQ(RegulatorReportCsv(view).substr(RegulatorReportCsv(view).find('\n') + 1),
            "R-1,FSN-1,RRK,2,1,0,0,1,0,1,0,1\nR-1,FSN-1,ALL,2,1,0,0,1,0,1,0,1\n");
  EXPECT_FALSE(UpdatePatient(*store_, "R-1", ref, contact, PlainAppend, access, kNow));
}

TEST_F(RecallTest, NewSubmissionsJoinAnOpenRecallAndAnExplantIsLinked) {
  ThreePatients();
  Access access{"alice", "operator", "", ""};
  Criteria c = Model();
  c.lots = {"L1"};
  ASSERT_TRUE(CreateCampaign(*store_, {"R-2", "FSN-2", "", c}, PlainAppend, access, kNow));
  auto quiet = SyncOpenRecalls(*store_, PlainAppend, kNow);
  ASSERT_TRUE(quiet.has_value());
  EXPECT_TRUE(quiet->joined.empty());

  PatientId d = AddPatient("9990000050");
  std::vector<Procedure> late = {Implanting("D", d, "RXF05", Day(2025, 1, 5), "L1", "SN11")};
  Submit("k3", late);
  auto joined = SyncOpenRecalls(*store_, PlainAppend, kNow);
  ASSERT_TRUE(joined.has_value());
  ASSERT_EQ(joined->joined.size(), 1u);
  EXPECT_EQ(joined->joined[0].provider, "RXF");
  EXPECT_EQ(joined->joined[0].patients, 1);

  // A's implant is removed by an explant procedure: the sync links it.
  auto rows = Cohort(c);
  auto start = *store_->BeginSubmission({"k4", "RRK", "BCIR", {}});
  Procedure explant = Implanting("AX", a_, "RRK02", Day(2026, 1, 20), "", "");
  explant.type = domain::ProcedureType::kExplant;
  explant.implants.clear();
  ASSERT_TRUE(start.transaction->PutProcedure(explant).has_value());
  domain::ImplantId removed[] = {rows[0].row.implant};
  ASSERT_TRUE(start.transaction->MarkImplantsRemoved(removed, explant.id, explant.date));
  ASSERT_TRUE(
      start.transaction->FinishSubmission({domain::SubmissionStatus::kAccepted, 1, 1, 0, "{}"}));
  ASSERT_TRUE(start.transaction->Commit().has_value());
  auto linked = SyncOpenRecalls(*store_, PlainAppend, kNow);
  ASSERT_TRUE(linked.has_value());
  EXPECT_EQ(linked->explants_linked, 1);
  auto view = *LoadCampaign(*store_, "R-2");
  ASSERT_EQ(view.patients.size(), 3u);
  EXPECT_EQ(view.patients[0].patient, a_);
  EXPECT_EQ(view.patients[0].outcome, RecallOutcome::kExplanted);
  EXPECT_EQ(view.patients[0].explant_procedure, explant.id);
  EXPECT_EQ(view.patients[0].concluded_on, Day(2026, 1, 20));
  EXPECT_EQ(view.patients[2].joined_by, "sync");

  ASSERT_TRUE(
      SetRecallStatus(*store_, "R-2", storage::RecallStatus::kClosed, PlainAppend, access, kNow));
  std::vector<Procedure> later = {Implanting("E", d, "RXF05", Day(2025, 2, 5), "L1", "SN12")};
  Submit("k5", later);
  EXPECT_TRUE(SyncOpenRecalls(*store_, PlainAppend, kNow)->joined.empty());
}

}  // namespace
}  // namespace orp::recall

namespace orp::recall {
namespace {

TEST_F(RecallTest, APatientIsNamedByPseudonymOrRowIdAndAStrangerIsNotFound) {
  ThreePatients();
  Access access{"alice", "operator", "", ""};
  ASSERT_TRUE(CreateCampaign(*store_, {"R-3", "FSN-3", "", Model()}, PlainAppend, access, kNow));
  PatientUpdate contact;
  contact.contacted_on = Day(2026, 2, 1);
  contact.channel = "phone";
  auto by_id = UpdatePatient(*store_, "R-3", "patient-" + std::to_string(b_.value), contact,
                             PlainAppend, access, kNow);
  ASSERT_TRUE(by_id.has_value()) << by_id.error().message();
  EXPECT_EQ(by_id->patient, b_);
  auto stranger =
      UpdatePatient(*store_, "R-3", std::string(64, 'f'), contact, PlainAppend, access, kNow);
  ASSERT_FALSE(stranger.has_value());
  EXPECT_EQ(stranger.error().code(), ErrorCode::kNotFound);
  contact.channel.clear();
  auto no_channel = UpdatePatient(*store_, "R-3", "patient-" + std::to_string(a_.value), contact,
                                  PlainAppend, access, kNow);
  ASSERT_FALSE(no_channel.has_value());
  EXPECT_EQ(no_channel.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace orp::recall
