// Accounts over a real SQLite store: sign-in with password and TOTP, rate limits and lockout,
// sessions with idle and absolute expiry, CSRF, API tokens, disabling, and the audit trail of
// every attempt.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "accounts_fixture.h"
#include "orp/security/secrets.h"
#include "orp/security/totp.h"
#include "orp/storage/fault_injection.h"
#include "orp/storage/sqlite/sqlite_store.h"
#include "orp/storage/token_reads.h"

namespace orp::security {
namespace {

using testing::HasSubstr;
using namespace std::chrono_literals;

constexpr std::string_view kPassword = "correct horse battery staple";

class AccountsTest : public fixtures::AccountsFixture {
 protected:
  void Tune(AccountsOptions& options) override { options.max_failures_per_remote = 8; }

  CreatedUser Add(const std::string& name, const std::string& grant, bool totp = false) {
    auto created =
        accounts_->AddUser({name, {*ParseGrant(grant)}, std::string(kPassword), totp, ""});
    EXPECT_TRUE(created.has_value()) << created.error().ToString();
    return created.value_or(CreatedUser{});
  }

  Result<Session> LoginAlice(std::string_view password = kPassword, std::string code = "",
                             std::string_view remote = "192.0.2.10") {
    return accounts_->Login("alice", password, code, remote);
  }

