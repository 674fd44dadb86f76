// The WAL checkpoints of a file Store's write connection, run on a thread and connection of
// their own (ingest speed, #4). SQLite's automatic checkpoint runs on the committing thread right
// after each commit that leaves the WAL over 1,000 pages: copying those pages into the database
// file and syncing it was 7% of ingest's writing thread. Here a commit leaving at least as many
// frames in the WAL only wakes the checkpointer, which runs a PASSIVE checkpoint (it never blocks
// the writer or readers) beside the next submission.
//
// Bound on WAL growth: the writer restarts the WAL only in a transaction that began after a pass
// had copied every frame. Submissions that follow each other without a gap begin before the pass
// of the previous commit ends, so the WAL grows (each pass still copies what it can); when a
// commit leaves more than
// `wait_above_frames` frames in the WAL, the committing thread waits for a checkpoint pass that
// starts after its commit to finish (the old behaviour, on the other thread), so the WAL stays
// within about that bound plus one transaction (a reader holding an old snapshot can still pin
// it, as with the automatic checkpoint).
//
// Durability is unchanged: a commit still syncs the WAL (synchronous=FULL), and a checkpoint
// killed half-way is redone from the WAL on the next open.
//
// Thread safety: the hook runs on the writer's thread, the checkpoints on the checkpointer's;
// they share only the counters under mu_. Destroy the Checkpointer before closing the writer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "orp/core/result.h"
#include "orp/storage/sqlite/connection.h"

namespace orp::storage::sqlite {

class Checkpointer {
 public:
  // A commit leaving fewer frames in the WAL wakes nobody: SQLite's own automatic threshold, so a
  // server taking one-procedure submissions checkpoints (and syncs the file) no more often
  // than before.
  static constexpr int64_t kDefaultWakeAtFrames = 1000;
  // 64 MiB of 4 KiB pages.
  static constexpr int64_t kDefaultWaitAboveFrames = 16384;

  // Opens a connection of its own to `path` (a file, not ":memory:"), installs the WAL hook on
  // `writer` (which replaces SQLite's automatic checkpoint on that connection) and starts the
  // thread.
  static Result<std::unique_ptr<Checkpointer>> Start(
      Connection& writer, const std::string& path, const ConnectionOptions& options,
      int64_t wake_at_frames = kDefaultWakeAtFrames,
      int64_t wait_above_frames = kDefaultWaitAboveFrames);
  // Removes the hook (the writer's automatic checkpoint comes back), stops and joins the thread.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Checkpoint passes finished so far, and how many found the WAL fully copied (for tests).
  int64_t passes() const;
  int64_t complete_passes() const;

 private:
  Checkpointer(Connection& writer, std::unique_ptr<Connection> own, int64_t wake_at_frames,
               int64_t wait_above_frames);
  static int OnCommit(void* self, struct sqlite3* db, const char* schema, int frames);
  void Committed(int frames);
  void Run();

  Connection& writer_;
  std::unique_ptr<Connection> own_;
  const int64_t wake_at_frames_;
  const int64_t wait_above_frames_;
  mutable std::mutex mu_;
  std::condition_variable wake_;    // the checkpointer: a commit or stop
  std::condition_variable passed_;  // a waiting writer: a pass finished
  int64_t requested_ = 0;           // commits seen by the hook
  int64_t served_ = 0;              // the last request a finished pass started after
  int64_t passes_ = 0;
  int64_t complete_passes_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

// While an exclusive load (ADR 0011) writes the database file under a rollback journal, starts
// the kernel's writeback of what SQLite has written so far, once every `period`, so that the
// COMMIT's sync finds little left to write (#4: the 1M first load's COMMIT waited 1.0-1.1 s for
// ~750 MB of dirty pages; with writeback ahead, 0.1 s). It only starts writeback (Linux
// sync_file_range, SYNC_FILE_RANGE_WRITE, on a read-only descriptor of its own): the kernel may
// write a dirty page at any moment anyway, and durability is still the COMMIT's sync. Elsewhere
// than Linux it does nothing. Thread safety: one thread of its own; touches no SQLite state.
class WritebackAhead {
 public:
  static constexpr std::chrono::milliseconds kDefaultPeriod{1000};

  // Opens `path` (a database file) and starts the thread; nullptr when the file cannot be
  // opened (the load then runs without it).
  static std::unique_ptr<WritebackAhead> Start(const std::string& path,
                                               std::chrono::milliseconds period = kDefaultPeriod);
  // Stops and joins the thread (at most one writeback call in flight) and closes the descriptor.
  ~WritebackAhead();
  WritebackAhead(const WritebackAhead&) = delete;
  WritebackAhead& operator=(const WritebackAhead&) = delete;

  // Writeback calls made so far (for tests).
  int64_t rounds() const;

 private:
  WritebackAhead(int fd, std::chrono::milliseconds period);
  void Run();

  const int fd_;
  const std::chrono::milliseconds period_;
  mutable std::mutex mu_;
  std::condition_variable stop_requested_;
  bool stop_ = false;
  int64_t rounds_ = 0;
  std::thread thread_;
};

}  // namespace orp::storage::sqlite
