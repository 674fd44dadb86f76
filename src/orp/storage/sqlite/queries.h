// Queries: every SQL statement of the SQLite backend, as plain methods over one Connection.
// SqliteStore and its transactions call these under their lock; this class knows nothing of
// locking or transaction boundaries (the caller issues BEGIN/COMMIT).
// Reads are in reads.cc, writes in writes.cc. Error codes as in storage/store.h.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "orp/storage/sqlite/connection.h"
#include "orp/storage/store.h"

namespace orp::storage::sqlite {

class Queries {
 public:
  explicit Queries(Connection& connection) : db_(connection) {}

  // Reads (reads.cc).
  Result<std::optional<Patient>> FindPatient(PatientId id);
  Result<std::optional<Patient>> FindPatientByPseudonym(const Pseudonym& pseudonym);
  Result<std::vector<Patient>> FindPatientsByDemographics(const DemographicKey& key, int limit);
  Result<void> ForEachPatient(int64_t changed_after, const Visitor<Patient>& visit);
  Result<std::optional<Organisation>> FindOrganisation(const OdsCode& code);
  Result<std::optional<Organisation>> FindOrganisationOfSite(const OdsSiteCode& site);
  Result<std::optional<Clinician>> FindClinician(const GmcNumber& gmc);
  // Device models (device_models.cc).
  Result<std::optional<DeviceModel>> FindDeviceModel(const DeviceId& device,
                                                     std::optional<Date> on);
  Result<std::vector<DeviceModel>> DeviceModelHistory(const DeviceId& device);
  Result<void> ForEachDeviceModel(const Visitor<DeviceModel>& visit);
  Result<std::optional<Procedure>> FindProcedure(std::string_view registry, std::string_view ref);
  Result<std::optional<Procedure>> FindProcedureById(ProcedureId id);
  Result<std::vector<Procedure>> ProcedureHistory(std::string_view registry, std::string_view ref);
  Result<std::vector<Implant>> ImplantsInSitu(const InSituQuery& query);
  Result<std::vector<Implant>> FindImplantsByDevice(const DeviceId& device, std::string_view lot,
                                                    std::string_view serial);
  Result<void> ForEachProcedure(const ProcedureFilter& filter, const Visitor<Procedure>& visit);
  Result<std::vector<OutcomeEvent>> OutcomeEventsOf(PatientId patient);
  Result<std::optional<Submission>> FindSubmission(SubmissionId id);
  Result<std::optional<Submission>> FindSubmissionByKey(std::string_view key);
  Result<std::vector<Finding>> FindingsOf(SubmissionId id);
  Result<std::optional<AuditRecord>> LastAuditRecord();
  Result<void> ForEachAuditRecord(int64_t after_seq, const Visitor<AuditRecord>& visit);
  Result<int64_t> LastChange();
  Result<TableCounts> CountRows();

  // Writes (writes.cc); `submission` is the transaction's submission (unstored for none).
  Result<PatientId> PutPatient(const Patient& patient);
  Result<PutKind> PutProcedure(Procedure& procedure, SubmissionId submission);
  Result<void> MarkImplantsRemoved(std::span<const ImplantId> implants, ProcedureId by, Date on);
  Result<void> RecordDeath(PatientId patient, Date date, SubmissionId submission);
  Result<OutcomeEventId> AddOutcomeEvent(const OutcomeEvent& event);
  Result<void> PutOrganisation(const Organisation& organisation);
  Result<void> PutClinician(const Clinician& clinician);
  Result<void> PutDeviceModel(const DeviceModel& model);  // device_models.cc
  Result<void> AddFindings(SubmissionId submission, std::span<const Finding> findings);
  Result<int64_t> AppendAudit(const AuditRecord& record);
  Result<SubmissionId> InsertSubmission(const SubmissionRequest& request);
  Result<void> FinishSubmission(SubmissionId submission, const SubmissionOutcome& outcome);

