#include "orp/storage/postgres/postgres_store.h"

#include <fmt/format.h>

#include <optional>

#include "orp/storage/postgres/migrations.h"
#include "orp/storage/postgres/pool.h"
#include "orp/storage/postgres/query_reader.h"

namespace orp::storage::postgres {
namespace {

class PostgresTransaction : public QueryReader<Transaction> {
 public:
  explicit PostgresTransaction(PooledConnection connection)
      : connection_(std::move(connection)), queries_(*connection_, true) {}
  ~PostgresTransaction() override { Rollback(); }

  void set_submission(SubmissionId id) { submission_ = id; }
  SubmissionId submission() const override { return submission_; }
  Queries& queries() { return queries_; }

  Result<PatientId> PutPatient(const Patient& patient) override {
    return Write([&](Queries& q) { return q.PutPatient(patient); });
  }
  Result<PutKind> PutProcedure(Procedure& procedure) override {
    return Write([&](Queries& q) { return q.PutProcedure(procedure, submission_); });
  }
  Result<void> MarkImplantsRemoved(std::span<const ImplantId> implants, ProcedureId by,
                                   Date on) override {
    return Write([&](Queries& q) { return q.MarkImplantsRemoved(implants, by, on); });
  }
  Result<void> RecordDeath(PatientId patient, Date date) override {
    return Write([&](Queries& q) { return q.RecordDeath(patient, date, submission_); });
  }
  Result<OutcomeEventId> AddOutcomeEvent(const OutcomeEvent& event) override {
    return Write([&](Queries& q) { return q.AddOutcomeEvent(event); });
  }
  Result<void> PutOrganisation(const Organisation& organisation) override {
    return Write([&](Queries& q) { return q.PutOrganisation(organisation); });
  }
  Result<void> PutClinician(const Clinician& clinician) override {
    return Write([&](Queries& q) { return q.PutClinician(clinician); });
  }
  Result<void> PutDeviceModel(const DeviceModel& model) override {
    return Write([&](Queries& q) { return q.PutDeviceModel(model); });
  }
  Result<void> AddFindings(std::span<const Finding> findings) override {
    if (!submission_.stored()) {
      Rollback();
      return FailedPrecondition("findings belong to a submission; use BeginSubmission");
    }
    return Write([&](Queries& q) { return q.AddFindings(submission_, findings); });
  }
  Result<int64_t> AppendAudit(const AuditRecord& record) override {
    return Write([&](Queries& q) { return q.AppendAudit(record); });
  }
  Result<void> InsertPatients(std::span<Patient> patients) override {
    return Write([&](Queries& q) { return q.InsertPatients(patients); });
  }
  Result<void> InsertProcedures(std::span<Procedure> procedures) override {
    return Write([&](Queries& q) { return q.InsertProcedures(procedures, submission_); });
  }

  // Accounts (security, #5).
  Result<int64_t> AddUser(const UserRecord& user) override {
    return Write([&](Queries& q) { return q.AddUser(user); });
  }
  Result<void> SetUserDisabled(int64_t user_id, bool disabled) override {
    return Write([&](Queries& q) { return q.SetUserDisabled(user_id, disabled); });
  }
  Result<void> AddSession(const SessionRecord& session) override {
    return Write([&](Queries& q) { return q.AddSession(session); });
  }
  Result<void> TouchSession(std::string_view id_hash, domain::Instant at) override {
    return Write([&](Queries& q) { return q.TouchSession(id_hash, at); });
  }
  Result<void> DeleteSession(std::string_view id_hash) override {
    return Write([&](Queries& q) { return q.DeleteSession(id_hash); });
  }
  Result<void> DeleteSessionsOf(int64_t user_id) override {
    return Write([&](Queries& q) { return q.DeleteSessionsOf(user_id); });
  }
  Result<int64_t> AddApiToken(const ApiTokenRecord& token) override {
    return Write([&](Queries& q) { return q.AddApiToken(token); });
  }
  Result<void> RevokeApiToken(int64_t token_id, domain::Instant at) override {
    return Write([&](Queries& q) { return q.RevokeApiToken(token_id, at); });
  }
  Result<void> RecordLoginAttempt(const LoginAttempt& attempt) override {
    return Write([&](Queries& q) { return q.RecordLoginAttempt(attempt); });
  }

  // Surveillance (surveil7, #7).
  Result<SignalPutResult> PutSignal(const Signal& signal) override {
    return Write([&](Queries& q) { return q.PutSignal(signal); });
  }
  Result<void> SetSignalStatus(int64_t id, SignalStatus status, std::string_view reason) override {
    return Write([&](Queries& q) { return q.SetSignalStatus(id, status, reason); });
  }

  // Recall (recall8, #8)
  Result<void> PutRecall(Recall& recall) override {
    return Write([&](Queries& q) { return q.PutRecall(recall); });
  }
  Result<void> PutRecallPatient(const RecallPatient& patient) override {
    return Write([&](Queries& q) { return q.PutRecallPatient(patient); });
  }
  Result<void> AddRecallImplant(const RecallImplantLink& link) override {
    return Write([&](Queries& q) { return q.AddRecallImplant(link); });
  }
  Result<void> AddRecallContact(RecallContact& contact) override {
    return Write([&](Queries& q) { return q.AddRecallContact(contact); });
  }

  // Consent (ingest, #5).
  Result<OptOutLoadResult> ReplaceOptOuts(std::span<const Pseudonym> list,
                                          const OptOutLoad& load) override {
    return Write([&](Queries& q) { return q.ReplaceOptOuts(list, load); });
  }
  Result<void> PutOdsRecords(std::span<const OdsRecord> records, const OdsLoad& load) override {
    return Write([&](Queries& q) { return q.PutOdsRecords(records, load); });
  }

  // PROMs (proms, #11)
  Result<bool> AddPromInvitation(PromInvitation& invitation) override {
    return Write([&](Queries& q) { return q.AddPromInvitation(invitation); });
  }
  Result<void> UpdatePromInvitation(const PromInvitation& invitation) override {
    return Write([&](Queries& q) { return q.UpdatePromInvitation(invitation); });
  }
  Result<bool> AddPromResponse(PromResponse& response) override {
    return Write([&](Queries& q) { return q.AddPromResponse(response); });
  }
  Result<bool> EnqueuePromMessage(PromMessage& message) override {
    return Write([&](Queries& q) { return q.EnqueuePromMessage(message); });
  }
  Result<void> UpdatePromMessage(const PromMessage& message) override {
    return Write([&](Queries& q) { return q.UpdatePromMessage(message); });
  }
  Result<void> FinishSubmission(const SubmissionOutcome& outcome) override;
  Result<void> Commit() override;
  void Rollback();

 protected:
  Result<ReadLease> AcquireReader() override {
    if (ended_) return FailedPrecondition("the transaction has ended");
    return ReadLease(queries_);
  }

 private:
  // Runs one write; on error rolls the whole transaction back (PostgreSQL would refuse every
  // later statement of it anyway).
  template <typename F>
  auto Write(F f) -> decltype(f(std::declval<Queries&>())) {
    if (ended_) return FailedPrecondition("the transaction has ended");
    auto result = f(queries_);
    if (!result) Rollback();
    return result;
  }

  PooledConnection connection_;
  Queries queries_;
  SubmissionId submission_;
  bool finished_ = false;
  bool ended_ = false;
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
  auto committed = connection_->Commit();
  if (!committed) {
    Rollback();
    return committed;
  }
  ended_ = true;
  queries_.EndTransaction();
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
