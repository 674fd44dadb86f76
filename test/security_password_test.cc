// Accounts over a real SQLite store: TOTP codes accepted once, and password changes (by the
// signed-in person and by an administrator) with their policy, session endings and audit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "accounts_fixture.h"
#include "orp/security/secrets.h"
#include "orp/security/totp.h"

namespace orp::security {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kPassword = "correct horse battery staple";
constexpr std::string_view kNewPassword = "a different long passphrase";

class PasswordTest : public fixtures::AccountsFixture {
 protected:
  // Alice, a clinician; with TOTP, `seed_` is her raw seed.
  void AddAlice(bool totp) {
    auto created = accounts_->AddUser(
        {"alice", {*ParseGrant("clinician@1234567")}, std::string(kPassword), totp, ""});
    ASSERT_TRUE(created.has_value()) << created.error().ToString();
    if (totp) seed_ = *Base32Decode(created->totp_secret);
  }

  Result<Session> Login(std::string_view password, std::string code = "") {
    return accounts_->Login("alice", password, code, "192.0.2.10");
  }

  Result<void> Change(const Session& s, std::string_view current, std::string_view replacement,
                      std::string code = "") {
    return accounts_->ChangePassword({s.principal.user_id, s.id, std::string(current),
                                      std::string(replacement), std::move(code), "192.0.2.10"});
  }

  bool SignedIn(const Session& s) {
    return accounts_->Authenticate({"", s.id, "", "GET", "192.0.2.10"}).has_value();
  }

  std::string LastOutcome(std::string_view action) {
    std::string outcome;
    const std::vector<domain::AuditRecord> all = audit_->Query({}).value();
    for (const auto& r : all) {
      if (r.action == action) outcome = r.outcome;
    }
    return outcome;
  }

  std::string seed_;
};

TEST_F(PasswordTest, ATotpCodeSignsInOnceAndNoEarlierCodeAfterIt) {
  AddAlice(true);
  const std::string code = TotpCode(seed_, now_);
  ASSERT_TRUE(Login(kPassword, code).has_value());
  auto replayed = Login(kPassword, code);
  ASSERT_FALSE(replayed.has_value());
  EXPECT_EQ(replayed.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(LastOutcome("session.create"), "denied: second factor code already used");
  // The previous step's code is still inside the window, but older than the one used.
  EXPECT_FALSE(Login(kPassword, TotpCode(seed_, now_ - 30s)).has_value());
  now_ += 30s;
  EXPECT_TRUE(Login(kPassword, TotpCode(seed_, now_)).has_value());
}

TEST_F(PasswordTest, AWrongPasswordDoesNotUseUpTheCode) {
  AddAlice(true);
  const std::string code = TotpCode(seed_, now_);
  EXPECT_FALSE(Login("not the password", code).has_value());
  EXPECT_TRUE(Login(kPassword, code).has_value());
}

TEST_F(PasswordTest, ChangingThePasswordKeepsThisSessionAndEndsTheOthers) {
  AddAlice(false);
  Session here = *Login(kPassword);
  Session elsewhere = *Login(kPassword);
  ASSERT_TRUE(Change(here, kPassword, kNewPassword).has_value());
  EXPECT_TRUE(SignedIn(here));
  EXPECT_FALSE(SignedIn(elsewhere));
  EXPECT_FALSE(Login(kPassword).has_value());
  EXPECT_TRUE(Login(kNewPassword).has_value());
  EXPECT_TRUE((*store_->FindUser("alice"))->password_hash.starts_with("$argon2id$"));
  EXPECT_EQ(LastOutcome("user.password"), "ok: changed by the user; other sessions ended");
  auto report = Verify(*store_);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok()) << report->problem;
}

TEST_F(PasswordTest, AWrongCurrentPasswordIsRefusedAuditedAndCountsTowardsTheLock) {
  AddAlice(false);
  Session s = *Login(kPassword);
  for (int i = 0; i < 5; ++i) {
    auto refused = Change(s, "guess", kNewPassword);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  }
  EXPECT_EQ(LastOutcome("user.password"), "denied: wrong password");
  // Five failures lock the username: the right password is refused too, and sign-in as well.
  auto locked = Change(s, kPassword, kNewPassword);
  ASSERT_FALSE(locked.has_value());
  EXPECT_EQ(LastOutcome("user.password"), "denied: locked: too many failed sign-ins");
  EXPECT_FALSE(Login(kPassword).has_value());
  EXPECT_TRUE(SignedIn(s)) << "a refusal ends no session";
}

TEST_F(PasswordTest, TheNewPasswordMustMeetThePolicy) {
  AddAlice(false);
  Session s = *Login(kPassword);
  auto refused_as_invalid = [&](std::string_view replacement) {
    auto r = Change(s, kPassword, replacement);
    return !r && r.error().code() == ErrorCode::kInvalidArgument;
  };
  EXPECT_TRUE(refused_as_invalid("too short"));
  EXPECT_TRUE(refused_as_invalid("ALICE"));
  EXPECT_TRUE(refused_as_invalid(kPassword)) << "must differ from the current";
  EXPECT_TRUE(refused_as_invalid(std::string(kMaxPasswordLength + 1, 'x')));
  EXPECT_THAT(CheckPasswordPolicy("alice", "short").error().message(),
              testing::HasSubstr("at least 12 characters"));
  EXPECT_FALSE(CheckPasswordPolicy("alice.smith@x", " Alice.Smith@X ").has_value());
  EXPECT_TRUE(CheckPasswordPolicy("alice", std::string(kMinPasswordLength, 'x')).has_value());
  EXPECT_TRUE(Login(kPassword).has_value()) << "nothing was changed";
}

TEST_F(PasswordTest, WithASecondFactorAChangeNeedsAFreshCode) {
  AddAlice(true);
  const std::string code = TotpCode(seed_, now_);
  Session s = *Login(kPassword, code);
  EXPECT_FALSE(Change(s, kPassword, kNewPassword).has_value());
  EXPECT_EQ(LastOutcome("user.password"), "denied: missing second factor code");
  EXPECT_FALSE(Change(s, kPassword, kNewPassword, code).has_value());
  EXPECT_EQ(LastOutcome("user.password"), "denied: second factor code already used");
  now_ += 30s;
  EXPECT_TRUE(Change(s, kPassword, kNewPassword, TotpCode(seed_, now_)).has_value());
}

TEST_F(PasswordTest, AnAdministratorSetsAPasswordAndEveryOneOfTheSessionsEnds) {
  AddAlice(false);
  Session s = *Login(kPassword);
  EXPECT_EQ(accounts_->SetPassword("alice", "short").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(accounts_->SetPassword("nobody", kNewPassword).error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(accounts_->SetPassword("Alice", kNewPassword).has_value());
  EXPECT_FALSE(SignedIn(s));
  EXPECT_TRUE(Login(kNewPassword).has_value());
  EXPECT_EQ(LastOutcome("user.password"), "ok: set by an administrator; sessions ended");
}

}  // namespace
}  // namespace orp::security
