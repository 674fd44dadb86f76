// The audit chain over a real SQLite file: appends chain and verify; an entry edited, deleted,
// inserted or reordered behind SQLite's back (the triggers dropped, as an attacker with the file
// would) is found, and Verify names the first bad seq.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "orp/security/audit.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp::security {
namespace {

using testing::HasSubstr;

class AuditChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::path(::testing::TempDir()) /
             ("orp-audit-" + std::to_string(getpid()) + "-" + std::to_string(++counter) + ".db"))
                .string();
    std::filesystem::remove(path_);
    Reopen();
  }
  void TearDown() override {
    log_.reset();
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  void Reopen() {
    log_.reset();
    store_.reset();
    auto store = storage::sqlite::OpenStore(path_);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    log_ = std::make_unique<AuditLog>(*store_, [this] { return now_; });
  }
  void AppendN(int n) {
    for (int i = 1; i <= n; ++i) {
      AuditEvent e;
      e.actor = i % 2 ? "alice" : "bob";
      e.role = "provider@RRK";
      e.action = "patient.implants.read";
      e.object = PatientObject(std::string(64, static_cast<char>('a' + i % 3)));
      e.request_id = "req-" + std::to_string(i);
      e.outcome = "ok";
      now_ += std::chrono::seconds(60);
      ASSERT_EQ(log_->Append(e), log_seq_ + 1);
      ++log_seq_;
    }
  }
  // Runs SQL on the file directly, around the store (the triggers dropped first).
  void Tamper(const std::string& sql) {
    log_.reset();
    store_.reset();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    std::string all =
        "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; " +
        sql;
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, all.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
    Reopen();
  }
  VerifyReport Check() {
    auto report = Verify(*store_);
    EXPECT_TRUE(report.has_value());
    return report.value_or(VerifyReport{});
  }

  std::string path_;
  domain::Instant now_ = domain::Instant(std::chrono::seconds(1764160000));
  int64_t log_seq_ = 0;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditChainTest, AnEmptyLogVerifies) {
  VerifyReport r = Check();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.entries, 0);
  EXPECT_EQ(r.head, "");
}

TEST_F(AuditChainTest, AppendedEntriesChainAndVerify) {
  AppendN(5);
  VerifyReport r = Check();
  EXPECT_TRUE(r.ok()) << r.problem;
  EXPECT_EQ(r.entries, 5);
  auto last = store_->LastAuditRecord();
  EXPECT_EQ(r.head, (*last)->hash);
  EXPECT_EQ((*last)->hash, AuditHash(**last));
  EXPECT_EQ((*last)->at, now_);
}

