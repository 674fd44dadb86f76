// The surveillance runs started over HTTP (POST /api/v1/surveillance/runs), kept in memory for
// the server's life: the signals a run records are in the store; the run's own record (who
// started it, when, its counts) is here and in the audit log. One run at a time per server (a
// run reads the whole registry); the last kKept runs are kept.
//
// Thread safety: every member function may be called from any thread.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace orp::api {

class SurveillanceRuns {
 public:
  static constexpr size_t kKept = 100;

  struct Run {
    int64_t id = 0;
    std::string started_by;  // the principal's username
    std::string started_at;  // ISO 8601 UTC
    std::string data_cut;    // YYYY-MM-DD
    std::string status;      // "running", "done", "failed"
    std::string error;       // for "failed"
    int64_t primaries = 0, device_models = 0, surgeons = 0, hospitals = 0;
    int64_t signals_new = 0, signals_updated = 0;
  };

  // A new run in status "running", or nullopt when one is running already.
  std::optional<Run> Begin(std::string started_by, std::string started_at, std::string data_cut) {
    std::lock_guard lock(mutex_);
    if (running_) return std::nullopt;
    running_ = true;
    Run run;
    run.id = ++last_id_;
    run.started_by = std::move(started_by);
    run.started_at = std::move(started_at);
    run.data_cut = std::move(data_cut);
    run.status = "running";
    runs_.push_back(run);
    if (runs_.size() > kKept) runs_.pop_front();
    return run;
  }

  // Records the finished run (status "done" or "failed") and lets the next one start.
  void Finish(const Run& run) {
    std::lock_guard lock(mutex_);
    running_ = false;
    for (Run& r : runs_) {
      if (r.id == run.id) r = run;
    }
  }

  std::optional<Run> Find(int64_t id) const {
    std::lock_guard lock(mutex_);
    for (const Run& r : runs_) {
      if (r.id == id) return r;
    }
    return std::nullopt;
  }

 private:
  mutable std::mutex mutex_;
  std::deque<Run> runs_;
  int64_t last_id_ = 0;
  bool running_ = false;
};

}  // namespace orp::api
