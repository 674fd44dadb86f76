// Participation per provider (proms/participation.h) over a real SQLite store: invited and
// responded, primaries and pre-operative questionnaires, per provider organisation, with funnel
// points against the pooled national rate.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "orp/proms/participation.h"
#include "orp/storage/sqlite/sqlite_store.h"

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
      domain::Patient patient;
      domain::Pseudonym pseudonym;
      pseudonym.bytes.fill(static_cast<uint8_t>(n));
      patient.pseudonym = pseudonym;
      domain::Procedure p;
      p.registry = "BCIR";
      p.procedure_ref = "P" + std::to_string(n);
      p.provider_site = *domain::OdsSiteCode::Parse(site);
      p.patient = *tx.PutPatient(patient);
      p.date = D(2025, 1, 15);
      p.implants.emplace_back();
      ASSERT_TRUE(tx.PutProcedure(p).has_value());
      storage::PromInvitation i;
      i.registry = "BCIR";
      i.procedure = p.id;
      i.patient = p.patient;
      i.instrument = "PAIN-NRS";
      i.months = 6;
      i.due = i.invited = D(2025, 7, 15);
      i.expires = D(2025, 9, 13);
      i.token_hash = std::string(63, 'a') + std::to_string(n);
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

TEST_F(Participating, AnotherRegistryHasNothing) {
  auto report = Participation(*store_, "NRHI");
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->invited, 0);
  EXPECT_TRUE(report->providers.empty());
}

}  // namespace
}  // namespace orp::proms
