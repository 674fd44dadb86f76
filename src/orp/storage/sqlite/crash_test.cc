// A real process commits submissions in a loop and reports each acknowledged key on a pipe; the
// test kills it with SIGKILL at an arbitrary moment and checks the database on reopening: every
// acknowledged submission is there whole, and no submission is there in part.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <set>

#include "orp/storage/conformance_test.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp::storage::sqlite {
namespace {

constexpr int kProceduresPerSubmission = 3;

// The child: never returns.
[[noreturn]] void CommitForever(const std::string& path, int ack_fd) {
  auto store = OpenStore(path);
  if (!store) _exit(2);
  for (int32_t i = 0;; ++i) {
    auto start = (*store)->BeginSubmission({"crash-" + std::to_string(i), "RRK", "BCIR", {}});
    if (!start || !start->transaction) _exit(3);
    Transaction& txn = *start->transaction;
    auto patient = txn.PutPatient(conformance::SamplePatient(uint8_t(i % 200)));
    if (!patient) _exit(4);
    for (int k = 0; k < kProceduresPerSubmission; ++k) {
      Procedure p =
          conformance::SampleProcedure(std::to_string(i) + "/" + std::to_string(k), *patient);
      if (!txn.PutProcedure(p)) _exit(5);
    }
    if (!txn.FinishSubmission({}) || !txn.Commit()) _exit(6);
    if (write(ack_fd, &i, sizeof i) != sizeof i) _exit(7);
  }
}

TEST(SqliteCrash, EveryAcknowledgedSubmissionSurvivesKillNine) {
  auto dir =
      std::filesystem::path(::testing::TempDir()) / ("orp-crash-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::mt19937 random(std::random_device{}());
  for (int round = 0; round < 3; ++round) {
    std::string path = (dir / ("crash-" + std::to_string(round) + ".db")).string();
    ASSERT_TRUE(OpenStore(path).has_value());
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      CommitForever(path, fds[1]);
    }
    close(fds[1]);
    std::set<int32_t> acknowledged;
    int32_t id = 0;
    // Let it get going, then kill it somewhere inside a later commit.
    while (acknowledged.size() < 20 && read(fds[0], &id, sizeof id) == sizeof id) {
      acknowledged.insert(id);
    }
    usleep(std::uniform_int_distribution<int>(0, 20000)(random));
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself with " << status;
    while (read(fds[0], &id, sizeof id) == sizeof id) acknowledged.insert(id);
    close(fds[0]);

    auto store = OpenStore(path);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    for (int32_t key : acknowledged) {
      auto sub = (*store)->FindSubmissionByKey("crash-" + std::to_string(key));
      ASSERT_TRUE(sub.has_value() && sub->has_value()) << "acknowledged key " << key << " lost";
    }
    auto counts = (*store)->CountRows();
    EXPECT_GE(counts->at("submissions"), int64_t(acknowledged.size()));
    EXPECT_LE(counts->at("submissions"), int64_t(acknowledged.size()) + 1);
    EXPECT_EQ(counts->at("procedures"), kProceduresPerSubmission * counts->at("submissions"));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace orp::storage::sqlite
