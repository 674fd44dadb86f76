#include "orp/surveillance/trigger.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace orp::surveillance {
namespace {

// A run that blocks until released, so a test can notify while it is going.
struct GatedRun {
  std::mutex mutex;
  std::condition_variable changed;
  bool open = false;
  int started = 0;
  std::vector<int64_t> since;
  int64_t next_seq = 10;

  Result<int64_t> operator()(int64_t since_change) {
    std::unique_lock lock(mutex);
    since.push_back(since_change);
    ++started;
    changed.notify_all();
    changed.wait(lock, [&] { return open; });
    return next_seq += 10;
  }
  void WaitStarted(int n) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return started >= n; });
  }
  void Open() {
    std::lock_guard lock(mutex);
    open = true;
    changed.notify_all();
  }
};

TEST(RunTrigger, NotifyReturnsWhileARunIsGoingAndABurstBecomesOneMoreRun) {
  GatedRun gate;
  RunTrigger trigger([&](int64_t since) { return gate(since); }, 5);
  trigger.Notify();
  gate.WaitStarted(1);  // the first run is now blocked
  const auto before = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) trigger.Notify();  // submissions landing meanwhile
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(1));
  gate.Open();
  trigger.WaitIdle();
  const RunTrigger::Stats stats = trigger.stats();
  EXPECT_EQ(stats.notifies, 51);
  EXPECT_EQ(stats.runs, 2);  // the one going, and one for the whole burst
  std::lock_guard lock(gate.mutex);
  ASSERT_EQ(gate.since.size(), 2u);
  EXPECT_EQ(gate.since[0], 5);   // after the number the trigger started with
  EXPECT_EQ(gate.since[1], 20);  // after the number the first run saw
  EXPECT_EQ(stats.change_seq, 30);
}

TEST(RunTrigger, AFailedRunIsRetriedFromTheSameChangeNumber) {
  std::vector<int64_t> since;
  int calls = 0;
  RunTrigger trigger(
      [&](int64_t s) -> Result<int64_t> {
        since.push_back(s);
        if (++calls == 1) return Unavailable("database is locked");
        return 99;
      },
      7);
  trigger.Notify();
  trigger.WaitIdle();
  EXPECT_EQ(trigger.stats().failures, 1);
  EXPECT_EQ(trigger.stats().last_error, "database is locked");
  trigger.Notify();
  trigger.WaitIdle();
  EXPECT_EQ(since, (std::vector<int64_t>{7, 7}));
  EXPECT_EQ(trigger.stats().change_seq, 99);
}

TEST(RunTrigger, NothingRunsWithoutANotify) {
  int calls = 0;
  {
    RunTrigger trigger(
        [&](int64_t) -> Result<int64_t> {
          ++calls;
          return 1;
        },
        0);
    trigger.WaitIdle();
  }
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace orp::surveillance
