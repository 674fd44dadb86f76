// Conformance: users, sessions, API tokens, sign-in attempts and audit queries (security, #5).
#include <gmock/gmock.h>

#include "orp/storage/conformance_test.h"

namespace orp::storage::conformance {
namespace {

domain::Instant At(int64_t seconds) { return domain::Instant(std::chrono::seconds(seconds)); }

UserRecord SampleUser(const std::string& name) {
  return UserRecord{0,
                    name,
                    "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA",
                    "JBSWY3DPEHPK3PXP",
                    "",
                    false,
                    At(1764160000),
                    {"provider@RRK", "analyst"}};
}

int64_t AddUserCommitted(Store& store, const UserRecord& user) {
  auto txn = store.Begin();
  EXPECT_TRUE(txn.has_value());
  auto id = (*txn)->AddUser(user);
  EXPECT_TRUE(id.has_value());
  EXPECT_TRUE((*txn)->Commit().has_value());
  return id.value_or(0);
}

template <typename F>
void Commit(Store& store, F write) {
  auto txn = store.Begin();
  ASSERT_TRUE(txn.has_value());
  write(**txn);
  ASSERT_TRUE((*txn)->Commit().has_value());
}

TEST_P(StoreConformance, UserRoundTripsWithGrantsInOrder) {
  UserRecord user = SampleUser("alice");
  user.id = AddUserCommitted(*store_, user);
  EXPECT_GT(user.id, 0);
  EXPECT_EQ(*store_->FindUser("alice"), user);
  EXPECT_EQ(*store_->FindUserById(user.id), user);
  EXPECT_FALSE(store_->FindUser("bob")->has_value());
  AddUserCommitted(*store_, SampleUser("aaron"));
  auto all = store_->ListUsers();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].username, "aaron");
  EXPECT_EQ((*all)[1].grants, user.grants);
}

// The user and its grants are one statement (a LEFT JOIN): a user without grants is still found.
TEST_P(StoreConformance, UserWithoutGrantsIsFoundWithNone) {
  UserRecord user = SampleUser("carol");
  user.grants.clear();
  user.id = AddUserCommitted(*store_, user);
  auto found = store_->FindUserById(user.id);
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ(**found, user);
  EXPECT_TRUE((*found)->grants.empty());
}

TEST_P(StoreConformance, TakenUsernameIsAlreadyExistsAndRollsBack) {
  AddUserCommitted(*store_, SampleUser("alice"));
  auto txn = store_->Begin();
  ASSERT_TRUE(txn.has_value());
  auto again = (*txn)->AddUser(SampleUser("alice"));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
}

