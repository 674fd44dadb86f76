// The PROMs questionnaire link over HTTP (proms, #11), through the real server, dispatcher,
// SecurityGatekeeper and audit chain on an in-memory SQLite store: a patient with no account
// opens the questionnaire by the token in their link, is told exactly what is wrong with an
// answer the instrument does not allow, answers once, and is refused a second use; tokens
// cannot be guessed at speed (429); the audit log records the invitation's number, never the
// token; the answer names no patient.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "orp/api/dispatch.h"
#include "orp/api/routes.h"
#include "orp/api/security_gatekeeper.h"
#include "orp/api/server.h"
#include "orp/api/test_client.h"
#include "orp/proms/instrument_loader.h"
#include "orp/security/accounts.h"
#include "orp/security/audit.h"
#include "orp/security/secrets.h"
#include "orp/storage/sqlite/sqlite_store.h"
#include "proms_fixture.h"

namespace orp::api {
namespace {

using nlohmann::json;

constexpr std::string_view kToken = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::string_view kPath = "/api/v1/proms/invitations/abcdefghijklmnopqrstuvwxyz234567";

std::filesystem::path SourceDir() {
  const char* dir = std::getenv("ORP_SOURCE_DIR");
  return dir ? std::filesystem::path(dir) : std::filesystem::current_path();
}

class PromsLink : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*storage::sqlite::OpenStore(":memory:"));
    instruments_ = *proms::LoadInstruments(SourceDir() / "instruments");
    invitation_ = Invite();
    gatekeeper_ = std::make_unique<SecurityGatekeeper>(*store_, security::AccountsOptions{});
    ApiServices services;
    services.store = store_.get();
    services.pseudonymiser = &pseudonymiser_;
    services.metrics = &metrics_;
    services.instruments = &instruments_;
    services.proms_link_limiter = std::make_shared<PromsLinkLimiter>(8);
    ASSERT_TRUE(AddRoutes(router_, services).has_value());
    dispatcher_.emplace(router_, *gatekeeper_);
    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    server_ = std::move(*Server::Start(
        options, [this](const HttpRequest& r) { return dispatcher_->Handle(r); }, &metrics_));
  }

  // One procedure today and an open PAIN-NRS invitation whose link holds kToken.
  int64_t Invite() {
    auto start = store_->BeginSubmission({"k1", "RRK", "BCIR", {}});
    storage::Transaction& tx = *start->transaction;
    domain::Procedure p =
        proms::fixtures::PutPatientAndPrimary(tx, "P1", 7, TodayUtc() - std::chrono::days(183));
    storage::PromInvitation i = proms::fixtures::PainInvitation(
        p, TodayUtc(), TodayUtc() + std::chrono::days(60), security::Sha256Hex(kToken));
    EXPECT_TRUE(tx.AddPromInvitation(i).has_value());
    EXPECT_TRUE(tx.FinishSubmission({domain::SubmissionStatus::kAccepted, 1, 1, 0, "{}"}));
    EXPECT_TRUE(tx.Commit().has_value());
    return i.id;
  }

  // A patient@self user for the invited patient (or another pseudonym); returns their token.
  std::string PatientToken(const std::string& name, const std::string& pseudonym_hex) {
    security::AccountsOptions options;
    options.password_cost = security::PasswordCost::kMinimum;
    security::AuditLog audit(*store_);
    security::Accounts accounts(*store_, audit, options);
    security::NewUser user{
        name, {*security::ParseGrant("patient@self")}, std::nullopt, false, pseudonym_hex};
    EXPECT_TRUE(accounts.AddUser(user).has_value());
    return accounts.CreateToken(name, 30)->token;
  }

  static std::string PatientHex() {
    domain::Pseudonym p;
    p.bytes.fill(7);
    return p.Hex();
  }

  testing::ClientResponse Call(const std::string& method, std::string_view target,
                               const std::string& body = "", const std::string& bearer = "") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
    return testing::Client(server_->port()).Send(method, std::string(target), headers, body);
  }

  security::Pseudonymiser pseudonymiser_ = security::Pseudonymiser::FromSecret({});
  std::unique_ptr<storage::Store> store_;
  proms::InstrumentSet instruments_;
  int64_t invitation_ = 0;
  std::unique_ptr<SecurityGatekeeper> gatekeeper_;
  Metrics metrics_;
  Router router_;
  std::optional<Dispatcher> dispatcher_;
  std::unique_ptr<Server> server_;
};

TEST_F(PromsLink, ALinkOpensItsQuestionnaireWithoutAnAccountAndNamesNoPatient) {
  auto opened = Call("GET", kPath);
  ASSERT_EQ(opened.status, 200) << opened.body;
  json body = json::parse(opened.body);
  EXPECT_EQ(body["instrument"]["code"], "PAIN-NRS");
  EXPECT_EQ(body["time_point"], "6 months after your operation");
  ASSERT_EQ(body["items"].size(), 1u);
  EXPECT_EQ(body["items"][0]["kind"], "scale");
  EXPECT_EQ(body["items"][0]["max"], 10);
  EXPECT_EQ(opened.body.find("P1"), std::string::npos);
  EXPECT_EQ(opened.body.find(std::string(7, '0') + "7"), std::string::npos);
  EXPECT_EQ(opened.Header("Cache-Control"), "no-store");
}

