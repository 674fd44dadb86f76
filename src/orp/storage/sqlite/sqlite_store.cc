#include "orp/storage/sqlite/sqlite_store.h"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "orp/storage/bulk_load_writes.h"
#include "orp/storage/sqlite/checkpointer.h"
#include "orp/storage/sqlite/migrations.h"
#include "orp/storage/sqlite/queries.h"
#include "orp/storage/sqlite/query_reader.h"

namespace orp::storage::sqlite {
namespace {

class SqliteStore;

class SqliteTransaction : public sql::SharedWriter<QueryReader<Transaction>, Queries>,
                          public BulkLoadWrites {  // ingest (#4)
 public:
  SqliteTransaction(SqliteStore& store, StoreLock lock);
  ~SqliteTransaction() override;

  void set_submission(SubmissionId id) { submission_ = id; }
  SubmissionId submission() const override { return submission_; }
  Result<void> AddFindings(std::span<const Finding> findings) override;
  Result<void> FinishSubmission(const SubmissionOutcome& outcome) override;
  Result<void> Commit() override;
  // Bulk load (ingest, #4): storage/bulk_load_writes.h.
  Result<int64_t> StoredProceduresBound() override {
    return Write([&](Queries& q) { return q.MaxProcedureId(); });
  }
  Result<int64_t> StoredPatientsBound() override {
    return Write([&](Queries& q) { return q.MaxPatientId(); });
  }
  Result<void> DeferPatientIndexes() override { return Defer(kBulkEmptyPatientsIndexes); }
  Result<void> DeferIndexes() override { return Defer(kBulkDeferredIndexes); }
  Result<void> DeferEveryIndex() override;
  Result<void> RestoreIndexes() override;
  Result<std::vector<Implant>> ImplantsById(std::span<const int64_t> ids) override {
    return Write([&](Queries& q) { return q.ImplantsById(ids); });
  }

 protected:
  Queries& queries();
  Result<ReadLease> AcquireReader() override {
    if (ended_) return FailedPrecondition("the transaction has ended");
    return ReadLease(queries(), StoreLock());  // the transaction already holds the store
  }
  Result<void> WithWriteQueries(sql::QueriesUse use) override {
    return Write([&](Queries& q) { return use(q); });
  }

 private:
  // Runs one write; on error rolls the whole transaction back (as PostgreSQL would).
  template <typename F>
  auto Write(F f) -> decltype(f(queries())) {
    if (ended_) return FailedPrecondition("the transaction has ended");
    auto result = f(queries());
    if (!result) Rollback();
    return result;
  }
  void Rollback();
  void End();
  // Drops those of `names` that are not dropped yet (DropIndexes skips a missing index).
  Result<void> Defer(std::span<const std::string_view> names);
  // Gives the connection its own page cache size back after DeferEveryIndex.
  void RestoreCache();

  SqliteStore& store_;
  StoreLock lock_;
  SubmissionId submission_;
  bool finished_ = false;
  bool ended_ = false;
  bool deferred_ = false;                  // DeferIndexes ran and RestoreIndexes did not
  std::vector<std::string> deferred_sql_;  // the CREATE statements of the dropped indexes
  std::optional<int64_t> cache_before_;    // the cache_size DeferEveryIndex replaced
};

class SqliteStore : public QueryReader<Store> {
 public:
  SqliteStore(std::unique_ptr<Connection> connection, StoreInfo info, ConnectionOptions options)
      : connection_(std::move(connection)),
        queries_(*connection_),
        info_(std::move(info)),
        options_(options) {}

  StoreInfo Info() const override { return info_; }
  Result<int> SchemaVersion() override {
    auto lock = LockWriter();
    if (!lock) return std::unexpected(lock.error());
    return CurrentSchemaVersion(*connection_);
  }
  Result<std::unique_ptr<Transaction>> Begin() override {
    auto txn = BeginSqlite();
    if (!txn) return std::unexpected(txn.error());
    return std::unique_ptr<Transaction>(std::move(*txn));
  }
  Result<SubmissionStart> BeginSubmission(const SubmissionRequest& request) override;

