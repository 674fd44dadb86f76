#include "orp/surveillance/trigger.h"

namespace orp::surveillance {

RunTrigger::RunTrigger(RunFn run, int64_t since_change) : run_(std::move(run)) {
  stats_.change_seq = since_change;
  worker_ = std::thread([this] { Work(); });
}

RunTrigger::~RunTrigger() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

void RunTrigger::Notify() {
  {
    std::lock_guard lock(mutex_);
    ++stats_.notifies;
    pending_ = true;
  }
  wake_.notify_one();
}

RunTrigger::Stats RunTrigger::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void RunTrigger::WaitIdle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return stopping_ || (!pending_ && !running_); });
}

void RunTrigger::Work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || pending_; });
    if (stopping_) break;
    pending_ = false;  // notifies from here on ask for the next run
    running_ = true;
    const int64_t since = stats_.change_seq;
    lock.unlock();
    Result<int64_t> seen = run_(since);
    lock.lock();
    running_ = false;
    ++stats_.runs;
    if (seen) {
      stats_.change_seq = *seen;
    } else {
      ++stats_.failures;
      stats_.last_error = seen.error().message();
    }
    if (!pending_) idle_.notify_all();
  }
  idle_.notify_all();
}

}  // namespace orp::surveillance
