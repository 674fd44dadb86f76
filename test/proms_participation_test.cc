// Participation per provider (proms/participation.h) over a real SQLite store: invited and
// responded, primaries and pre-operative questionnaires, per provider organisation, with funnel
// points against the pooled national rate. And one patient's PROMs (proms/patient.h) read through
// the store's index by patient (storage/proms_reads.h) equal those of the registry-wide fallback.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "orp/proms/participation.h"
#include "orp/proms/patient.h"
#include "orp/storage/forwarding_reader.h"
#include "orp/storage/proms_reads.h"
#include "orp/storage/sqlite/sqlite_store.h"
#include "proms_fixture.h"

namespace orp::proms {
namespace {

Date D(int y, unsigned m, unsigned d) {
  return Date(std::chrono::year_month_day(std::chrono::year(y), std::chrono::month(m),
                                          std::chrono::day(d)));
}

class Participating : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*storage::sqlite::OpenStore(":memory:"));
    auto start = store_->BeginSubmission({"k1", "RRK", "BCIR", {}});
    storage::Transaction& tx = *start->transaction;
    // RRK: 3 primaries, 2 of 3 invitations answered, 2 before-the-operation questionnaires.
    // RXF: 2 primaries, 0 of 2 answered, none before.
    int n = 0;
    for (auto [site, answered, pre_op] :
         {std::tuple{"RRK02", true, true}, std::tuple{"RRK02", true, true},
          std::tuple{"RRK02", false, false}, std::tuple{"RXF05", false, false},
          std::tuple{"RXF05", false, false}}) {
      ++n;
      domain::Procedure p = fixtures::PutPatientAndPrimary(
          tx, "P" + std::to_string(n), static_cast<uint8_t>(n), D(2025, 1, 15), site);
      patients_.push_back(p.patient);
      storage::PromInvitation i = fixtures::PainInvitation(
          p, D(2025, 7, 15), D(2025, 9, 13), std::string(63, 'a') + std::to_string(n));
      if (answered) i.status = storage::PromInvitationStatus::kAnswered;
      ASSERT_TRUE(tx.AddPromInvitation(i).has_value());
      if (pre_op) {
        storage::PromResponse r{0, std::nullopt,  "BCIR",   p.id,       p.patient, "PAIN-NRS", "1",
                                0, D(2025, 1, 2), "pain=7", "bulk:test"};
        ASSERT_TRUE(tx.AddPromResponse(r).has_value());
      }
    }
    ASSERT_TRUE(tx.FinishSubmission({domain::SubmissionStatus::kAccepted, 5, 5, 0, "{}"}));
    ASSERT_TRUE(tx.Commit().has_value());
  }

  std::unique_ptr<storage::Store> store_;
  std::vector<domain::PatientId> patients_;
};

TEST_F(Participating, CountsInvitedRespondedAndPreOperativeQuestionnairesPerProvider) {
  auto report = Participation(*store_, "BCIR");
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->invited, 5);
  EXPECT_EQ(report->responded, 2);
  EXPECT_DOUBLE_EQ(report->response_rate, 0.4);
  EXPECT_EQ(report->primaries, 5);
  EXPECT_EQ(report->pre_op_returned, 2);
  ASSERT_EQ(report->providers.size(), 2u);
  const ProviderParticipation& rrk = report->providers[0];
  EXPECT_EQ(rrk.provider, "RRK");
  EXPECT_EQ(rrk.invited, 3);
  EXPECT_EQ(rrk.responded, 2);
  EXPECT_EQ(rrk.pre_op_returned, 2);
  EXPECT_EQ(report->providers[1].provider, "RXF");
  EXPECT_EQ(report->providers[1].responded, 0);
}

TEST_F(Participating, EachProviderIsAPointOnAFunnelAroundTheNationalRate) {
  auto report = Participation(*store_, "");
  ASSERT_TRUE(report.has_value());
  for (const ProviderParticipation& p : report->providers) {
    ASSERT_TRUE(p.response_funnel.has_value()) << p.provider;
    EXPECT_DOUBLE_EQ(p.response_funnel->y, static_cast<double>(p.responded) / p.invited);
    EXPECT_LE(p.response_funnel->limits.lower95, 0.4);
    EXPECT_GE(p.response_funnel->limits.upper95, 0.4);
    ASSERT_TRUE(p.pre_op_funnel.has_value());
  }
  auto json = nlohmann::json::parse(ParticipationJson(*report));
  EXPECT_DOUBLE_EQ(json["national"]["pre_op_rate"].get<double>(), 0.4);
  EXPECT_EQ(json["providers"][1]["response_funnel"]["class"], "within");
  auto own = nlohmann::json::parse(
      ParticipationJson(*report, [](const std::string& p) { return p == "RXF"; }));
  ASSERT_EQ(own["providers"].size(), 1u);
  EXPECT_EQ(own["providers"][0]["provider"], "RXF");
  EXPECT_EQ(own["national"]["invited"], 5);
}

