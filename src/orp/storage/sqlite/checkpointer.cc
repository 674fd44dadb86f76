#include "orp/storage/sqlite/checkpointer.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

namespace orp::storage::sqlite {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(Connection& writer,
                                                          const std::string& path,
                                                          const ConnectionOptions& options,
                                                          int64_t wake_at_frames,
                                                          int64_t wait_above_frames) {
  // A checkpoint copies pages from the WAL to the file: it needs no page cache or mapping.
  ConnectionOptions own_options = options;
  own_options.cache_mib = 1;
  own_options.mmap_mib = 0;
  auto own = Connection::Open(path, own_options);
  if (!own) return std::unexpected(own.error());
  std::unique_ptr<Checkpointer> checkpointer(
      new Checkpointer(writer, std::move(*own), wake_at_frames, wait_above_frames));
  sqlite3_wal_hook(writer.handle(), &Checkpointer::OnCommit, checkpointer.get());
  checkpointer->thread_ = std::thread([c = checkpointer.get()] { c->Run(); });
  return checkpointer;
}

Checkpointer::Checkpointer(Connection& writer, std::unique_ptr<Connection> own,
                           int64_t wake_at_frames, int64_t wait_above_frames)
    : writer_(writer),
      own_(std::move(own)),
      wake_at_frames_(wake_at_frames),
      wait_above_frames_(wait_above_frames) {}

Checkpointer::~Checkpointer() {
  // Back to SQLite's own checkpoint on the writer (its close checkpoints what is left anyway).
  sqlite3_wal_autocheckpoint(writer_.handle(), 1000);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int64_t Checkpointer::passes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return passes_;
}

int64_t Checkpointer::complete_passes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return complete_passes_;
}

int Checkpointer::OnCommit(void* self, sqlite3*, const char*, int frames) {
  static_cast<Checkpointer*>(self)->Committed(frames);
  return SQLITE_OK;
}

// On the writer's thread, after its commit has released the write lock.
void Checkpointer::Committed(int frames) {
  if (frames < wake_at_frames_) return;
  std::unique_lock<std::mutex> lock(mu_);
  const int64_t request = ++requested_;
  wake_.notify_one();
  if (frames <= wait_above_frames_) return;
  passed_.wait(lock, [&] { return served_ >= request || stop_; });
}

void Checkpointer::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return stop_ || requested_ > served_; });
    if (stop_) break;
    const int64_t request = requested_;
    lock.unlock();
    int wal_frames = 0;
    int copied = 0;
    // BUSY (another connection checkpointing) or an I/O error loses nothing: the frames stay
    // in the WAL and the next commit asks again.
    const int rc = sqlite3_wal_checkpoint_v2(own_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                             &wal_frames, &copied);
    lock.lock();
    served_ = request;
    ++passes_;
    if (rc == SQLITE_OK && copied == wal_frames) ++complete_passes_;
    passed_.notify_all();
  }
  passed_.notify_all();
}

std::unique_ptr<WritebackAhead> WritebackAhead::Start(const std::string& path,
                                                      std::chrono::milliseconds period) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  return std::unique_ptr<WritebackAhead>(new WritebackAhead(fd, period));
}

WritebackAhead::WritebackAhead(int fd, std::chrono::milliseconds period)
    : fd_(fd), period_(period), thread_([this] { Run(); }) {}

WritebackAhead::~WritebackAhead() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  stop_requested_.notify_all();
  thread_.join();
  ::close(fd_);
}

int64_t WritebackAhead::rounds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rounds_;
}

void WritebackAhead::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_requested_.wait_for(lock, period_, [this] { return stop_; })) {
    lock.unlock();
#if defined(__linux__)
    // The whole file (offset 0, length 0: to its end); errors only mean no writeback ahead.
    (void)::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
    lock.lock();
    ++rounds_;
  }
}

}  // namespace orp::storage::sqlite
