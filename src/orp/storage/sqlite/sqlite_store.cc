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
  Result<std::vector<Implant>> ImplantsInSituAmong(const InSituQuery& query,
                                                   std::span<const int64_t> ids) override {
    return Write([&](Queries& q) { return q.ImplantsInSituAmong(query, ids); });
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
  Result<std::unique_ptr<SqliteTransaction>> BeginSqlite();

  std::unique_ptr<Connection> connection_;
  std::unique_ptr<Checkpointer> checkpointer_;  // after connection_: stopped before it closes
  Queries queries_;
  StoreInfo info_;
  ConnectionOptions options_;
  std::mutex mu_;
  std::atomic<std::thread::id> owner_{};
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<PooledReader>> idle_;
};

Result<ReadLease> SqliteStore::LeasePooledReader() {
  std::unique_ptr<PooledReader> reader;
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
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

Result<std::unique_ptr<SqliteTransaction>> SqliteStore::BeginSqlite() {
  if (owner_.load() == std::this_thread::get_id()) {
    return FailedPrecondition("this thread already holds a transaction on the store");
  }
  StoreLock lock(mu_, owner_);
  // IMMEDIATE takes the write lock now, so no statement inside can fail for a lock later.
  ORP_RETURN_IF_ERROR(connection_->Exec("BEGIN IMMEDIATE"));
  return std::make_unique<SqliteTransaction>(*this, std::move(lock));
}

Result<SubmissionStart> SqliteStore::BeginSubmission(const SubmissionRequest& request) {
  if (request.idempotency_key.empty()) {
    return InvalidArgument("a submission needs an idempotency key");
  }
  auto txn = BeginSqlite();
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