TEST(ParticipationDisclosure, PublicCountsAreSuppressedOrRoundedAndRatesFollowTheControlledCounts) {
  ParticipationReport report;
  ProviderParticipation p;
  p.provider = "RRK";
  p.invited = 12;   // published as 10
  p.responded = 5;  // 1-7: suppressed, and the response rate and its funnel point with it
  p.primaries = 40;
  p.pre_op_returned = 23;  // published as 25: the rate is 25 / 40 = 62.5%, shown as 63%
  stats::FunnelPoint point;
  point.y = 5.0 / 12;
  p.response_funnel = point;
  point.y = 23.0 / 40;
  p.pre_op_funnel = point;
  report.providers.push_back(p);
  report.invited = 120, report.responded = 3, report.primaries = 400, report.pre_op_returned = 0;
  auto rows = PublishParticipation(report, stats::Audience::kPublic);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].invited.value, 10);
  EXPECT_TRUE(rows[0].responded.suppressed());
  EXPECT_FALSE(rows[0].response_rate.has_value());
  EXPECT_FALSE(rows[0].response_funnel.has_value());
  EXPECT_EQ(rows[0].primaries.value, 40);
  EXPECT_EQ(rows[0].pre_op_returned.value, 25);
  ASSERT_TRUE(rows[0].pre_op_rate.has_value());
  EXPECT_DOUBLE_EQ(*rows[0].pre_op_rate, 0.63);
  ASSERT_TRUE(rows[0].pre_op_funnel.has_value());
  EXPECT_DOUBLE_EQ(rows[0].pre_op_funnel->y, 0.63);
  EXPECT_EQ(rows[1].provider, "national");
  EXPECT_TRUE(rows[1].responded.suppressed());
  EXPECT_EQ(rows[1].pre_op_returned.value, 0);  // 0 stays 0
  EXPECT_DOUBLE_EQ(*rows[1].pre_op_rate, 0.0);

  // The national audience is exact; the JSON says which audience it is and nulls what is withheld.
  auto exact = PublishParticipation(report, stats::Audience::kNational);
  EXPECT_EQ(exact[0].responded.value, 5);
  EXPECT_DOUBLE_EQ(*exact[0].response_rate, 5.0 / 12);
  EXPECT_DOUBLE_EQ(exact[0].pre_op_funnel->y, 23.0 / 40);
  auto json = nlohmann::json::parse(ParticipationJson(report, {}, stats::Audience::kPublic));
  EXPECT_EQ(json["audience"], "public");
  EXPECT_TRUE(json["providers"][0]["responded"].is_null());
  EXPECT_TRUE(json["providers"][0]["response_funnel"].is_null());
  EXPECT_EQ(json["providers"][0]["invited"], 10);
  EXPECT_TRUE(json["national"]["responded"].is_null());
}

TEST_F(Participating, AnotherRegistryHasNothing) {
  auto report = Participation(*store_, "NRHI");
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->invited, 0);
  EXPECT_TRUE(report->providers.empty());
}

// A reader without the indexed read: the registry-wide fallback of PatientPromsOf.
class PlainReader : public storage::ForwardingReader<storage::Reader> {
 public:
  using ForwardingReader::ForwardingReader;
};

TEST_F(Participating, APatientsOwnPromsReadThroughTheIndexEqualTheRegistryWideScan) {
  const char* dir = std::getenv("ORP_SOURCE_DIR");
  auto instruments = LoadInstruments(std::filesystem::path(dir ? dir : ".") / "instruments");
  ASSERT_TRUE(instruments.has_value()) << instruments.error().ToString();
  PlainReader plain(*store_);
  ASSERT_NE(storage::AsPromsReads(*store_), nullptr);
  ASSERT_EQ(storage::AsPromsReads(plain), nullptr);
  // Patient 1 answered (one score, before the operation); patient 3 has one open invitation.
  for (size_t k : {0u, 2u}) {
    auto indexed = PatientPromsOf(*store_, *instruments, patients_[k], D(2025, 8, 1));
    auto scanned = PatientPromsOf(plain, *instruments, patients_[k], D(2025, 8, 1));
    ASSERT_TRUE(indexed.has_value() && scanned.has_value());
    ASSERT_EQ(indexed->due.size(), scanned->due.size());
    ASSERT_EQ(indexed->scores.size(), scanned->scores.size());
    for (size_t i = 0; i < indexed->due.size(); ++i)
      EXPECT_EQ(indexed->due[i].invitation, scanned->due[i].invitation);
    for (size_t i = 0; i < indexed->scores.size(); ++i) {
      ASSERT_EQ(indexed->scores[i].points.size(), scanned->scores[i].points.size());
      EXPECT_EQ(indexed->scores[i].points[0].value, scanned->scores[i].points[0].value);
    }
  }
  auto answered = PatientPromsOf(*store_, *instruments, patients_[0], D(2025, 8, 1));
  EXPECT_TRUE(answered->due.empty());  // its only invitation is answered
  ASSERT_EQ(answered->scores.size(), 1u);
  EXPECT_EQ(answered->scores[0].points[0].value, 7.0);
  auto open = PatientPromsOf(*store_, *instruments, patients_[2], D(2025, 8, 1));
  ASSERT_EQ(open->due.size(), 1u);
  EXPECT_TRUE(open->scores.empty());
  EXPECT_TRUE(PatientPromsOf(*store_, *instruments, patients_[2], D(2025, 9, 14))->due.empty());
}

}  // namespace
}  // namespace orp::proms
