// api::SecurityGatekeeper over a real SQLite store with real accounts: what the API's seam
// answers when security/ decides (tokens, sessions, the policy per grant and per row, audit).
#include <gtest/gtest.h>

#include "orp/api/security_gatekeeper.h"
#include "orp/security/accounts.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp::api {
namespace {

using security::Principal;

class SecurityGatekeeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::sqlite::OpenStore(":memory:");
    ASSERT_TRUE(store.has_value());
    store_ = std::move(*store);
    security::AccountsOptions options;
    options.password_cost = security::PasswordCost::kMinimum;
    gatekeeper_ = std::make_unique<SecurityGatekeeper>(*store_, options);
    audit_ = std::make_unique<security::AuditLog>(*store_);
    accounts_ = std::make_unique<security::Accounts>(*store_, *audit_, options);
  }

  // A user with one grant and a password; returns an API token for them.
  std::string AddUser(const std::string& name, const std::string& grant) {
    auto added = accounts_->AddUser(
        {name, {*security::ParseGrant(grant)}, std::string("demo password 1"), false, ""});
    EXPECT_TRUE(added.has_value()) << added.error().ToString();
    auto token = accounts_->CreateToken(name, 30);
    EXPECT_TRUE(token.has_value());
    return token ? token->token : "";
  }

  Principal As(const std::string& token) {
    RequestCredentials c;
    c.bearer_token = token;
    c.method = "GET";
    auto principal = gatekeeper_->Authenticate(c);
    EXPECT_TRUE(principal.has_value()) << principal.error().ToString();
    return principal.value_or(Principal{});
  }

  static ResourceScope Collection() {
    ResourceScope scope;
    scope.collection = true;
    return scope;
  }
  static ResourceScope OfOrganisation(std::string ods) {
    ResourceScope scope;
    scope.organisations.push_back(std::move(ods));
    return scope;
  }

  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<SecurityGatekeeper> gatekeeper_;
  std::unique_ptr<security::AuditLog> audit_;
  std::unique_ptr<security::Accounts> accounts_;
};

TEST_F(SecurityGatekeeperTest, NoCredentialsIsAnonymousAndABadTokenIsUnauthenticated) {
  auto anonymous = gatekeeper_->Authenticate({});
  ASSERT_TRUE(anonymous.has_value());
  EXPECT_TRUE(anonymous->anonymous());
  RequestCredentials forged;
  forged.bearer_token = "orp_not-a-token";
  EXPECT_EQ(gatekeeper_->Authenticate(forged).error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(SecurityGatekeeperTest, OnlyHealthAndSignInArePublic) {
  Principal nobody;
  EXPECT_EQ(gatekeeper_->Authorize(nobody, "health.read", Collection()), Decision::kAllow);
  EXPECT_EQ(gatekeeper_->Authorize(nobody, "session.create", Collection()), Decision::kAllow);
  EXPECT_EQ(gatekeeper_->Authorize(nobody, "procedure.read", Collection()), Decision::kDeny);
  EXPECT_EQ(gatekeeper_->Authorize(nobody, "udi.parse", Collection()), Decision::kDeny);
  EXPECT_EQ(gatekeeper_->Authorize(nobody, "no.such.action", Collection()), Decision::kDeny);
}

TEST_F(SecurityGatekeeperTest, AProviderListsOnlyItsOwnOrganisationsRows) {
  Principal rxf = As(AddUser("rxf-user", "provider@RXF"));
  EXPECT_EQ(gatekeeper_->Authorize(rxf, "procedure.read", Collection()), Decision::kAllow);
  EXPECT_EQ(gatekeeper_->Authorize(rxf, "procedure.read", OfOrganisation("RXF")), Decision::kAllow);
  EXPECT_EQ(gatekeeper_->Authorize(rxf, "procedure.read", OfOrganisation("NT4")), Decision::kDeny);
  EXPECT_EQ(gatekeeper_->Authorize(rxf, "metrics.read", Collection()), Decision::kDeny);
}

TEST_F(SecurityGatekeeperTest, AnAnalystReadsNationallyButCannotSubmit) {
  Principal analyst = As(AddUser("ana", "analyst"));
  EXPECT_EQ(gatekeeper_->Authorize(analyst, "procedure.read", OfOrganisation("NT4")),
            Decision::kAllow);
  EXPECT_EQ(gatekeeper_->Authorize(analyst, "submission.create", Collection()), Decision::kDeny);
  Principal submitter = As(AddUser("sys", "submitter@RXF"));
  EXPECT_EQ(gatekeeper_->Authorize(submitter, "submission.create", Collection()), Decision::kAllow);
  EXPECT_EQ(gatekeeper_->Authorize(submitter, "submission.create", OfOrganisation("NT4")),
            Decision::kDeny);
}

TEST_F(SecurityGatekeeperTest, SignInMakesASessionThatAuthenticatesWithItsCsrfToken) {
  AddUser("alice", "provider@RXF");
  EXPECT_EQ(gatekeeper_->SignIn({"alice", "wrong", "", "192.0.2.1"}).error().code(),
            ErrorCode::kUnauthenticated);
  auto signed_in = gatekeeper_->SignIn({"alice", "demo password 1", "", "192.0.2.1"});
  ASSERT_TRUE(signed_in.has_value()) << signed_in.error().ToString();
  EXPECT_TRUE(signed_in->set_cookie.starts_with("orp_session="));
  std::string cookie = signed_in->set_cookie.substr(12, signed_in->set_cookie.find(';') - 12);
  RequestCredentials c{"", cookie, "", "POST", "192.0.2.1"};
  EXPECT_EQ(gatekeeper_->Authenticate(c).error().code(), ErrorCode::kPermissionDenied);
  c.csrf_token = signed_in->csrf_token;
  auto principal = gatekeeper_->Authenticate(c);
  ASSERT_TRUE(principal.has_value());
  EXPECT_EQ(principal->username, "alice");
  ASSERT_TRUE(gatekeeper_->SignOut(cookie).has_value());
  c.method = "GET";
  EXPECT_FALSE(gatekeeper_->Authenticate(c).has_value());
}

TEST_F(SecurityGatekeeperTest, RecordsReadsOfIdentifiableDataInTheAuditChain) {
  Principal rxf = As(AddUser("rxf-user", "provider@RXF"));
  ASSERT_TRUE(gatekeeper_->Record(rxf, {"patient.implants.read", "patient/abc", "req-9", "ok"})
                  .has_value());
  auto last = store_->LastAuditRecord();
  ASSERT_TRUE(last.has_value() && last->has_value());
  EXPECT_EQ((*last)->action, "patient.implants.read");
  EXPECT_EQ((*last)->object, "patient/abc");
  EXPECT_EQ((*last)->request_id, "req-9");
  EXPECT_EQ((*last)->actor, "rxf-user");
  EXPECT_EQ((*last)->role, "provider@RXF");
  // A refused request for reference data is not worth an entry; one for patient data is.
  int64_t seq = (*last)->seq;
  ASSERT_TRUE(gatekeeper_->Record(rxf, {"udi.parse", "route x", "req-10", "denied"}).has_value());
  EXPECT_EQ((*store_->LastAuditRecord())->seq, seq);
  ASSERT_TRUE(
      gatekeeper_->Record(rxf, {"procedure.read", "route y", "req-11", "denied"}).has_value());
  EXPECT_EQ((*store_->LastAuditRecord())->seq, seq + 1);
}

}  // namespace
}  // namespace orp::api
