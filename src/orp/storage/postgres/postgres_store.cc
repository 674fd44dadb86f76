#include "orp/storage/postgres/postgres_store.h"

#include <fmt/format.h>

#include <optional>

#include "orp/storage/postgres/migrations.h"
#include "orp/storage/postgres/pool.h"
#include "orp/storage/postgres/query_reader.h"

namespace orp::storage::postgres {
namespace {

class PostgresTransaction : public sql::SharedWriter<QueryReader<Transaction>, Queries> {
 public:
  explicit PostgresTransaction(PooledConnection connection)
      : connection_(std::move(connection)), queries_(*connection_, true) {}
  ~PostgresTransaction() override { Rollback(); }

  void set_submission(SubmissionId id) { submission_ = id; }
  SubmissionId submission() const override { return submission_; }
  Queries& queries() { return queries_; }
  Result<void> AddFindings(std::span<const Finding> findings) override {
    if (!submission_.stored()) {
      Rollback();
      return FailedPrecondition("findings belong to a submission; use BeginSubmission");
    }
    return Write([&](Queries& q) { return q.AddFindings(submission_, findings); });
  }

  Result<void> FinishSubmission(const SubmissionOutcome& outcome) override;
  Result<void> Commit() override;
  void Rollback();

 protected:
  Result<ReadLease> AcquireReader() override {
    if (ended_) return FailedPrecondition("the transaction has ended");
    return ReadLease(queries_);
  }
  Result<void> WithWriteQueries(sql::QueriesUse use) override {
    return Write([&](Queries& q) { return use(q); });
  }

 private:
  // Runs one write; on error rolls the whole transaction back (PostgreSQL would refuse every
  // later statement of it anyway).
  template <typename F>
  auto Write(F f) -> decltype(f(std::declval<Queries&>())) {
    if (ended_) return FailedPrecondition("the transaction has ended");
    ++writes_;
    auto result = f(queries_);
    if (!result) Rollback();
    return result;
  }

  PooledConnection connection_;
  Queries queries_;
  SubmissionId submission_;
  bool finished_ = false;
  bool ended_ = false;
  int writes_ = 0;  // writes run (Write), audit appends included
};

void PostgresTransaction::Rollback() {
  if (ended_) return;
  ended_ = true;
  queries_.EndTransaction();
  // A failed ROLLBACK means the connection is gone, and the server rolls back on its own; the
  // pool then drops the connection.
  (void)connection_->Exec("ROLLBACK");
}

Result<void> PostgresTransaction::FinishSubmission(const SubmissionOutcome& outcome) {
  if (!submission_.stored()) {
    Rollback();
    return FailedPrecondition("FinishSubmission in a transaction without a submission");
  }
  auto done = Write([&](Queries& q) { return q.FinishSubmission(submission_, outcome); });
  if (done) finished_ = true;
  return done;
}

Result<void> PostgresTransaction::Commit() {
  if (ended_) return FailedPrecondition("the transaction has ended");
  if (submission_.stored() && !finished_) {
    Rollback();
    return FailedPrecondition("a submission must be finished (FinishSubmission) before Commit");
  }
  // Group commit of audit appends across servers (#10): a transaction that wrote only audit
  // entries holds the chain's lock until it ends, so it commits without waiting for the WAL
  // flush (the next appender, on any server, goes on at once) and then waits for the flush
  // outside the lock, where both servers' waits share one fsync. It still returns only once
  // durable. WAL is replayed as a prefix, so a crash before the flush loses a tail of whole
  // entries whose callers were never answered, and the chain stays linear.
  const bool audit_only =
      !submission_.stored() && queries_.audit_appends() > 0 && writes_ == queries_.audit_appends();
  auto committed = connection_->Commit(/*wait_for_flush=*/!audit_only);
  if (!committed) {
    Rollback();
    return committed;
  }
  ended_ = true;
  queries_.EndTransaction();
  if (audit_only) return connection_->WaitForFlush();
  return {};
}

class PostgresStore : public QueryReader<Store> {
 public:
  PostgresStore(std::unique_ptr<ConnectionPool> pool, StoreInfo info)
      : pool_(std::move(pool)), info_(std::move(info)) {}

  StoreInfo Info() const override { return info_; }
  Result<int> SchemaVersion() override {
    auto connection = pool_->Acquire();
    if (!connection) return std::unexpected(connection.error());
    return CurrentSchemaVersion(**connection);
  }
  Result<std::unique_ptr<Transaction>> Begin() override {
    auto txn = BeginPostgres();
    if (!txn) return std::unexpected(txn.error());
    return std::unique_ptr<Transaction>(std::move(*txn));
  }
  Result<SubmissionStart> BeginSubmission(const SubmissionRequest& request) override;

 protected:
  Result<ReadLease> AcquireReader() override {
    auto connection = pool_->Acquire();
    if (!connection) return std::unexpected(connection.error());
    return ReadLease(std::move(*connection));
  }

 private:
  Result<std::unique_ptr<PostgresTransaction>> BeginPostgres() {
    auto connection = pool_->Acquire();
    if (!connection) return std::unexpected(connection.error());
    ORP_RETURN_IF_ERROR((*connection)->Exec("BEGIN"));
    return std::make_unique<PostgresTransaction>(std::move(*connection));
  }

  std::unique_ptr<ConnectionPool> pool_;
  StoreInfo info_;
};

Result<SubmissionStart> PostgresStore::BeginSubmission(const SubmissionRequest& request) {
  if (request.idempotency_key.empty()) {
    return InvalidArgument("a submission needs an idempotency key");
  }
  auto txn = BeginPostgres();
  if (!txn) return std::unexpected(txn.error());
  auto id = (*txn)->queries().InsertSubmission(request);
  if (!id) return std::unexpected(id.error());
  if (*id) {
    (*txn)->set_submission(**id);
    return SubmissionStart{std::move(*txn), std::nullopt};
  }
  // The key was committed by someone else; this statement's snapshot sees it.
  auto earlier = (*txn)->FindSubmissionByKey(request.idempotency_key);
  (*txn)->Rollback();
  if (!earlier) return std::unexpected(earlier.error());
  if (!*earlier) {
    return Unavailable("the submission with this idempotency key vanished; retry");
  }
  return SubmissionStart{nullptr, std::move(*earlier)};
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& conninfo) {
  auto location = RedactedLocation(conninfo);
  if (!location) return std::unexpected(location.error());
  auto pool = std::make_unique<ConnectionPool>(conninfo, *location);
  std::vector<std::string> applied;
  int version = 0;
  {
    auto connection = pool->Acquire();
    if (!connection) return std::unexpected(connection.error());
    auto migrated = Migrate(**connection);
    if (!migrated) return std::unexpected(migrated.error().WithContext(*location));
    applied = std::move(*migrated);
    auto current = CurrentSchemaVersion(**connection);
    if (!current) return std::unexpected(current.error());
    version = *current;
  }
  StoreInfo info{"postgresql", *location, version, std::move(applied)};
  return std::make_unique<PostgresStore>(std::move(pool), std::move(info));
}

Result<std::unique_ptr<Store>> OpenStoreFromUrl(std::string_view url, std::string_view) {
  return OpenStore(std::string(url));
}

}  // namespace orp::storage::postgres