  Queries& queries() { return queries_; }
  Connection& connection() { return *connection_; }
  // SubmissionRequest::exclusive_load (#4, ADR 0011), under the store's lock, before BEGIN: true
  // when the writer now journals to a rollback journal; false, with the store as it was, when it
  // cannot (the store holds procedures, or another connection has the file open).
  Result<bool> BeginExclusiveLoad();
  // Back to WAL, the pooled readers and the checkpointer, after the transaction's COMMIT or
  // ROLLBACK (the store's lock still held); nothing when BeginExclusiveLoad did not switch.
  void EndExclusiveLoad();
  // Leases pooled readers again and restarts the checkpointer, after BeginExclusiveLoad closed
  // them.
  void ReopenReaders();
  // A file store's WAL checkpoints move to their own thread (checkpointer.h).
  Result<void> StartCheckpointer() {
    if (info_.location == ":memory:" || !options_.background_checkpoint) return {};
    auto checkpointer = Checkpointer::Start(*connection_, info_.location, options_);
    if (!checkpointer) return std::unexpected(checkpointer.error());
    checkpointer_ = std::move(*checkpointer);
    return {};
  }

 protected:
  // A file database reads through pooled connections of its own: WAL gives each a snapshot of
  // committed data, so reads run beside the writer. An in-memory database has one connection.
  Result<ReadLease> AcquireReader() override {
    if (info_.location == ":memory:") {
      auto lock = LockWriter();
      if (!lock) return std::unexpected(lock.error());
      return ReadLease(queries_, std::move(*lock));
    }
    return LeasePooledReader();
  }

 private:
  struct PooledReader {
    std::unique_ptr<Connection> connection;
    Queries queries;
  };
  static constexpr size_t kIdleReaders = 8;

  Result<StoreLock> LockWriter() {
    if (owner_.load() == std::this_thread::get_id()) {
      return FailedPrecondition(
          "this thread already holds the store (an open transaction, or a ForEach callback); "
          "read through the transaction");
    }
    return StoreLock(mu_, owner_);
  }
  Result<ReadLease> LeasePooledReader();
  Result<std::unique_ptr<SqliteTransaction>> BeginSqlite(bool exclusive_load = false);

