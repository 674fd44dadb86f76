// Several servers on one database (issue #10): each Store here has its own connections, as
// separate `orp serve` processes would, and they race on idempotency keys, the audit chain and
// the change sequence.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "orp/storage/conformance_test.h"
#include "orp/storage/postgres/postgres_store.h"
#include "orp/storage/postgres/test_schema.h"

namespace orp::storage::postgres {
namespace {

using storage::conformance::SamplePatient;
using storage::conformance::SampleProcedure;

// Two stores ("servers") on one fresh schema.
struct TwoServers {
  std::unique_ptr<Store> a;
  std::unique_ptr<Store> b;
};

TwoServers OpenTwo() {
  auto url = testing::FreshSchemaUrl();
  EXPECT_TRUE(url.has_value()) << url.error().ToString();
  auto a = OpenStore(*url);
  auto b = OpenStore(*url);
  EXPECT_TRUE(a.has_value() && b.has_value());
  return {std::move(*a), std::move(*b)};
}

Result<void> FinishOne(Transaction& txn, const std::string& ref, const std::string& receipt) {
  auto patient = txn.PutPatient(SamplePatient(1));
  if (!patient) return std::unexpected(patient.error());
  Procedure p = SampleProcedure(ref, *patient);
  ORP_RETURN_IF_ERROR(txn.PutProcedure(p));
  ORP_RETURN_IF_ERROR(
      txn.FinishSubmission({domain::SubmissionStatus::kAccepted, 1, 1, 0, receipt}));
  return txn.Commit();
}

// Server B asks for the key server A holds open: B waits, then gets A's receipt verbatim.
TEST(PostgresConcurrency, TwoServersRacingOnOneKeyMakeOneSubmission) {
  TwoServers servers = OpenTwo();
  auto first = servers.a->BeginSubmission({"race-key", "RRK", "BCIR", {}});
  ASSERT_TRUE(first.has_value() && first->transaction) << first.error().ToString();
  auto second = std::async(std::launch::async, [&] {
    return servers.b->BeginSubmission({"race-key", "RRK", "BCIR", {}});
  });
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
      << "the second server must wait for the first";
  ASSERT_TRUE(FinishOne(*first->transaction, "P1", "{\"winner\":\"a\"}").has_value());
  auto lost = second.get();
  ASSERT_TRUE(lost.has_value()) << lost.error().ToString();
  EXPECT_EQ(lost->transaction, nullptr);
  ASSERT_TRUE(lost->duplicate_of.has_value());
  EXPECT_EQ(lost->duplicate_of->id, first->transaction->submission());
  EXPECT_EQ(lost->duplicate_of->receipt_json, "{\"winner\":\"a\"}");
  EXPECT_EQ(servers.b->CountRows()->at("submissions"), 1);
  EXPECT_EQ(servers.b->CountRows()->at("procedures"), 1);
}

// When the holder rolls back, the waiting server owns the key.
TEST(PostgresConcurrency, AWaitingServerTakesTheKeyWhenTheFirstRollsBack) {
  TwoServers servers = OpenTwo();
  auto first = servers.a->BeginSubmission({"k", "RRK", "BCIR", {}});
  ASSERT_TRUE(first.has_value() && first->transaction);
  auto second = std::async(std::launch::async, [&] {
    return servers.b->BeginSubmission({"k", "RRK", "BCIR", {}});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  first->transaction.reset();  // rolls back
  auto won = second.get();
  ASSERT_TRUE(won.has_value()) << won.error().ToString();
  ASSERT_NE(won->transaction, nullptr);
  ASSERT_TRUE(FinishOne(*won->transaction, "P1", "{}").has_value());
  EXPECT_EQ(servers.a->FindSubmissionByKey("k")->value().id, won->transaction->submission());
}

// Many threads on two servers, half the keys shared: one submission per key, none lost.
TEST(PostgresConcurrency, ConcurrentSubmissionsOnSharedKeysAllLandOnce) {
  TwoServers servers = OpenTwo();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Store& store = t % 2 ? *servers.b : *servers.a;
      for (int i = 0; i < 10; ++i) {
        std::string key =
            i % 2 ? std::to_string(t) + "-" + std::to_string(i) : "shared-" + std::to_string(i);
        auto start = store.BeginSubmission({key, "RRK", "BCIR", {}});
        if (!start) {
          ++failures;
          continue;
        }
        if (!start->transaction) continue;
        if (!FinishOne(*start->transaction, "P" + key, "{}")) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  // 5 shared even keys + 4 threads x 5 odd keys.
  EXPECT_EQ(servers.a->CountRows()->at("submissions"), 5 + 4 * 5);
  EXPECT_EQ(servers.a->CountRows()->at("procedures"), 5 + 4 * 5);
}

// Writers on two servers append to the audit log at once, each retrying when another appended
// first (kFailedPrecondition): the result is one linear chain with no gap and no fork.
TEST(PostgresConcurrency, ConcurrentAppendAuditKeepsOneLinearChain) {
  TwoServers servers = OpenTwo();
  constexpr int kThreads = 4;
  constexpr int kEach = 15;
  std::atomic<int> errors{0};
  std::atomic<int> retries{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& store = t % 2 ? *servers.b : *servers.a;
      for (int i = 0; i < kEach; ++i) {
        while (true) {
          auto txn = store.Begin();
          if (!txn) {
            ++errors;
            break;
          }
          auto last = (*txn)->LastAuditRecord();
          AuditRecord r;
          r.actor = "writer-" + std::to_string(t);
          r.prev_hash = last && *last ? (**last).hash : "";
          r.hash = r.actor + "/" + std::to_string(i);
          auto appended = (*txn)->AppendAudit(r);
          if (appended && (*txn)->Commit()) break;
          if (!appended && appended.error().code() == ErrorCode::kFailedPrecondition) {
            ++retries;
            continue;
          }
          ++errors;
          break;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  std::vector<AuditRecord> chain;
  ASSERT_TRUE(servers.a->ForEachAuditRecord(0, [&](const AuditRecord& r) {
    chain.push_back(r);
    return true;
  }));
  ASSERT_EQ(chain.size(), size_t{kThreads * kEach});
  for (size_t i = 0; i < chain.size(); ++i) {
    EXPECT_EQ(chain[i].seq, int64_t(i + 1));
    EXPECT_EQ(chain[i].prev_hash, i == 0 ? "" : chain[i - 1].hash) << "fork at seq " << i + 1;
  }
  RecordProperty("retries", retries.load());
}

// A transaction that has written registry rows holds the change sequence until it ends, so a
// reader never sees a number whose transaction is still open while an earlier one is.
TEST(PostgresConcurrency, ChangeNumbersFollowCommitOrder) {
  TwoServers servers = OpenTwo();
  auto first = servers.a->Begin();
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE((*first)->PutPatient(SamplePatient(1)).has_value());
  auto second = std::async(std::launch::async, [&]() -> Result<int64_t> {
    auto txn = servers.b->Begin();
    if (!txn) return std::unexpected(txn.error());
    auto put = (*txn)->PutPatient(SamplePatient(2));
    if (!put) return std::unexpected(put.error());
    ORP_RETURN_IF_ERROR((*txn)->Commit());
    return servers.b->LastChange();
  });
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  EXPECT_EQ(*servers.b->LastChange(), 0);
  ASSERT_TRUE((*first)->Commit().has_value());
  auto after_second = second.get();
  ASSERT_TRUE(after_second.has_value()) << after_second.error().ToString();
  EXPECT_EQ(*after_second, 2);
  std::vector<int64_t> ids;
  ASSERT_TRUE(servers.a->ForEachPatient(1, [&](const Patient& p) {
    ids.push_back(p.id.value);
    return true;
  }));
  ASSERT_EQ(ids.size(), 1u) << "only the second commit is after change 1";
}

// TOTP replay (security, #5): servers on one database claim the same user's time step at once
// — the same code presented to two servers — and exactly one claim wins each time. The first
// holds its claim uncommitted while the second waits on the row; many rounds race freely.
TEST(PostgresConcurrency, TwoServersClaimingOneTotpStepLetExactlyOneWin) {
  TwoServers servers = OpenTwo();
  UserRecord user{0, "alice", "$argon2id$x", "JBSWY3DPEHPK3PXP", "", false, {}, {"analyst"}};
  int64_t id = 0;
  {
    auto txn = servers.a->Begin();
    ASSERT_TRUE(txn.has_value());
    id = (*txn)->AddUser(user).value_or(0);
    ASSERT_TRUE((*txn)->Commit().has_value());
  }
  auto first = servers.a->Begin();
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ((*first)->ClaimTotpStep(id, 100), true);
  auto second = std::async(std::launch::async, [&]() -> Result<bool> {
    auto txn = servers.b->Begin();
    if (!txn) return std::unexpected(txn.error());
    auto claimed = (*txn)->ClaimTotpStep(id, 100);
    if (claimed) ORP_RETURN_IF_ERROR((*txn)->Commit());
    return claimed;
  });
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
      << "the second server must wait for the first";
  ASSERT_TRUE((*first)->Commit().has_value());
  auto lost = second.get();
  ASSERT_TRUE(lost.has_value()) << lost.error().ToString();
  EXPECT_FALSE(*lost);

  constexpr int kRounds = 40;
  constexpr int kThreads = 4;
  std::atomic<int> errors{0};
  std::vector<std::atomic<int>> wins(kRounds);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& store = t % 2 ? *servers.b : *servers.a;
      for (int round = 0; round < kRounds; ++round) {
        auto txn = store.Begin();
        auto claimed = txn ? (*txn)->ClaimTotpStep(id, 1000 + round) : Result<bool>(false);
        if (!txn || !claimed || !(*txn)->Commit()) {
          ++errors;
          continue;
        }
        if (*claimed) ++wins[round];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  for (int round = 0; round < kRounds; ++round) {
    // A round may have no winner when a thread already claimed a later step; never two.
    EXPECT_LE(wins[round].load(), 1) << "step " << 1000 + round << " accepted twice";
  }
  auto txn = servers.a->Begin();
  EXPECT_EQ((*txn)->ClaimTotpStep(id, 1000 + kRounds - 1), false) << "the last step is used";
}

}  // namespace
}  // namespace orp::storage::postgres