TEST_F(PromsLink, AnAnswerOutsideTheScaleIsRefusedNamingTheItemAndTheRange) {
  auto refused = Call("POST", kPath, R"({"answers":{"pain":11}})");
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("pain"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("0..10"), std::string::npos) << refused.body;
  EXPECT_EQ(Call("POST", kPath, R"({"answers":{"pain":"three"}})").status, 400);
  EXPECT_EQ(Call("POST", kPath, "not json").status, 400);
  EXPECT_EQ(Call("POST", kPath, R"({"answers":{}})").status, 400);
  EXPECT_EQ(Call("GET", kPath).status, 200) << "a refused answer leaves the link open";
}

TEST_F(PromsLink, TheFirstAnswerIsScoredAndStoredAndTheLinkRefusesASecondUse) {
  auto answered = Call("POST", kPath, R"({"answers":{"pain":3}})");
  ASSERT_EQ(answered.status, 201) << answered.body;
  json body = json::parse(answered.body);
  EXPECT_EQ(body["status"], "answered");
  ASSERT_EQ(body["scores"].size(), 1u);
  EXPECT_EQ(body["scores"][0]["value"], 3.0);
  auto again = Call("POST", kPath, R"({"answers":{"pain":2}})");
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body.find("already been answered"), std::string::npos) << again.body;
  EXPECT_EQ(Call("GET", kPath).status, 409);
  auto responses = *store_->ListPromResponses("BCIR");
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].answers, "pain=3");
  EXPECT_EQ(responses[0].invitation, invitation_);
}

TEST_F(PromsLink, OpeningAndAnsweringAreAuditedByInvitationNumberNeverByToken) {
  ASSERT_EQ(Call("GET", kPath).status, 200);
  ASSERT_EQ(Call("POST", kPath, R"({"answers":{"pain":4}})").status, 201);
  security::AuditLog audit(*store_);
  auto entries = *audit.Query({});
  int found = 0;
  for (const auto& e : entries) {
    EXPECT_EQ(e.object.find(kToken), std::string::npos);
    if (e.object == "prom_invitation/" + std::to_string(invitation_)) {
      ++found;
      EXPECT_EQ(e.actor, "anonymous");
      EXPECT_EQ(e.action, "proms.invitation");
    }
  }
  EXPECT_EQ(found, 2);
  EXPECT_TRUE(security::Verify(*store_)->ok());
}

TEST_F(PromsLink, ThePatientAnswersADueQuestionnaireFromTheirPageAndSeesTheScoreOverTime) {
  const std::string token = PatientToken("pat", PatientHex());
  const std::string page = "/api/v1/patients/" + PatientHex() + "/proms";
  auto listed = Call("GET", page, "", token);
  ASSERT_EQ(listed.status, 200) << listed.body;
  json due = json::parse(listed.body)["due"];
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0]["invitation"], invitation_);
  EXPECT_EQ(due[0]["time_point"], "6 months after your operation");
  const std::string own = page + "/invitations/" + std::to_string(invitation_);
  EXPECT_EQ(Call("GET", own, "", token).status, 200);
  EXPECT_EQ(Call("GET", own).status, 404) << "not without signing in";
  auto answered = Call("POST", own, R"({"answers":{"pain":2}})", token);
  ASSERT_EQ(answered.status, 201) << answered.body;
  EXPECT_EQ(Call("GET", kPath).status, 409) << "the link is retired too";
  json after = json::parse(Call("GET", page, "", token).body);
  EXPECT_TRUE(after["due"].empty());
  ASSERT_EQ(after["scores"].size(), 1u);
  EXPECT_EQ(after["scores"][0]["higher_is_better"], false);
  ASSERT_EQ(after["scores"][0]["points"].size(), 1u);
  EXPECT_EQ(after["scores"][0]["points"][0]["value"], 2.0);
  EXPECT_EQ((*store_->ListPromResponses("BCIR"))[0].source, "patient-page");
}

TEST_F(PromsLink, AnotherPatientNeitherSeesNorAnswersTheQuestionnaire) {
  domain::Pseudonym other;
  other.bytes.fill(9);
  const std::string token = PatientToken("other", other.Hex());
  const std::string page = "/api/v1/patients/" + PatientHex() + "/proms";
  EXPECT_EQ(Call("GET", page, "", token).status, 404);
  const std::string own = page + "/invitations/" + std::to_string(invitation_);
  EXPECT_EQ(Call("POST", own, R"({"answers":{"pain":2}})", token).status, 404);
  const std::string theirs =
      "/api/v1/patients/" + other.Hex() + "/proms/invitations/" + std::to_string(invitation_);
  EXPECT_EQ(Call("POST", theirs, R"({"answers":{"pain":2}})", token).status, 404)
      << "an invitation of another patient under one's own pseudonym";
  EXPECT_TRUE(store_->ListPromResponses("BCIR")->empty());
}

TEST_F(PromsLink, GuessingTokensFromOneAddressIsSlowedWithRetryAfter) {
  int limited = 0;
  for (int i = 0; i < 12; ++i) {
    auto r = Call("GET", "/api/v1/proms/invitations/guess" + std::to_string(i));
    if (r.status == 429) {
      ++limited;
      EXPECT_EQ(r.Header("Retry-After"), "60");
    } else {
      EXPECT_EQ(r.status, 404);
    }
  }
  EXPECT_EQ(limited, 4);  // 8 a minute in this test
}

}  // namespace
}  // namespace orp::api