  std::vector<domain::AuditRecord> Audit(const std::string& actor) {
    storage::AuditQuery q;
    q.actor = actor;
    return audit_->Query(q).value_or(std::vector<domain::AuditRecord>{});
  }
};

TEST_F(AccountsTest, SignInGivesASessionWhoseIdIsStoredOnlyAsItsHash) {
  Add("alice", "provider@RRK");
  auto session = LoginAlice();
  ASSERT_TRUE(session.has_value()) << session.error().ToString();
  EXPECT_EQ(session->id.size(), 52u);  // 256 bits in base32
  EXPECT_EQ(session->principal.username, "alice");
  EXPECT_EQ(session->principal.grants, (std::vector<Grant>{{Role::kProvider, "RRK"}}));
  EXPECT_FALSE(session->principal.is_system);
  EXPECT_EQ(session->expires_at, now_ + 8h);
  EXPECT_FALSE(store_->FindSession(session->id)->has_value());
  EXPECT_TRUE(store_->FindSession(Sha256Hex(session->id))->has_value());
  auto user = store_->FindUser("alice");
  EXPECT_TRUE((*user)->password_hash.starts_with("$argon2id$"));
  EXPECT_EQ((*user)->password_hash.find(kPassword), std::string::npos);
}

TEST_F(AccountsTest, EveryFailureGetsOneMessageAndAnAuditEntryWithoutThePassword) {
  Add("alice", "provider@RRK");
  auto wrong = LoginAlice("Tr0ub4dor&3");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kUnauthenticated);
  auto unknown = accounts_->Login("mallory", "Tr0ub4dor&3", "", "198.51.100.7");
  EXPECT_EQ(unknown.error(), wrong.error());  // nothing tells which part was wrong
  auto alice = Audit("alice");
  ASSERT_EQ(alice.size(), 1u);
  EXPECT_EQ(alice[0].action, "session.create");
  EXPECT_EQ(alice[0].object, "remote/192.0.2.10");
  EXPECT_EQ(alice[0].outcome, "denied: wrong password");
  EXPECT_EQ(Audit("mallory")[0].outcome, "denied: unknown username");
  std::vector<domain::AuditRecord> all = audit_->Query({}).value();
  for (const auto& r : all) {
    for (const std::string& field : {r.actor, r.role, r.action, r.object, r.purpose, r.outcome}) {
      EXPECT_EQ(field.find("Tr0ub4dor"), std::string::npos) << field;
    }
  }
}

TEST_F(AccountsTest, SecondFactorIsRequiredWhenTheAccountHasOne) {
  CreatedUser created = Add("alice", "clinician@1234567", /*totp=*/true);
  EXPECT_EQ(created.totp_secret.size(), 32u);
  EXPECT_THAT(created.otpauth_uri,
              HasSubstr("otpauth://totp/ORP:alice?secret=" + created.totp_secret));
  std::string seed = *Base32Decode(created.totp_secret);
  EXPECT_FALSE(LoginAlice(kPassword, "").has_value());
  std::string wrong = TotpCode(seed, now_ + 5min);
  EXPECT_FALSE(LoginAlice(kPassword, wrong).has_value());
  EXPECT_TRUE(LoginAlice(kPassword, TotpCode(seed, now_ - 30s)).has_value());
  auto outcomes = Audit("alice");
  ASSERT_EQ(outcomes.size(), 3u);  // user.create is by orp-cli
  EXPECT_EQ(outcomes[0].outcome, "denied: missing second factor code");
  EXPECT_EQ(outcomes[1].outcome, "denied: wrong second factor code");
  EXPECT_EQ(outcomes[2].outcome, "ok");
}

TEST_F(AccountsTest, FiveFailuresLockTheUsernameUntilTheWindowPasses) {
  Add("alice", "provider@RRK");
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(LoginAlice("nope").has_value());
  auto locked = LoginAlice();
  ASSERT_FALSE(locked.has_value());
  EXPECT_EQ(locked.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(Audit("alice").back().outcome,
            "denied: locked: too many failed sign-ins for this username");
  now_ += 16min;
  EXPECT_TRUE(LoginAlice().has_value());
}

TEST_F(AccountsTest, ASuccessfulSignInResetsTheUsernameCount) {
  Add("alice", "provider@RRK");
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(LoginAlice("nope").has_value());
  EXPECT_TRUE(LoginAlice().has_value());
  // From another address: the per-address count (8 here) does not reset on success.
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(LoginAlice("nope", "", "192.0.2.11").has_value());
  EXPECT_TRUE(LoginAlice(kPassword, "", "192.0.2.11").has_value());
}

TEST_F(AccountsTest, ManyFailuresFromOneAddressLockThatAddressForEveryone) {
  Add("alice", "provider@RRK");
  for (int i = 0; i < 8; ++i) {
    EXPECT_FALSE(accounts_->Login("user" + std::to_string(i), "x", "", "203.0.113.9"));
  }
  EXPECT_FALSE(LoginAlice(kPassword, "", "203.0.113.9").has_value());
  EXPECT_EQ(Audit("alice").back().outcome,
            "denied: locked: too many failed sign-ins from this address");
  EXPECT_TRUE(LoginAlice(kPassword, "", "192.0.2.99").has_value());
}

TEST_F(AccountsTest, SessionCookieAuthenticatesSafeMethodsAndUnsafeOnesWithTheCsrfToken) {
  Add("alice", "provider@RRK");
  Session s = *LoginAlice();
  auto get = accounts_->Authenticate({"", s.id, "", "GET", "192.0.2.10"});
  ASSERT_TRUE(get.has_value()) << get.error().ToString();
  EXPECT_EQ(get->username, "alice");
  auto post = accounts_->Authenticate({"", s.id, "", "POST", "192.0.2.10"});
  ASSERT_FALSE(post.has_value());
  EXPECT_EQ(post.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(post.error().message(), HasSubstr("X-CSRF-Token"));
  EXPECT_EQ(accounts_->Authenticate({"", s.id, "wrong", "DELETE", ""}).error().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(accounts_->Authenticate({"", s.id, s.csrf_token, "POST", ""}).has_value());
  // Another session's token does not do.
  Session other = *LoginAlice();
  EXPECT_FALSE(accounts_->Authenticate({"", s.id, other.csrf_token, "POST", ""}).has_value());
}

TEST_F(AccountsTest, SessionsEndWhenIdleOrOldAndActivityKeepsThemAlive) {
  Add("alice", "provider@RRK");
  Session s = *LoginAlice();
  Credentials get{"", s.id, "", "GET", ""};
  for (int i = 0; i < 4; ++i) {  // 4 × 25 min of activity: past the idle limit in total
    now_ += 25min;
    EXPECT_TRUE(accounts_->Authenticate(get).has_value()) << i;
  }
  now_ += 31min;
  auto idle = accounts_->Authenticate(get);
  ASSERT_FALSE(idle.has_value());
  EXPECT_EQ(idle.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(idle.error().message(), HasSubstr("idle"));

  Session fresh = *LoginAlice();
  Credentials again{"", fresh.id, "", "GET", ""};
  for (int i = 0; i < 20; ++i) {
    now_ += 25min;
    if (!accounts_->Authenticate(again)) break;
  }
  EXPECT_THAT(accounts_->Authenticate(again).error().message(), HasSubstr("expired"));
}

TEST_F(AccountsTest, SignOutEndsTheSession) {
  Add("alice", "provider@RRK");
  Session s = *LoginAlice();
  ASSERT_TRUE(accounts_->Logout(s.id).has_value());
  EXPECT_EQ(accounts_->Authenticate({"", s.id, "", "GET", ""}).error().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_TRUE(accounts_->Logout(s.id).has_value());  // again: nothing to do
}

TEST_F(AccountsTest, TokensAreShownOnceStoredAsHashesAndStopWhenRevokedOrExpired) {
  accounts_->AddUser({"feed-rrk", {{Role::kSubmitter, "RRK"}}, std::nullopt, false, ""});
  auto token = accounts_->CreateToken("feed-rrk", 30);
  ASSERT_TRUE(token.has_value()) << token.error().ToString();
  EXPECT_TRUE(token->token.starts_with("orp_"));
  EXPECT_EQ(token->token.size(), 4u + 52u);
  EXPECT_TRUE(store_->FindApiToken(Sha256Hex(token->token))->has_value());
  auto principal = accounts_->Authenticate({token->token, "", "", "POST", ""});
  ASSERT_TRUE(principal.has_value());
  EXPECT_TRUE(principal->is_system);
  EXPECT_EQ(principal->grants, (std::vector<Grant>{{Role::kSubmitter, "RRK"}}));

  auto second = accounts_->CreateToken("feed-rrk", 1);
  now_ += 25h;
  EXPECT_THAT(accounts_->Authenticate({second->token, "", "", "GET", ""}).error().message(),
              HasSubstr("expired"));
  ASSERT_TRUE(accounts_->RevokeToken(token->token_id).has_value());
  EXPECT_THAT(accounts_->Authenticate({token->token, "", "", "GET", ""}).error().message(),
              HasSubstr("revoked"));
  EXPECT_EQ(accounts_->RevokeToken(999).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(accounts_->ListTokens("feed-rrk")->size(), 2u);
  EXPECT_EQ(accounts_->Authenticate({"orp_nottoken", "", "", "GET", ""}).error().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(accounts_->CreateToken("feed-rrk", 0).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(accounts_->CreateToken("nobody", 5).error().code(), ErrorCode::kNotFound);
  // A system account has no password: it cannot sign in.
  EXPECT_FALSE(accounts_->Login("feed-rrk", "", "", "192.0.2.1").has_value());
}

TEST_F(AccountsTest, ABearerTokenWinsOverACookieAndNothingIsUnauthenticated) {
  Add("alice", "provider@RRK");
  accounts_->AddUser({"feed", {{Role::kSubmitter, "RXF"}}, std::nullopt, false, ""});
  Session s = *LoginAlice();
  auto token = accounts_->CreateToken("feed", 5);
  EXPECT_EQ(accounts_->Authenticate({token->token, s.id, "", "GET", ""})->username, "feed");
  EXPECT_EQ(accounts_->Authenticate({}).error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(AccountsTest, DisablingAUserEndsSessionsTokensAndSignIn) {
  Add("alice", "provider@RRK");
  Session s = *LoginAlice();
  auto token = accounts_->CreateToken("alice", 5);
  ASSERT_TRUE(accounts_->DisableUser("alice").has_value());
  EXPECT_FALSE(accounts_->Authenticate({"", s.id, "", "GET", ""}).has_value());
  EXPECT_FALSE(accounts_->Authenticate({token->token, "", "", "GET", ""}).has_value());
  EXPECT_FALSE(LoginAlice().has_value());
  EXPECT_EQ(Audit("alice").back().outcome, "denied: account disabled");
  EXPECT_EQ(accounts_->DisableUser("nobody").error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(accounts_->ListUsers()->front().disabled);
}

TEST_F(AccountsTest, NewUsersAreValidated) {
  Add("alice", "provider@RRK");
  EXPECT_EQ(accounts_->AddUser({"ALICE", {{Role::kAnalyst, ""}}, "pw", false, ""}).error().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(
      accounts_->AddUser({"bad name", {{Role::kAnalyst, ""}}, "pw", false, ""}).error().code(),
      ErrorCode::kInvalidArgument);
  EXPECT_THAT(accounts_->AddUser({"bob", {}, "pw", false, ""}).error().message(),
              HasSubstr("at least one role"));
  EXPECT_THAT(
      accounts_->AddUser({"pat", {{Role::kPatient, "self"}}, "pw", false, ""}).error().message(),
      HasSubstr("pseudonym"));
  EXPECT_THAT(
      accounts_->AddUser({"bob", {{Role::kProvider, ""}}, "pw", false, ""}).error().message(),
      HasSubstr("needs a scope"));
  auto patient =
      accounts_->AddUser({"pat", {{Role::kPatient, "self"}}, "pw", false, std::string(64, 'c')});
  ASSERT_TRUE(patient.has_value());
  EXPECT_EQ(accounts_->Login("pat", "pw", "", "")->principal.patient, std::string(64, 'c'));
}

TEST_F(AccountsTest, ASecondFactorCanBeRequiredForEveryoneButPatients) {
  AccountsOptions options;
  options.password_cost = PasswordCost::kMinimum;
  options.require_second_factor = true;
  Accounts strict(*store_, *audit_, options);
  auto refused = strict.AddUser({"carol", {{Role::kProvider, "RRK"}}, "pw", false, ""});
  ASSERT_FALSE(refused.has_value());
  EXPECT_THAT(refused.error().message(), HasSubstr("needs a second factor"));
  EXPECT_TRUE(strict.AddUser({"carol", {{Role::kProvider, "RRK"}}, "pw", true, ""}).has_value());
  EXPECT_TRUE(strict.AddUser({"feed", {{Role::kSubmitter, "RRK"}}, std::nullopt, false, ""}));
  EXPECT_TRUE(
      strict.AddUser({"pat", {{Role::kPatient, "self"}}, "pw", false, std::string(64, 'd')}));
}

TEST_F(AccountsTest, EveryAccountEventIsOnAChainThatVerifies) {
  Add("alice", "provider@RRK");
  (void)LoginAlice("nope");
  Session s = *LoginAlice();
  (void)accounts_->CreateToken("alice", 3);
  (void)accounts_->Logout(s.id);
  auto report = Verify(*store_);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok()) << report->problem;
  EXPECT_EQ(report->entries, 5);
}

// Each write of a sign-in (begin, attempt, session, audit entry, commit) fails in turn, for a
// right and a wrong password: the call fails and leaves no attempt or audit entry behind.
// The session check reads the session with its user in one statement where the store can
// (storage/token_reads.h: the SQL stores) and in two where it cannot (a wrapper such as the
// fault-injecting store); both keep every rule: a live session passes, a signed-out one is not
// valid, an expired one has expired, and a user disabled behind the session's back (the flag
// set in the store, the session left) is refused.
TEST(AccountsSessions, EverySessionRuleHoldsOnTheOneStatementAndTheTwoStatementReads) {
  for (bool one_statement : {true, false}) {
    domain::Instant now(std::chrono::seconds(1764160000));
    auto inner = storage::sqlite::OpenStore(":memory:");
    ASSERT_TRUE(inner.has_value());
    std::unique_ptr<storage::Store> store = std::move(*inner);
    if (!one_statement) store = std::make_unique<storage::FaultInjectingStore>(std::move(store), 0);
    EXPECT_EQ(storage::AsTokenReads(*store) != nullptr, one_statement);
    AccountsOptions options;
    options.password_cost = PasswordCost::kMinimum;
    options.clock = [&now] { return now; };
    AuditLog log(*store, [&now] { return now; });
    Accounts accounts(*store, log, options);
    auto alice = accounts.AddUser({"alice", {{Role::kAnalyst, ""}}, "pw", false, ""});
    ASSERT_TRUE(alice.has_value()) << alice.error().ToString();
    auto message = [&](const Session& s) {
      auto principal = accounts.Authenticate({"", s.id, "", "GET", ""});
      return principal ? std::string("ok") : principal.error().message();
    };
    Session live = *accounts.Login("alice", "pw", "", "192.0.2.1");
    Session signed_out = *accounts.Login("alice", "pw", "", "192.0.2.1");
    ASSERT_TRUE(accounts.Logout(signed_out.id).has_value());
    EXPECT_EQ(message(live), "ok") << one_statement;
    EXPECT_THAT(message(signed_out), HasSubstr("not valid")) << one_statement;
    now += options.session_lifetime + 1min;
    EXPECT_THAT(message(live), HasSubstr("expired")) << one_statement;
    now = domain::Instant(std::chrono::seconds(1764160000));
    auto user = store->FindUser("alice");
    ASSERT_TRUE(user && *user);
    auto txn = store->Begin();
    ASSERT_TRUE((*txn)->SetUserDisabled((*user)->id, true).has_value());
    ASSERT_TRUE((*txn)->Commit().has_value());
    EXPECT_THAT(message(live), HasSubstr("disabled")) << one_statement;
  }
}

TEST(AccountsFaults, AFailedWriteDuringSignInLeavesNothingBehind) {
  const auto at = domain::Instant(std::chrono::seconds(1764160000));
  for (int run = 0; run < 9; ++run) {
    const bool right = run < 5;
    const int fail_at = right ? run + 1 : run - 4;  // 5 writes when it succeeds, 4 when not
    auto inner = storage::sqlite::OpenStore(":memory:");
    ASSERT_TRUE(inner.has_value());
    AccountsOptions options;
    options.password_cost = PasswordCost::kMinimum;
    options.clock = [at] { return at; };
    {
      AuditLog log(**inner);
      Accounts setup(**inner, log, options);
      ASSERT_TRUE(setup.AddUser({"alice", {{Role::kAnalyst, ""}}, "pw", false, ""}).has_value());
    }
    storage::FaultInjectingStore store(std::move(*inner), fail_at);
    AuditLog log(store);
    Accounts accounts(store, log, options);
    auto login = accounts.Login("alice", right ? "pw" : "wrong", "", "192.0.2.1");
    ASSERT_FALSE(login.has_value()) << "fail_at " << fail_at;
    EXPECT_EQ(login.error().code(), ErrorCode::kUnavailable);
    EXPECT_EQ((*store.inner().LastAuditRecord())->seq, 1) << "only user.create";
    auto failures =
        store.inner().CountLoginFailures("alice", "192.0.2.1", at - std::chrono::hours(1));
    EXPECT_EQ(failures->by_remote, 0);
  }
}

TEST(SessionCookie, IsSecureHttpOnlyStrictAndScopedToTheSite) {
  domain::Instant now(std::chrono::seconds(1000));
  Session s{"abc", "csrf", now + 8h, {}};
  EXPECT_EQ(SessionCookie(s, now),
            "orp_session=abc; Path=/; Max-Age=28800; Secure; HttpOnly; SameSite=Strict");
  EXPECT_EQ(ExpiredSessionCookie(),
            "orp_session=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
  EXPECT_TRUE(IsSafeMethod("GET"));
  EXPECT_FALSE(IsSafeMethod("POST"));
  EXPECT_FALSE(IsSafeMethod("get"));
}

}  // namespace
}  // namespace orp::security
