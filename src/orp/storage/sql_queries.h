// sql::Queries: the Store queries written once, over the statement interface of storage/sql.h,
// for both SQL backends. Each backend's own Queries class (sqlite/queries.h, postgres/queries.h)
// derives from this one and adds the statements it tunes for its engine (ingest's bulk paths,
// the cohort streams, submissions and the audit chain). A new Store method goes here, in a file
// sql_<area>.cc, once: README.md "Writing a Store method once for both backends".
// Semantics and error codes as in store.h. Thread safety: none (one connection).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "orp/storage/patient_reads.h"  // scale (#10)
#include "orp/storage/proms_reads.h"
#include "orp/storage/recall_reads.h"  // recall (#8)
#include "orp/storage/site_reads.h"    // scale (#10)
#include "orp/storage/sql.h"
#include "orp/storage/store.h"
#include "orp/storage/submission_reads.h"
#include "orp/storage/surveillance_reads.h"
#include "orp/storage/token_reads.h"  // scale (#10)

namespace orp::storage::sql {

class Queries {
 public:
  explicit Queries(Database& database) : db_(database) {}

  // Device catalogue (sql_device_models.cc; migrations 0001, 0003).
  Result<std::optional<DeviceModel>> FindDeviceModel(const DeviceId& device,
                                                     std::optional<Date> on);
  Result<std::vector<DeviceModel>> DeviceModelHistory(const DeviceId& device);
  Result<void> ForEachDeviceModel(const Visitor<DeviceModel>& visit);
  Result<void> PutDeviceModel(const DeviceModel& model);

  // Accounts (security, #5; sql_accounts.cc; migration 0004).
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

  // Recall (recall8, #8; sql_recall.cc; migration 0007).
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
  // The patient-ordered read (recall_reads.h).
  Result<void> ForEachRecallImplantByPatient(const RecallImplantQuery& query,
                                             const Visitor<RecallImplantRow>& visit);
  Result<void> ForEachRecallImplantPartByPatient(const RecallImplantQuery& query, int part,
                                                 int parts, const Visitor<RecallImplantRow>& visit);
  Result<std::vector<RecallPatientEntry>> RecallPatientsAfter(const RecallPatientsQuery& query);

  // Surveillance signals (surveil7, #7; sql_signals.cc; migration 0006).
  Result<std::vector<Signal>> ListSignals(const SignalFilter& filter);
  Result<std::optional<Signal>> FindSignal(int64_t id);
  Result<SignalPutResult> PutSignal(const Signal& signal);
  Result<void> SetSignalStatus(int64_t id, SignalStatus status, std::string_view reason);
  Result<void> ForEachSurveillanceRow(Date data_cut, const Visitor<SurveillanceRow>& visit);
  Result<void> ForEachChangedSurveillanceRow(int64_t changed_after, Date data_cut,
                                             const Visitor<SurveillanceRow>& visit);

  // Consent and ODS reference data (ingest, #4/#5; sql_consent.cc, sql_ods.cc; migration 0008).
  // ReplaceOptOuts stamps the patients it changes with `change_seq`, the transaction's change
  // number (which each backend assigns its own way: sql_forwarding.h asks it first).
  Result<std::vector<Pseudonym>> FindOptedOut(std::span<const Pseudonym> pseudonyms);
  Result<OptOutListInfo> OptOutList();
  Result<OptOutLoadResult> ReplaceOptOuts(std::span<const Pseudonym> list, const OptOutLoad& load,
                                          int64_t change_seq);
  Result<std::optional<OdsRecord>> FindOdsSite(std::string_view site_code);
  Result<std::optional<OdsLoad>> LastOdsLoad();
  Result<void> PutOdsRecords(std::span<const OdsRecord> records, const OdsLoad& load);

  // PROMs (proms, #11; sql_proms.cc; migration 0009).
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
  // The indexed read by patient (proms_reads.h; migration 0012).
  Result<std::vector<PromInvitation>> PromInvitationsOfPatient(PatientId patient);
  Result<std::vector<PromResponse>> PromResponsesOfPatient(PatientId patient);

  // Accounts, continued (security, #5; sql_accounts_more.cc; migration 0011).
  Result<void> SetUserPassword(int64_t user_id, std::string_view password_hash);
  Result<void> DeleteSessionsOfExcept(int64_t user_id, std::string_view keep_id_hash);
  Result<bool> ClaimTotpStep(int64_t user_id, int64_t step);

  // Submission history (web, #9; sql_submission_reads.cc; submission_reads.h).
  Result<std::vector<SubmissionSummary>> ListSubmissions(std::string_view submitter,
                                                         int64_t before_id, int limit);
  Result<std::vector<WaitingFinding>> ListWaitingForFix(std::string_view submitter,
                                                        int64_t after_submission,
                                                        int64_t after_ordinal, int limit);

  // Submissions, findings, outcome events, the change sequence and row counts (mend, #10's
  // twins; sql_records.cc).
  Result<std::optional<Submission>> FindSubmission(SubmissionId id);
  Result<std::optional<Submission>> FindSubmissionByKey(std::string_view key);
  Result<std::vector<Finding>> FindingsOf(SubmissionId id);
  Result<std::vector<OutcomeEvent>> OutcomeEventsOf(PatientId patient);
  Result<int64_t> LastChange();
  Result<TableCounts> CountRows();
  // Organisations with their sites, and clinicians (mend, #10's twins; sql_reference.cc).
  Result<std::optional<Organisation>> FindOrganisation(const OdsCode& code);
  Result<std::optional<Organisation>> FindOrganisationOfSite(const OdsSiteCode& site);
  Result<std::optional<Clinician>> FindClinician(const GmcNumber& gmc);
  // The patient page's implants in situ (scale, #10; patient_reads.h; sql_patient_reads.cc).
  Result<std::vector<PatientImplantRow>> PatientImplantsInSitu(PatientId patient);
  // The API token with its user (scale, #10; token_reads.h; sql_accounts.cc).
  Result<std::optional<TokenWithUser>> FindApiTokenWithUser(std::string_view token_hash);
  // The session with its user (scale, #10; token_reads.h; sql_accounts.cc).
  Result<std::optional<SessionWithUser>> FindSessionWithUser(std::string_view id_hash);
  // The organisations of many sites (scale, #10; site_reads.h; sql_site_reads.cc).
  Result<std::map<std::string, std::string>> OrganisationsOfSites(
      std::span<const OdsSiteCode> sites);

 private:
  // The user and its grants selected by kUserGrantColumns then `rest` (any further columns, the
  // FROM and the WHERE); `extra`, if given, reads the further columns of the first row. A row
  // whose user id is NULL (an outer join that found no user) gives no user.
  Result<std::optional<UserRecord>> FindUserWhere(
      std::string_view rest, const std::function<void(Statement&)>& bind,
      const std::function<Result<void>(const Statement&)>& extra = {});

  Database& db_;
};

// The records-waiting-for-a-fix query (sql_submission_reads.cc), named for the SQLite plan test.
extern const std::string_view kWaitingForFixQuery;

}  // namespace orp::storage::sql
