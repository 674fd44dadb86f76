#include "orp/surveillance/row_pipe.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "orp/surveillance/cohort_rows.h"

namespace orp::surveillance {
namespace {

// A batch's rows are reused from batch to batch: copying into a row that held one before keeps
// its strings' storage, so the hand-over allocates almost nothing after the first batches.
constexpr size_t kBatchRows = 4096;
constexpr size_t kBatchesInFlight = 8;

struct Batch {
  std::vector<storage::SurveillanceRow> rows;
  size_t count = 0;
};

// Full batches from the reading thread to the building one, and emptied ones back.
class BatchQueue {
 public:
  // Reading thread: an empty batch, waiting while kBatchesInFlight full ones are queued.
  Batch TakeEmpty() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return full_.size() < kBatchesInFlight; });
    if (empty_.empty()) return Batch{};
    Batch b = std::move(empty_.back());
    empty_.pop_back();
    b.count = 0;
    return b;
  }
  void PutFull(Batch b) {
    std::lock_guard lock(mutex_);
    full_.push_back(std::move(b));
    changed_.notify_all();
  }
  void Finish() {
    std::lock_guard lock(mutex_);
    finished_ = true;
    changed_.notify_all();
  }
  // Building thread: the next full batch, or nothing once the reader finished and all are taken.
  std::optional<Batch> TakeFull() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !full_.empty() || finished_; });
    if (full_.empty()) return std::nullopt;
    Batch b = std::move(full_.front());
    full_.pop_front();
    changed_.notify_all();
    return b;
  }
  void GiveBack(Batch b) {
    std::lock_guard lock(mutex_);
    empty_.push_back(std::move(b));
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> full_;
  std::vector<Batch> empty_;
  bool finished_ = false;
};

}  // namespace

Result<void> ForEachCohortRowPipelined(
    storage::Reader& reader, Date data_cut,
    const std::function<void(const storage::SurveillanceRow&)>& visit) {
  BatchQueue queue;
  Result<void> read;
  std::thread reading([&] {
    Batch batch = queue.TakeEmpty();
    read = ForEachCohortRow(reader, data_cut, [&](const storage::SurveillanceRow& row) {
      if (batch.count < batch.rows.size()) {
        batch.rows[batch.count] = row;
      } else {
        batch.rows.push_back(row);
      }
      if (++batch.count == kBatchRows) {
        queue.PutFull(std::move(batch));
        batch = queue.TakeEmpty();
      }
      return true;
    });
    if (batch.count > 0) queue.PutFull(std::move(batch));
    queue.Finish();
  });
  while (std::optional<Batch> batch = queue.TakeFull()) {
    for (size_t k = 0; k < batch->count; ++k) visit(batch->rows[k]);
    queue.GiveBack(std::move(*batch));
  }
  reading.join();
  return read;
}

}  // namespace orp::surveillance
