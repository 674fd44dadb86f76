// RunTrigger: surveillance runs after submissions, in the background, coalesced (#7). A
// submission handler calls Notify() and returns at once; one worker thread runs `run` (an
// incremental surveillance run, run.h RunOptions::since_change) with the change number the
// previous run reported, so each run writes the signals of the units changed since. Notifies
// that arrive while a run is going are folded into one more run after it, so a burst of N
// submissions costs at most two runs, never N, and a run never blocks a submission.
//
// `run(since_change)` returns the store's change number it saw (RunSummary::change_seq); an
// error is kept (last_error) and the next notify retries from the same number.
// Thread safety: Notify, Stats and WaitIdle may be called from any thread. The destructor
// finishes the run in progress (if any), skips pending ones, and joins the worker.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "orp/core/result.h"

namespace orp::surveillance {

class RunTrigger {
 public:
  using RunFn = std::function<Result<int64_t>(int64_t since_change)>;

  struct Stats {
    int64_t notifies = 0;
    int64_t runs = 0;
    int64_t failures = 0;
    int64_t change_seq = 0;  // the number the next run starts after
    std::string last_error;  // of the last failed run ("" when none failed)
  };

  // `since_change`: the change number the first run starts after (the store's LastChange() when
  // the server starts: earlier changes were surveilled by a full run, or will be).
  RunTrigger(RunFn run, int64_t since_change);
  ~RunTrigger();
  RunTrigger(const RunTrigger&) = delete;
  RunTrigger& operator=(const RunTrigger&) = delete;

  // Asks for a run; never waits for one.
  void Notify();
  Stats stats() const;
  // Blocks until no run is pending or going (tests, and orderly shutdown by callers).
  void WaitIdle();

 private:
  void Work();

  RunFn run_;
  mutable std::mutex mutex_;
  std::condition_variable wake_, idle_;
  bool pending_ = false, running_ = false, stopping_ = false;
  Stats stats_;
  std::thread worker_;  // last: started once the members above exist
};

}  // namespace orp::surveillance