TEST_P(StoreConformance, DisablingAUserIsStoredAndAnUnknownUserIsNotFound) {
  int64_t id = AddUserCommitted(*store_, SampleUser("alice"));
  Commit(*store_, [&](Transaction& t) { ASSERT_TRUE(t.SetUserDisabled(id, true).has_value()); });
  EXPECT_TRUE((*store_->FindUser("alice"))->disabled);
  auto txn = store_->Begin();
  EXPECT_EQ((*txn)->SetUserDisabled(id + 100, true).error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreConformance, SessionsAreFoundByHashTouchedAndDeleted) {
  int64_t id = AddUserCommitted(*store_, SampleUser("alice"));
  SessionRecord s{"ab12", id, "csrf", At(100), At(100), At(1000), "192.0.2.1"};
  SessionRecord other{"cd34", id, "csrf2", At(100), At(100), At(1000), "192.0.2.1"};
  Commit(*store_, [&](Transaction& t) {
    ASSERT_TRUE(t.AddSession(s).has_value());
    ASSERT_TRUE(t.AddSession(other).has_value());
  });
  EXPECT_EQ(*store_->FindSession("ab12"), s);
  Commit(*store_, [&](Transaction& t) { ASSERT_TRUE(t.TouchSession("ab12", At(160))); });
  EXPECT_EQ((*store_->FindSession("ab12"))->last_seen_at, At(160));
  Commit(*store_, [&](Transaction& t) { ASSERT_TRUE(t.DeleteSession("ab12").has_value()); });
  EXPECT_FALSE(store_->FindSession("ab12")->has_value());
  EXPECT_TRUE(store_->FindSession("cd34")->has_value());
  Commit(*store_, [&](Transaction& t) { ASSERT_TRUE(t.DeleteSessionsOf(id).has_value()); });
  EXPECT_FALSE(store_->FindSession("cd34")->has_value());
  auto txn = store_->Begin();
  EXPECT_EQ((*txn)->DeleteSession("ab12").error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreConformance, ApiTokensAreFoundByHashAndRevokedOnce) {
  int64_t id = AddUserCommitted(*store_, SampleUser("alice"));
  ApiTokenRecord token{0, id, "feed", At(100), At(9000), std::nullopt};
  Commit(*store_, [&](Transaction& t) {
    auto added = t.AddApiToken(token);
    ASSERT_TRUE(added.has_value());
    token.id = *added;
  });
  EXPECT_EQ(*store_->FindApiToken("feed"), token);
  Commit(*store_, [&](Transaction& t) { ASSERT_TRUE(t.RevokeApiToken(token.id, At(200))); });
  Commit(*store_, [&](Transaction& t) { ASSERT_TRUE(t.RevokeApiToken(token.id, At(300))); });
  EXPECT_EQ((*store_->FindApiToken("feed"))->revoked_at, At(200));
  auto tokens = store_->ApiTokensOf(id);
  ASSERT_TRUE(tokens.has_value());
  ASSERT_EQ(tokens->size(), 1u);
  auto txn = store_->Begin();
  EXPECT_EQ((*txn)->RevokeApiToken(token.id + 5, At(1)).error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreConformance, LoginFailuresCountSinceTheLastSuccessAndPerAddress) {
  Commit(*store_, [&](Transaction& t) {
    ASSERT_TRUE(t.RecordLoginAttempt({At(10), "alice", "192.0.2.1", false}));
    ASSERT_TRUE(t.RecordLoginAttempt({At(20), "alice", "192.0.2.1", true}));
    ASSERT_TRUE(t.RecordLoginAttempt({At(30), "alice", "192.0.2.2", false}));
    ASSERT_TRUE(t.RecordLoginAttempt({At(40), "alice", "192.0.2.1", false}));
    ASSERT_TRUE(t.RecordLoginAttempt({At(50), "bob", "192.0.2.1", false}));
  });
  auto all = store_->CountLoginFailures("alice", "192.0.2.1", At(0));
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->by_username, 2);  // 30 and 40: 10 came before the success at 20
  EXPECT_EQ(all->by_remote, 3);    // 10, 40 and bob's 50
  auto recent = store_->CountLoginFailures("alice", "192.0.2.1", At(35));
  EXPECT_EQ(recent->by_username, 1);
  EXPECT_EQ(recent->by_remote, 2);
  EXPECT_EQ(store_->CountLoginFailures("carol", "198.51.100.9", At(0))->by_username, 0);
}

AuditRecord Entry(int64_t seq, int64_t at, const std::string& actor, const std::string& object,
                  const std::string& prev) {
  return AuditRecord{seq,
                     At(at),
                     actor,
                     "admin",
                     "audit.read",
                     object,
                     "r",
                     "",
                     "ok",
                     prev,
                     "h" + std::to_string(seq)};
}

TEST_P(StoreConformance, AuditQueriesFilterByActorObjectAndTime) {
  Commit(*store_, [&](Transaction& t) {
    ASSERT_EQ(t.AppendAudit(Entry(1, 100, "alice", "patient/aa", "")), 1);
    ASSERT_EQ(t.AppendAudit(Entry(2, 200, "bob", "patient/aa", "h1")), 2);
    ASSERT_EQ(t.AppendAudit(Entry(3, 300, "alice", "patient/bb", "h2")), 3);
  });
  auto seqs = [&](const AuditQuery& q) {
    std::vector<int64_t> out;
    EXPECT_TRUE(store_->ForEachAuditRecordWhere(q, [&](const AuditRecord& r) {
      out.push_back(r.seq);
      return true;
    }));
    return out;
  };
  using testing::ElementsAre;
  auto q = [](std::string actor, std::string object, std::optional<domain::Instant> since,
              std::optional<domain::Instant> until, int64_t limit) {
    return AuditQuery{std::move(actor), std::move(object), since, until, limit};
  };
  EXPECT_THAT(seqs(q("", "", {}, {}, 0)), ElementsAre(1, 2, 3));
  EXPECT_THAT(seqs(q("alice", "", {}, {}, 0)), ElementsAre(1, 3));
  EXPECT_THAT(seqs(q("", "patient/aa", {}, {}, 0)), ElementsAre(1, 2));
  EXPECT_THAT(seqs(q("", "", At(200), {}, 0)), ElementsAre(2, 3));
  EXPECT_THAT(seqs(q("", "", {}, At(200), 0)), ElementsAre(1));
  EXPECT_THAT(seqs(q("alice", "", At(150), At(301), 0)), ElementsAre(3));
  EXPECT_THAT(seqs(q("", "", {}, {}, 2)), ElementsAre(1, 2));
}

TEST_P(StoreConformance, AuditSeqHasNoGapAfterARolledBackAppend) {
  Commit(*store_, [&](Transaction& t) { ASSERT_EQ(t.AppendAudit(Entry(1, 1, "a", "x", "")), 1); });
  {
    auto txn = store_->Begin();
    ASSERT_EQ((*txn)->AppendAudit(Entry(2, 2, "a", "x", "h1")), 2);
  }  // rolled back
  Commit(*store_,
         [&](Transaction& t) { ASSERT_EQ(t.AppendAudit(Entry(2, 3, "a", "x", "h1")), 2); });
}

// Password changes (security, #5): the hash is replaced and the other sessions end.
TEST_P(StoreConformance, SetUserPasswordReplacesTheHashAndOtherSessionsCanBeEnded) {
  int64_t id = AddUserCommitted(*store_, SampleUser("alice"));
  int64_t bob = AddUserCommitted(*store_, SampleUser("bob"));
  Commit(*store_, [&](Transaction& t) {
    for (const char* hash : {"keep", "drop1", "drop2"}) {
      ASSERT_TRUE(t.AddSession({hash, id, "c", At(1), At(1), At(9), "r"}).has_value());
    }
    ASSERT_TRUE(t.AddSession({"bobs", bob, "c", At(1), At(1), At(9), "r"}).has_value());
  });
  Commit(*store_, [&](Transaction& t) {
    ASSERT_TRUE(t.SetUserPassword(id, "$argon2id$new").has_value());
    ASSERT_TRUE(t.DeleteSessionsOfExcept(id, "keep").has_value());
  });
  EXPECT_EQ((*store_->FindUser("alice"))->password_hash, "$argon2id$new");
  EXPECT_EQ((*store_->FindUser("bob"))->password_hash, SampleUser("bob").password_hash);
  EXPECT_TRUE(store_->FindSession("keep")->has_value());
  EXPECT_FALSE(store_->FindSession("drop1")->has_value());
  EXPECT_FALSE(store_->FindSession("drop2")->has_value());
  EXPECT_TRUE(store_->FindSession("bobs")->has_value()) << "another user's session stays";
  Commit(*store_,
         [&](Transaction& t) { ASSERT_TRUE(t.DeleteSessionsOfExcept(id, "").has_value()); });
  EXPECT_FALSE(store_->FindSession("keep")->has_value());
  auto txn = store_->Begin();
  EXPECT_EQ((*txn)->SetUserPassword(id + 100, "x").error().code(), ErrorCode::kNotFound);
}

// TOTP replay (security, #5): a step is claimed once, and never an earlier one after it.
TEST_P(StoreConformance, ATotpStepIsClaimedOnceAndNoEarlierStepAfterIt) {
  int64_t id = AddUserCommitted(*store_, SampleUser("alice"));
  int64_t bob = AddUserCommitted(*store_, SampleUser("bob"));
  auto claim = [&](int64_t user, int64_t step) {
    auto txn = store_->Begin();
    EXPECT_TRUE(txn.has_value());
    auto claimed = (*txn)->ClaimTotpStep(user, step);
    EXPECT_TRUE(claimed.has_value()) << claimed.error().ToString();
    EXPECT_TRUE((*txn)->Commit().has_value());
    return claimed.value_or(false);
  };
  EXPECT_TRUE(claim(id, 58805333));
  EXPECT_FALSE(claim(id, 58805333)) << "the same code again";
  EXPECT_FALSE(claim(id, 58805332)) << "an earlier code still in the window";
  EXPECT_TRUE(claim(bob, 58805333)) << "another user's steps are their own";
  EXPECT_TRUE(claim(id, 58805334));
  {
    auto txn = store_->Begin();
    EXPECT_TRUE(*(*txn)->ClaimTotpStep(id, 58805335));
  }  // rolled back: the step is not used up
  EXPECT_TRUE(claim(id, 58805335));
  auto txn = store_->Begin();
  EXPECT_EQ((*txn)->ClaimTotpStep(id + 100, 1).error().code(), ErrorCode::kNotFound);
}

// Paging (security, #5): after_id and limit read a keyed range, with each procedure's implants.
TEST_P(StoreConformance, AfterIdAndLimitReadAKeyedRangeOfProceduresWithTheirImplants) {
  PatientId a = AddPatient(SamplePatient(1));
  Procedure nrhi = SampleProcedure("N1", a);
  nrhi.registry = "NRHI";
  Submit("k1", {SampleProcedure("B1", a), nrhi, SampleProcedure("B2", a), SampleProcedure("B3", a),
                SampleProcedure("B4", a)});
  const int64_t b1 = store_->FindProcedure("BCIR", "B1")->value().id.value;
  const int64_t b3 = store_->FindProcedure("BCIR", "B3")->value().id.value;
  auto refs = [&](const ProcedureFilter& filter) {
    std::vector<std::string> out;
    int implants = 0;
    EXPECT_TRUE(store_
                    ->ForEachProcedure(filter,
                                       [&](const Procedure& p) {
                                         out.push_back(p.registry + "/" + p.procedure_ref);
                                         implants += static_cast<int>(p.implants.size());
                                         return true;
                                       })
                    .has_value());
    EXPECT_EQ(implants, static_cast<int>(out.size())) << "one implant each, none lost";
    return out;
  };
  using testing::ElementsAre;
  EXPECT_THAT(refs({"BCIR", 0, b1, 2}), ElementsAre("BCIR/B2", "BCIR/B3"));
  EXPECT_THAT(refs({"", 0, b1, 2}), ElementsAre("NRHI/N1", "BCIR/B2"));
  EXPECT_THAT(refs({"BCIR", 0, b3, 0}), ElementsAre("BCIR/B4"));
  EXPECT_THAT(refs({"BCIR", 0, 0, 1}), ElementsAre("BCIR/B1"));
  EXPECT_TRUE(refs({"BCIR", 0, b3 + 10, 5}).empty());
}

}  // namespace
}  // namespace orp::storage::conformance