  // Accounts (security, #5; accounts.cc).
  Result<std::optional<UserRecord>> FindUser(std::string_view username);
  Result<std::optional<UserRecord>> FindUserById(int64_t user_id);
  Result<std::vector<UserRecord>> ListUsers();
  Result<std::optional<SessionRecord>> FindSession(std::string_view id_hash);
  Result<std::optional<ApiTokenRecord>> FindApiToken(std::string_view token_hash);
  Result<std::vector<ApiTokenRecord>> ApiTokensOf(int64_t user_id);
  Result<LoginFailures> CountLoginFailures(std::string_view username, std::string_view remote,
                                           domain::Instant since);
  Result<void> ForEachAuditRecordWhere(const AuditQuery& query, const Visitor<AuditRecord>& visit);
  Result<int64_t> AddUser(const UserRecord& user);
  Result<void> SetUserDisabled(int64_t user_id, bool disabled);
  Result<void> AddSession(const SessionRecord& session);
  Result<void> TouchSession(std::string_view id_hash, domain::Instant at);
  Result<void> DeleteSession(std::string_view id_hash);
  Result<void> DeleteSessionsOf(int64_t user_id);
  Result<int64_t> AddApiToken(const ApiTokenRecord& token);
  Result<void> RevokeApiToken(int64_t token_id, domain::Instant at);
  Result<void> RecordLoginAttempt(const LoginAttempt& attempt);
  // Bulk ingest (ingest4, #4; bulk.cc): the store.h methods of that name.
  Result<std::vector<Patient>> FindPatientsByPseudonyms(std::span<const Pseudonym> pseudonyms);
  Result<std::map<std::string, int, std::less<>>> FindProcedureVersions(
      std::string_view registry, std::span<const std::string> procedure_refs);
  Result<void> InsertPatients(std::span<Patient> patients);
  Result<void> InsertProcedures(std::span<Procedure> procedures, SubmissionId submission);
  // Recall (recall8, #8; recall.cc).
  Result<void> ForEachRecallImplant(const RecallImplantQuery& query,
                                    const Visitor<RecallImplantRow>& visit);
  Result<std::optional<Recall>> FindRecall(RecallId id);
  Result<std::optional<Recall>> FindRecallByReference(std::string_view reference);
  Result<std::vector<Recall>> ListRecalls();
  Result<std::vector<RecallPatient>> RecallPatients(RecallId recall);
  Result<std::vector<RecallImplantLink>> RecallImplants(RecallId recall);
  Result<std::vector<RecallContact>> RecallContacts(RecallId recall, PatientId patient);
  Result<void> PutRecall(Recall& recall);
  Result<void> PutRecallPatient(const RecallPatient& patient);
  Result<void> AddRecallImplant(const RecallImplantLink& link);
  Result<void> AddRecallContact(RecallContact& contact);
  // PROMs (proms, #11): proms.cc
  Result<std::vector<PromInvitation>> PromInvitationsOf(ProcedureId procedure);
  Result<std::optional<PromInvitation>> FindPromInvitationByToken(std::string_view token_hash);
  Result<std::vector<PromInvitation>> ListPromInvitations(const PromInvitationFilter& filter);
  Result<std::vector<PromResponse>> ListPromResponses(std::string_view registry);
  Result<std::vector<PromMessage>> ListPromMessages(PromMessageStatus status,
                                                    std::optional<domain::Instant> due_by);
  Result<bool> AddPromInvitation(PromInvitation& invitation);
  Result<void> UpdatePromInvitation(const PromInvitation& invitation);
  Result<bool> AddPromResponse(PromResponse& response);
  Result<bool> EnqueuePromMessage(PromMessage& message);
  Result<void> UpdatePromMessage(const PromMessage& message);

  // The change sequence number of the open transaction, allocated at its first change of
  // patients, procedures or implants; EndTransaction forgets it.
  Result<int64_t> ChangeSeq();
  void EndTransaction() { change_seq_ = 0; }

  // Surveillance (surveil7, #7): signals.cc.
  Result<std::vector<Signal>> ListSignals(const SignalFilter& filter);
  Result<std::optional<Signal>> FindSignal(int64_t id);
  Result<SignalPutResult> PutSignal(const Signal& signal);
  Result<void> SetSignalStatus(int64_t id, SignalStatus status, std::string_view reason);

 private:
  Result<std::vector<Implant>> ImplantsOf(ProcedureId procedure);
  Result<std::vector<Implant>> ImplantVersionsOf(ProcedureId procedure, int version);
  Result<void> InsertImplants(Procedure& procedure);
  Result<void> ReplaceImplants(Procedure& procedure, std::vector<Implant> previous);
  Result<void> ArchiveVersion(ProcedureId id);
  Result<std::optional<UserRecord>> FindUserWhere(std::string_view where,
                                                  const std::function<void(Stmt&)>& bind);

  Connection& db_;
  int64_t change_seq_ = 0;
};

}  // namespace orp::storage::sqlite
