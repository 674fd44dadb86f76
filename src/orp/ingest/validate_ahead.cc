#include "orp/ingest/validate_ahead.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace orp::ingest {
namespace {

using Batch = std::vector<PreparedProcedure>;

// The bounded queue between the producer and the consumer.
class Handoff {
 public:
  // Waits for room; false once the consumer has stopped.
  bool Push(Batch batch) {
    std::unique_lock<std::mutex> lock(mu_);
    room_.wait(lock, [&] { return stopped_ || queue_.size() < kMaxBatches; });
    if (stopped_) return false;
    queue_.push_back(std::move(batch));
    ready_.notify_one();
    return true;
  }
  // The next batch, or none once the producer has finished and the queue is empty.
  std::optional<Batch> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    ready_.wait(lock, [&] { return finished_ || !queue_.empty(); });
    if (queue_.empty()) return std::nullopt;
    Batch batch = std::move(queue_.front());
    queue_.pop_front();
    room_.notify_one();
    return batch;
  }
  // Takes back a batch the consumer has emptied, for the producer to fill again with its
  // capacity (#4: a fresh batch of kBatchSize procedures cost the producer an allocation and its
  // first touch, ~4% of its time).
  void Return(Batch emptied) {
    emptied.clear();
    std::lock_guard<std::mutex> lock(mu_);
    if (emptied_.size() < kMaxBatches) emptied_.push_back(std::move(emptied));
  }
  // An emptied batch, or a new one, with room for kBatchSize procedures.
  Batch Empty() {
    Batch batch;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!emptied_.empty()) {
        batch = std::move(emptied_.back());
        emptied_.pop_back();
      }
    }
    batch.reserve(kBatchSize);
    return batch;
  }
  void Finish() {
    std::lock_guard<std::mutex> lock(mu_);
    finished_ = true;
    ready_.notify_all();
  }
  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    room_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable ready_;
  std::condition_variable room_;
  std::deque<Batch> queue_;
  std::vector<Batch> emptied_;
  bool finished_ = false;
  bool stopped_ = false;
};

}  // namespace

Result<void> ValidateAhead(const std::function<Result<void>(const OnPrepared&)>& produce,
                           const OnPrepared& consume, ProcedureRecycler* recycler) {
  Handoff handoff;
  Result<void> produced;
  std::thread producer([&] {
    Batch batch = handoff.Empty();
    const OnPrepared sink = [&](PreparedProcedure& v) -> Result<void> {
      batch.push_back(std::move(v));
      if (batch.size() < kBatchSize) return {};
      if (recycler != nullptr) recycler->Drain();
      if (!handoff.Push(std::exchange(batch, handoff.Empty()))) {
        return Internal("ingest stopped by the writer");
      }
      return {};
    };
    produced = produce(sink);
    if (produced && !batch.empty()) handoff.Push(std::move(batch));
    handoff.Finish();
  });
  Result<void> consumed;
  while (std::optional<Batch> batch = handoff.Pop()) {
    for (PreparedProcedure& v : *batch) {
      consumed = consume(v);
      if (!consumed) break;
    }
    if (!consumed) {
      handoff.Stop();
      break;
    }
    handoff.Return(std::move(*batch));
  }
  // Drain so a producer waiting for room sees the stop (or finishes), then join it.
  handoff.Stop();
  producer.join();
  if (!consumed) return consumed;
  return produced;
}

}  // namespace orp::ingest