TEST_F(AuditChainTest, TheStoreRefusesUpdateAndDeleteOfTheLog) {
  AppendN(2);
  store_.reset();
  log_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit_log SET actor = 'x'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit_log", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

TEST_F(AuditChainTest, AnEditedFieldIsFoundAtItsSeq) {
  AppendN(5);
  Tamper("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3");
  VerifyReport r = Check();
  EXPECT_EQ(r.first_bad, 3);
  EXPECT_THAT(r.problem, HasSubstr("edited"));
}

TEST_F(AuditChainTest, AnEditedTimeOrOutcomeIsFound) {
  AppendN(4);
  Tamper("UPDATE audit_log SET at = at + 1 WHERE seq = 2");
  EXPECT_EQ(Check().first_bad, 2);
  Tamper("UPDATE audit_log SET at = at - 1 WHERE seq = 2; "
         "UPDATE audit_log SET outcome = 'denied' WHERE seq = 4");
  EXPECT_EQ(Check().first_bad, 4);
}

TEST_F(AuditChainTest, AnEntryEditedWithARecomputedHashBreaksTheNextLink) {
  AppendN(4);
  domain::AuditRecord two;
  ASSERT_TRUE(store_->ForEachAuditRecord(1, [&](const domain::AuditRecord& r) {
    two = r;
    return false;
  }));
  two.actor = "mallory";
  two.hash = AuditHash(two);  // the forger recomputes this entry's hash…
  Tamper("UPDATE audit_log SET actor = 'mallory', hash = '" + two.hash + "' WHERE seq = 2");
  VerifyReport r = Check();
  EXPECT_EQ(r.first_bad, 3);  // …but seq 3 still points at the old one
  EXPECT_THAT(r.problem, HasSubstr("prev_hash does not match the hash of seq 2"));
}

TEST_F(AuditChainTest, ADeletedEntryIsFoundAtTheNextSeq) {
  AppendN(5);
  Tamper("DELETE FROM audit_log WHERE seq = 2");
  VerifyReport r = Check();
  EXPECT_EQ(r.first_bad, 3);
  EXPECT_THAT(r.problem, HasSubstr("missing"));
}

TEST_F(AuditChainTest, DeletingTheFirstEntryIsFound) {
  AppendN(3);
  Tamper("DELETE FROM audit_log WHERE seq = 1");
  EXPECT_EQ(Check().first_bad, 2);
}

TEST_F(AuditChainTest, ReorderedEntriesAreFound) {
  AppendN(5);
  Tamper("UPDATE audit_log SET seq = 100 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE "
         "seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 100");
  VerifyReport r = Check();
  EXPECT_EQ(r.first_bad, 2);
}

TEST_F(AuditChainTest, AnInsertedEntryIsFound) {
  AppendN(4);
  // Make room after seq 2 and insert a forged entry that links to seq 2 correctly.
  domain::AuditRecord two;
  ASSERT_TRUE(store_->ForEachAuditRecord(1, [&](const domain::AuditRecord& r) {
    two = r;
    return false;
  }));
  domain::AuditRecord forged = two;
  forged.seq = 3;
  forged.actor = "mallory";
  forged.prev_hash = two.hash;
  forged.hash = AuditHash(forged);
  Tamper(
      "UPDATE audit_log SET seq = seq + 100 WHERE seq > 2; UPDATE audit_log SET seq = seq - 99 "
      "WHERE seq > 100; INSERT INTO audit_log (seq, at, actor, role, action, object, request_id, "
      "purpose, outcome, prev_hash, hash) VALUES (3, " +
      std::to_string(forged.at.time_since_epoch().count()) + ", 'mallory', '" + forged.role +
      "', '" + forged.action + "', '" + forged.object + "', '" + forged.request_id + "', '" +
      forged.purpose + "', '" + forged.outcome + "', '" + forged.prev_hash + "', '" +
      forged.hash + "')");
  // seq 3 is the forgery (valid on its own, linked to 2); seq 4 was 3 and fails.
  VerifyReport r = Check();
  EXPECT_EQ(r.first_bad, 4);
}

TEST_F(AuditChainTest, ConcurrentWritersKeepOneChain) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 25; ++i) {
        AuditEvent e;
        e.actor = "writer" + std::to_string(t);
        e.action = "submission.create";
        e.object = "submission/" + std::to_string(i);
        e.outcome = "ok";
        EXPECT_TRUE(log_->Append(e).has_value());
      }
    });
  }
  for (auto& th : threads) th.join();
  VerifyReport r = Check();
  EXPECT_TRUE(r.ok()) << r.problem;
  EXPECT_EQ(r.entries, 100);
}

TEST_F(AuditChainTest, QueriesFindAPersonAPatientAndATimeRange) {
  AppendN(6);
  storage::AuditQuery by_actor;
  by_actor.actor = "alice";
  EXPECT_EQ(log_->Query(by_actor)->size(), 3u);
  storage::AuditQuery by_patient;
  by_patient.object = PatientObject(std::string(64, 'b'));  // i = 1 and 4
  auto about = log_->Query(by_patient);
  ASSERT_EQ(about->size(), 2u);
  EXPECT_EQ((*about)[0].request_id, "req-1");
  storage::AuditQuery window;
  window.since = domain::Instant(std::chrono::seconds(1764160000 + 120));
  window.until = domain::Instant(std::chrono::seconds(1764160000 + 240));
  auto in_window = log_->Query(window);
  ASSERT_EQ(in_window->size(), 2u);
  EXPECT_EQ((*in_window)[0].seq, 2);
}

// RunAudited retries the whole transaction when the append finds the chain moved on (what a
// racing writer causes on PostgreSQL; SQLite serialises writers, so the test forces it).
TEST_F(AuditChainTest, AppendRetriesWhenTheChainMovedOn) {
  AppendN(1);
  int attempts = 0;
  auto done = RunAudited(*store_, [&](storage::Transaction& txn) -> Result<void> {
    ++attempts;
    domain::AuditRecord stale;  // the first attempt links to nothing: as if it read too early
    if (attempts == 1) {
      stale.seq = 2;
      stale.prev_hash = "stale";
      stale.hash = AuditHash(stale);
      auto appended = txn.AppendAudit(stale);
      if (!appended) return std::unexpected(appended.error());
      return {};
    }
    AuditEvent e;
    e.at = now_;
    e.actor = "retry";
    auto appended = AppendAudit(txn, e);
    if (!appended) return std::unexpected(appended.error());
    return {};
  });
  ASSERT_TRUE(done.has_value()) << done.error().ToString();
  EXPECT_EQ(attempts, 2);
  EXPECT_TRUE(Check().ok());
  EXPECT_EQ(Check().entries, 2);
}

}  // namespace
}  // namespace orp::security