  std::unique_ptr<Connection> connection_;
  std::unique_ptr<Checkpointer> checkpointer_;  // after connection_: stopped before it closes
  std::unique_ptr<WritebackAhead> writeback_;   // during an exclusive load
  Queries queries_;
  StoreInfo info_;
  ConnectionOptions options_;
  std::mutex mu_;
  std::atomic<std::thread::id> owner_{};
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<PooledReader>> idle_;
  bool readers_closed_ = false;  // under pool_mu_: an exclusive load is writing
  bool exclusive_load_ = false;  // under mu_: the writer journals to a rollback journal
};

Result<ReadLease> SqliteStore::LeasePooledReader() {
  std::unique_ptr<PooledReader> reader;
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (readers_closed_) {
      // A new connection would wait for the writer's lock and then fail: say why, at once.
      return Unavailable(
          "the store is being loaded exclusively (a bulk load into an empty store); read again "
          "when the load has committed");
    }
    if (!idle_.empty()) {
      reader = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!reader) {
    ConnectionOptions options = options_;
    if (options.read_mmap_mib >= 0) options.mmap_mib = options.read_mmap_mib;
    if (options.read_cache_mib >= 0) options.cache_mib = options.read_cache_mib;
    auto connection = Connection::Open(info_.location, options);
    if (!connection) return std::unexpected(connection.error());
    Connection& c = **connection;
    reader.reset(new PooledReader{std::move(*connection), Queries(c)});
  }
  PooledReader* raw = reader.release();
  return ReadLease(raw->queries, [this, raw] {
    std::unique_ptr<PooledReader> back(raw);
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (idle_.size() < kIdleReaders) idle_.push_back(std::move(back));
  });
}

SqliteTransaction::SqliteTransaction(SqliteStore& store, StoreLock lock)
    : store_(store), lock_(std::move(lock)) {}

SqliteTransaction::~SqliteTransaction() {
  if (!ended_) Rollback();
}

Queries& SqliteTransaction::queries() { return store_.queries(); }

void SqliteTransaction::End() {
  RestoreCache();
  ended_ = true;
  store_.queries().EndTransaction();
  store_.EndExclusiveLoad();  // under the store's lock, which this transaction still holds
  lock_.Release();
}

void SqliteTransaction::Rollback() {
  if (ended_) return;
  // A failed ROLLBACK leaves nothing to do: SQLite has already rolled back on the error.
  (void)store_.connection().Exec("ROLLBACK");
  End();
}

Result<void> SqliteTransaction::AddFindings(std::span<const Finding> findings) {
  if (!submission_.stored()) {
    Rollback();
    return FailedPrecondition("findings belong to a submission; use BeginSubmission");
  }
  return Write([&](Queries& q) { return q.AddFindings(submission_, findings); });
}

Result<void> SqliteTransaction::FinishSubmission(const SubmissionOutcome& outcome) {
  if (!submission_.stored()) {
    Rollback();
    return FailedPrecondition("FinishSubmission in a transaction without a submission");
  }
  auto done = Write([&](Queries& q) { return q.FinishSubmission(submission_, outcome); });
  if (done) finished_ = true;
  return done;
}

Result<void> SqliteTransaction::Defer(std::span<const std::string_view> names) {
  auto dropped = Write([&](Queries& q) { return q.DropIndexes(names); });
  if (!dropped) return std::unexpected(dropped.error());
  for (std::string& sql : *dropped) deferred_sql_.push_back(std::move(sql));
  deferred_ = true;
  return {};
}

// With every index of procedures and implants deferred, the load's B-tree writes are appends to
// the tables plus the patients' two indexes: a smaller page cache holds them, and the memory goes
// to the writer's own linkage maps instead (peak under 500 MB at 1M procedures, #4; ADR 0010).
constexpr int64_t kEveryIndexLoadCacheKib = 128 * 1024;

Result<void> SqliteTransaction::DeferEveryIndex() {
  ORP_RETURN_IF_ERROR(Defer(kBulkEmptyStoreIndexes));
  if (cache_before_) return {};
  auto before = Write([&](Queries& q) { return q.CacheSize(); });
  if (!before) return std::unexpected(before.error());
  // Only ever smaller: a connection opened with less keeps its own.
  const int64_t kib = *before < 0 ? -*before : *before * 4;
  if (kib <= kEveryIndexLoadCacheKib) return {};
  ORP_RETURN_IF_ERROR(Write([&](Queries& q) { return q.SetCacheSize(-kEveryIndexLoadCacheKib); }));
  cache_before_ = *before;
  return {};
}

void SqliteTransaction::RestoreCache() {
  if (!cache_before_) return;
  (void)queries().SetCacheSize(*cache_before_);  // a failed PRAGMA leaves the smaller cache
  cache_before_.reset();
}

Result<void> SqliteTransaction::RestoreIndexes() {
  if (!deferred_) return {};
  ORP_RETURN_IF_ERROR(Write([&](Queries& q) { return q.CreateIndexes(deferred_sql_); }));
  RestoreCache();
  deferred_ = false;
  deferred_sql_.clear();
  return {};
}

Result<void> SqliteTransaction::Commit() {
  if (ended_) return FailedPrecondition("the transaction has ended");
  if (submission_.stored() && !finished_) {
    Rollback();
    return FailedPrecondition("a submission must be finished (FinishSubmission) before Commit");
  }
  // Never commit a store without the indexes a bulk load deferred.
  ORP_RETURN_IF_ERROR(RestoreIndexes());
  auto committed = store_.connection().Exec("COMMIT");
  if (!committed) {
    Rollback();
    return committed;
  }
  End();
  return {};
}

Result<std::unique_ptr<SqliteTransaction>> SqliteStore::BeginSqlite(bool exclusive_load) {
  if (owner_.load() == std::this_thread::get_id()) {
    return FailedPrecondition("this thread already holds a transaction on the store");
  }
  StoreLock lock(mu_, owner_);
  if (exclusive_load) {
    Result<bool> exclusive = BeginExclusiveLoad();
    if (!exclusive) return std::unexpected(exclusive.error());
  }
  // IMMEDIATE takes the write lock now, so no statement inside can fail for a lock later.
  Result<void> begun = connection_->Exec("BEGIN IMMEDIATE");
  if (!begun) {
    EndExclusiveLoad();
    return std::unexpected(begun.error());
  }
  return std::make_unique<SqliteTransaction>(*this, std::move(lock));
}

// A bulk load into an empty store under a rollback journal (#4, ADR 0011). In WAL mode every page
// of the load is written twice: into the WAL (as the page cache spills, then at COMMIT) and into
// the file by the checkpoint, whose copy the COMMIT waits for (the Checkpointer's bound). A
// rollback journal holds only the original content of pages that existed when the transaction
// began; SQLite journals no page past the file's original end and truncates the file back on a
// rollback. So into a store without procedures (a few hundred pages) nearly every page is
// written once, into the file; a crash (kill -9) leaves a hot journal that the next open rolls
// back, leaving the store as it was. Leaving WAL needs every other connection closed: the
// checkpointer's and the idle pooled readers' are ours to close; any other (a reader leased
// now, another process) makes SQLite answer BUSY, and the load runs in WAL as before.
Result<bool> SqliteStore::BeginExclusiveLoad() {
  if (info_.location == ":memory:") return false;
  Result<int64_t> stored = queries_.MaxProcedureId();
  if (!stored) return std::unexpected(stored.error());
  if (*stored != 0) return false;
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    readers_closed_ = true;
    idle_.clear();
  }
  checkpointer_.reset();
  // Another connection's lock is a refusal, not something to wait for.
  connection_->SetBusyTimeout(0);
  Result<std::string> mode = connection_->SetJournalMode("DELETE");
  connection_->SetBusyTimeout(options_.busy_timeout_ms);
  exclusive_load_ = mode.has_value() && *mode == "delete";
  if (!exclusive_load_) {
    ReopenReaders();
    return false;
  }
  // In WAL mode NORMAL loses at most the last commits on power loss; with a rollback journal it
  // may corrupt the file (SQLite's documentation), so the load syncs as FULL does.
  if (options_.synchronous == Synchronous::kNormal) {
    Result<void> full = connection_->Exec("PRAGMA synchronous=FULL");
    if (!full) {
      EndExclusiveLoad();
      return std::unexpected(full.error());
    }
  }
  writeback_ = WritebackAhead::Start(info_.location);
  return true;
}

void SqliteStore::EndExclusiveLoad() {
  if (!exclusive_load_) return;  // every other transaction's end: nothing to undo
  exclusive_load_ = false;
  writeback_.reset();
  // The only connection to the file: nothing can refuse. Were it to fail, the store stays in
  // rollback-journal mode, correct, and the next connection opened sets WAL again.
  (void)connection_->SetJournalMode("WAL");
  if (options_.synchronous == Synchronous::kNormal) {
    (void)connection_->Exec("PRAGMA synchronous=NORMAL");
  }
  ReopenReaders();
}

void SqliteStore::ReopenReaders() {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    readers_closed_ = false;
  }
  // Without its checkpointer the writer checkpoints after its own commits, as SQLite does.
  if (!checkpointer_) (void)StartCheckpointer();
}

