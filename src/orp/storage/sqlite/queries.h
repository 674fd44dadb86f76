// Queries: every SQL statement of the SQLite backend, as plain methods over one Connection.
// SqliteStore and its transactions call these under their lock; this class knows nothing of
// locking or transaction boundaries (the caller issues BEGIN/COMMIT).
// Reads are in reads.cc, writes in writes.cc. Error codes as in storage/store.h.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orp/storage/sql_queries.h"
#include "orp/storage/sqlite/connection.h"
#include "orp/storage/store.h"

namespace orp::storage::sqlite {

// The statements written once for both backends are inherited from sql::Queries
// (storage/sql_queries.h); the ones below are this backend's own.
class Queries : public sql::Queries {
 public:
  explicit Queries(Connection& connection) : sql::Queries(connection), db_(connection) {}

  // Reads (reads.cc).
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

  // Writes (writes.cc); `submission` is the transaction's submission (unstored for none).
  Result<PatientId> PutPatient(const Patient& patient);
  Result<PutKind> PutProcedure(Procedure& procedure, SubmissionId submission);
  Result<void> MarkImplantsRemoved(std::span<const ImplantId> implants, ProcedureId by, Date on);
  Result<void> RecordDeath(PatientId patient, Date date, SubmissionId submission);
  Result<OutcomeEventId> AddOutcomeEvent(const OutcomeEvent& event);
  Result<void> PutOrganisation(const Organisation& organisation);
  Result<void> PutClinician(const Clinician& clinician);
  Result<void> AddFindings(SubmissionId submission, std::span<const Finding> findings);
  Result<int64_t> AppendAudit(const AuditRecord& record);
  Result<SubmissionId> InsertSubmission(const SubmissionRequest& request);
  Result<void> FinishSubmission(SubmissionId submission, const SubmissionOutcome& outcome);

  // Bulk ingest (ingest4, #4; bulk.cc): the store.h methods of that name.
  Result<std::vector<Patient>> FindPatientsByPseudonyms(std::span<const Pseudonym> pseudonyms);
  Result<std::map<std::string, int, std::less<>>> FindProcedureVersions(
      std::string_view registry, std::span<const std::string> procedure_refs);
  Result<void> InsertPatients(std::span<Patient> patients);
  Result<void> InsertProcedures(std::span<Procedure> procedures, SubmissionId submission);

  // Bulk load (ingest, #4; bulk_load.cc): storage/bulk_load_writes.h. DropIndexes returns the
  // CREATE statements of those of `names` that existed, in the order dropped.
  Result<int64_t> MaxProcedureId();
  Result<int64_t> MaxPatientId();
  Result<std::vector<std::string>> DropIndexes(std::span<const std::string_view> names);
  Result<void> CreateIndexes(std::span<const std::string> definitions);
  // PRAGMA cache_size: pages if > 0, else -KiB.
  Result<int64_t> CacheSize();
  Result<void> SetCacheSize(int64_t cache_size);
  Result<std::vector<Implant>> ImplantsById(std::span<const int64_t> ids);

  // The change sequence number of the open transaction, allocated at its first change of
  // patients, procedures or implants; EndTransaction forgets it.
  Result<int64_t> ChangeSeq();
  void EndTransaction() { change_seq_ = 0; }

 private:
  Result<std::vector<Implant>> ImplantsOf(ProcedureId procedure);
  Result<std::vector<Implant>> ImplantVersionsOf(ProcedureId procedure, int version);
  Result<void> InsertImplants(Procedure& procedure);
  Result<void> ReplaceImplants(Procedure& procedure, std::vector<Implant> previous);
  Result<void> ArchiveVersion(ProcedureId id);

  Connection& db_;
  int64_t change_seq_ = 0;
};

}  // namespace orp::storage::sqlite
