// Queries: every SQL statement of the PostgreSQL backend, as plain methods over one Connection.
// PostgresStore and its transactions call these; this class knows nothing of pooling or
// transaction boundaries (the caller issues BEGIN/COMMIT), except that a transaction's writes
// take the locks that keep the change sequence and the audit chain in commit order.
// Reads are in reads.cc and reads_records.cc, writes in writes.cc and writes_records.cc.
// Error codes as in storage/store.h.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "orp/storage/postgres/connection.h"
#include "orp/storage/postgres/stmt.h"
#include "orp/storage/sql_queries.h"
#include "orp/storage/store.h"

namespace orp::storage::postgres {

// The statements written once for both backends are inherited from sql::Queries
// (storage/sql_queries.h); the ones below are this backend's own.
class Queries : public sql::Queries {
 public:
  // `in_transaction`: the connection is inside a transaction block (a stream stopped early is
  // then drained rather than cancelled, which would abort the transaction).
  Queries(Connection& connection, bool in_transaction)
      : sql::Queries(connection), db_(connection), in_transaction_(in_transaction) {}

  // Reads (reads.cc, reads_records.cc).
  Result<std::optional<Patient>> FindPatient(PatientId id);
  Result<std::optional<Patient>> FindPatientByPseudonym(const Pseudonym& pseudonym);
  Result<std::vector<Patient>> FindPatientsByDemographics(const DemographicKey& key, int limit);
  Result<void> ForEachPatient(int64_t changed_after, const Visitor<Patient>& visit);
  Result<std::optional<Procedure>> FindProcedure(std::string_view registry, std::string_view ref);
  Result<std::optional<Procedure>> FindProcedureById(ProcedureId id);
  Result<std::vector<Procedure>> ProcedureHistory(std::string_view registry, std::string_view ref);
  Result<std::vector<Implant>> ImplantsInSitu(const InSituQuery& query);
  Result<std::vector<Implant>> FindImplantsByDevice(const DeviceId& device, std::string_view lot,
                                                    std::string_view serial);
  Result<void> ForEachProcedure(const ProcedureFilter& filter, const Visitor<Procedure>& visit);
  Result<std::optional<AuditRecord>> LastAuditRecord();
  Result<void> ForEachAuditRecord(int64_t after_seq, const Visitor<AuditRecord>& visit);

  // Writes (writes.cc, writes_records.cc); `submission` is the transaction's submission
  // (unstored for none).
  Result<PatientId> PutPatient(const Patient& patient);
  Result<PutKind> PutProcedure(Procedure& procedure, SubmissionId submission);
  Result<void> MarkImplantsRemoved(std::span<const ImplantId> implants, ProcedureId by, Date on);
  Result<void> RecordDeath(PatientId patient, Date date, SubmissionId submission);
  Result<OutcomeEventId> AddOutcomeEvent(const OutcomeEvent& event);
  Result<void> PutOrganisation(const Organisation& organisation);
  Result<void> PutClinician(const Clinician& clinician);
  Result<void> AddFindings(SubmissionId submission, std::span<const Finding> findings);
  Result<int64_t> AppendAudit(const AuditRecord& record);
  // The new submission's id, or none when a committed submission already has the key (waits
  // for a concurrent transaction that inserted the same key to commit or roll back).
  Result<std::optional<SubmissionId>> InsertSubmission(const SubmissionRequest& request);
  Result<void> FinishSubmission(SubmissionId submission, const SubmissionOutcome& outcome);

  // Bulk ingest (ingest4, #4; bulk.cc): the store.h methods of that name.
  Result<std::vector<Patient>> FindPatientsByPseudonyms(std::span<const Pseudonym> pseudonyms);
  Result<std::map<std::string, int, std::less<>>> FindProcedureVersions(
      std::string_view registry, std::span<const std::string> procedure_refs);
  Result<void> InsertPatients(std::span<Patient> patients);
  Result<void> InsertProcedures(std::span<Procedure> procedures, SubmissionId submission);

  // The change sequence number of the open transaction, taken at its first change of patients,
  // procedures or implants: it locks the `changes` table until the transaction ends, so numbers
  // are handed out in commit order. EndTransaction forgets it.
  Result<int64_t> ChangeSeq();
  void EndTransaction() {
    change_seq_ = 0;
    audit_head_.reset();
    audit_appends_ = 0;
  }
  // Audit entries appended by the open transaction (postgres_store.cc commits a transaction that
  // wrote nothing else without waiting for the flush under the chain's lock).
  int audit_appends() const { return audit_appends_; }

 private:
  // Bulk insert by COPY (bulk.cc).
  Result<std::vector<int64_t>> ReserveIds(std::string_view table, size_t n);
  void AddProcedureRow(CopyText& rows, const Procedure& procedure);
  void AddImplantRow(CopyText& rows, const Implant& implant, PatientId patient);
  Result<std::vector<Implant>> ImplantsOf(ProcedureId procedure);
  Result<std::vector<Implant>> ImplantVersionsOf(ProcedureId procedure, int version);
  Result<std::optional<ProcedureId>> InsertNewProcedure(Procedure& procedure);
  Result<void> InsertImplant(Implant& implant, PatientId patient);
  Result<void> ReplaceImplants(Procedure& procedure, std::vector<Implant> previous);
  Result<void> ArchiveVersion(ProcedureId id);
  template <typename T, typename ReadFn>
  Result<void> StreamRows(std::string_view sql, const Params& params, ReadFn read,
                          const Visitor<T>& visit);

  // Takes the audit chain's lock for the rest of the transaction (once) and reads its head.
  Result<void> LockAuditChain();

  Connection& db_;
  bool in_transaction_;
  int64_t change_seq_ = 0;
  // Set while this transaction holds the audit chain's lock: the last entry (none: the log is
  // empty), kept up to date by this transaction's own appends.
  std::optional<std::optional<AuditRecord>> audit_head_;
  int audit_appends_ = 0;
};

// Runs `sql` and collects `read(row)` of every row.
template <typename T, typename ReadFn>
Result<std::vector<T>> Collect(Connection& db, std::string_view sql, const Params& params,
                               ReadFn read) {
  auto rows = db.Query(sql, params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<T> out;
  out.reserve(rows->size());
  for (int i = 0; i < rows->size(); ++i) {
    Result<T> item = read((*rows)[i]);
    if (!item) return std::unexpected(item.error());
    out.push_back(std::move(*item));
  }
  return out;
}

// The first row of Collect, if any.
template <typename T, typename ReadFn>
Result<std::optional<T>> First(Connection& db, std::string_view sql, const Params& params,
                               ReadFn read) {
  auto rows = Collect<T>(db, sql, params, read);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows->front()));
}

template <typename T, typename ReadFn>
Result<void> Queries::StreamRows(std::string_view sql, const Params& params, ReadFn read,
                                 const Visitor<T>& visit) {
  return db_.Stream(sql, params, [&](const Row& row) -> Result<bool> {
    Result<T> item = read(row);
    if (!item) return std::unexpected(item.error());
    return visit(*item);
  });
}

}  // namespace orp::storage::postgres