Result<SubmissionStart> SqliteStore::BeginSubmission(const SubmissionRequest& request) {
  if (request.idempotency_key.empty()) {
    return InvalidArgument("a submission needs an idempotency key");
  }
  auto txn = BeginSqlite(request.exclusive_load);
  if (!txn) return std::unexpected(txn.error());
  // Under the write lock: a key committed by anyone before us is visible now.
  auto earlier = (*txn)->FindSubmissionByKey(request.idempotency_key);
  if (!earlier) return std::unexpected(earlier.error());
  if (*earlier) return SubmissionStart{nullptr, std::move(*earlier)};
  auto id = queries_.InsertSubmission(request);
  if (!id) return std::unexpected(id.error());
  (*txn)->set_submission(*id);
  return SubmissionStart{std::move(*txn), std::nullopt};
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& path,
                                         const ConnectionOptions& options) {
  if (path.empty()) return InvalidArgument("the SQLite database path is empty");
  ConnectionOptions writer_options = options;
  writer_options.temp_in_memory = false;
  auto connection = Connection::Open(path, writer_options);
  if (!connection) return std::unexpected(connection.error());
  auto applied = Migrate(**connection);
  if (!applied) return std::unexpected(applied.error().WithContext(path));
  auto version = CurrentSchemaVersion(**connection);
  if (!version) return std::unexpected(version.error());
  StoreInfo info{"sqlite", path, *version, std::move(*applied)};
  auto store = std::make_unique<SqliteStore>(std::move(*connection), std::move(info), options);
  ORP_RETURN_IF_ERROR(store->StartCheckpointer());
  return store;
}

Result<std::unique_ptr<Store>> OpenStoreFromUrl(std::string_view, std::string_view rest) {
  ConnectionOptions options;
  options.read_mmap_mib = kUrlReadMmapMib;
  options.read_cache_mib = options.cache_mib;
  options.cache_mib = kUrlWriterCacheMib;
  return OpenStore(std::string(rest), options);
}

}  // namespace orp::storage::sqlite
