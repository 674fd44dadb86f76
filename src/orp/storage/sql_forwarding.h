// The Store methods served by sql::Queries (sql_queries.h), forwarded once for both SQL backends:
// SharedReader<Base> implements their Reader queries for Base (Store or Transaction) and
// SharedWriter<Base> their Transaction writes. A backend's reader derives from SharedReader and
// says how to reach a Queries for one read (WithReadQueries: a pooled connection, the store's
// writer, the transaction's own connection); its transaction derives from SharedWriter and says
// how one write runs (WithWriteQueries: on the transaction's connection, rolling the whole
// transaction back on error). A new method of sql::Queries gets its one forwarding line here.
// Thread safety: as the backend's store and transaction.
#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "orp/storage/patient_reads.h"  // scale (#10)
#include "orp/storage/proms_reads.h"
#include "orp/storage/recall_reads.h"  // recall (#8)
#include "orp/storage/site_reads.h"    // scale (#10)
#include "orp/storage/sql.h"
#include "orp/storage/sql_queries.h"
#include "orp/storage/store.h"
#include "orp/storage/submission_reads.h"
#include "orp/storage/surveillance_reads.h"
#include "orp/storage/token_reads.h"  // scale (#10)

namespace orp::storage::sql {

using QueriesUse = UseRef<Queries>;

// Calls `run` with a UseRef that stores `f(queries)` (and fails as it fails), and returns what
// `f` returned, or the error of `run` when it never called it.
// Q is the backend's Queries: `run` hands over its sql::Queries base.
template <typename Q, typename F, typename RunFn>
auto Forward(F f, RunFn run) -> decltype(f(std::declval<Q&>())) {
  std::optional<decltype(f(std::declval<Q&>()))> out;
  auto done = run([&](Queries& q) -> Result<void> {
    out.emplace(f(static_cast<Q&>(q)));
    if (!*out) return std::unexpected(out->error());  // so that a failed write rolls back
    return {};
  });
  if (!out) return std::unexpected(done.error());  // the Queries could not be reached
  return std::move(*out);
}

// Base: Store or Transaction. Q: the backend's Queries (derived from sql::Queries, with the
// backend-tuned methods of the same names in both backends).
template <typename Base, typename Q>
class SharedReader : public Base,
                     public SurveillanceReads,
                     public PromsReads,
                     public SubmissionReads,
                     public RecallReads,   // recall (#8)
                     public PatientReads,  // scale (#10)
                     public TokenReads,    // scale (#10)
                     public SiteReads {    // scale (#10)
 public:
  Result<std::optional<Patient>> FindPatient(PatientId id) override {
    return Read([&](auto& q) { return q.FindPatient(id); });
  }
  Result<std::optional<Patient>> FindPatientByPseudonym(const Pseudonym& pseudonym) override {
    return Read([&](auto& q) { return q.FindPatientByPseudonym(pseudonym); });
  }
  Result<std::vector<Patient>> FindPatientsByDemographics(const DemographicKey& key,
                                                          int limit) override {
    return Read([&](auto& q) { return q.FindPatientsByDemographics(key, limit); });
  }
  Result<void> ForEachPatient(int64_t changed_after, const Visitor<Patient>& visit) override {
    return Read([&](auto& q) { return q.ForEachPatient(changed_after, visit); });
  }
  Result<std::optional<Organisation>> FindOrganisation(const OdsCode& code) override {
    return Read([&](auto& q) { return q.FindOrganisation(code); });
  }
  Result<std::optional<Organisation>> FindOrganisationOfSite(const OdsSiteCode& site) override {
    return Read([&](auto& q) { return q.FindOrganisationOfSite(site); });
  }
  Result<std::optional<Clinician>> FindClinician(const GmcNumber& gmc) override {
    return Read([&](auto& q) { return q.FindClinician(gmc); });
  }
  Result<std::optional<Procedure>> FindProcedure(std::string_view registry,
                                                 std::string_view ref) override {
    return Read([&](auto& q) { return q.FindProcedure(registry, ref); });
  }
  Result<std::optional<Procedure>> FindProcedureById(ProcedureId id) override {
    return Read([&](auto& q) { return q.FindProcedureById(id); });
  }
  Result<std::vector<Procedure>> ProcedureHistory(std::string_view registry,
                                                  std::string_view ref) override {
    return Read([&](auto& q) { return q.ProcedureHistory(registry, ref); });
  }
  Result<std::vector<Implant>> ImplantsInSitu(const InSituQuery& query) override {
    return Read([&](auto& q) { return q.ImplantsInSitu(query); });
  }
  Result<std::vector<Implant>> FindImplantsByDevice(const DeviceId& device, std::string_view lot,
                                                    std::string_view serial) override {
    return Read([&](auto& q) { return q.FindImplantsByDevice(device, lot, serial); });
  }
  Result<void> ForEachProcedure(const ProcedureFilter& filter,
                                const Visitor<Procedure>& visit) override {
    return Read([&](auto& q) { return q.ForEachProcedure(filter, visit); });
  }
  Result<std::vector<OutcomeEvent>> OutcomeEventsOf(PatientId patient) override {
    return Read([&](auto& q) { return q.OutcomeEventsOf(patient); });
  }
  Result<std::optional<Submission>> FindSubmission(SubmissionId id) override {
    return Read([&](auto& q) { return q.FindSubmission(id); });
  }
  Result<std::optional<Submission>> FindSubmissionByKey(std::string_view key) override {
    return Read([&](auto& q) { return q.FindSubmissionByKey(key); });
  }
  Result<std::vector<Finding>> FindingsOf(SubmissionId id) override {
    return Read([&](auto& q) { return q.FindingsOf(id); });
  }
  Result<std::optional<AuditRecord>> LastAuditRecord() override {
    return Read([&](auto& q) { return q.LastAuditRecord(); });
  }
  Result<void> ForEachAuditRecord(int64_t after_seq, const Visitor<AuditRecord>& visit) override {
    return Read([&](auto& q) { return q.ForEachAuditRecord(after_seq, visit); });
  }
  Result<int64_t> LastChange() override {
    return Read([&](auto& q) { return q.LastChange(); });
  }
  Result<TableCounts> CountRows() override {
    return Read([&](auto& q) { return q.CountRows(); });
  }
  Result<std::vector<Patient>> FindPatientsByPseudonyms(
      std::span<const Pseudonym> pseudonyms) override {
    return Read([&](auto& q) { return q.FindPatientsByPseudonyms(pseudonyms); });
  }
  Result<std::map<std::string, int, std::less<>>> FindProcedureVersions(
      std::string_view registry, std::span<const std::string> procedure_refs) override {
    return Read([&](auto& q) { return q.FindProcedureVersions(registry, procedure_refs); });
  }

  // Device catalogue.
  Result<std::optional<DeviceModel>> FindDeviceModel(const DeviceId& device,
                                                     std::optional<Date> on) override {
    return Read([&](Queries& q) { return q.FindDeviceModel(device, on); });
  }
  Result<std::vector<DeviceModel>> DeviceModelHistory(const DeviceId& device) override {
    return Read([&](Queries& q) { return q.DeviceModelHistory(device); });
  }
  Result<void> ForEachDeviceModel(const Visitor<DeviceModel>& visit) override {
    return Read([&](Queries& q) { return q.ForEachDeviceModel(visit); });
  }

  // Accounts (security, #5).
  Result<std::optional<UserRecord>> FindUser(std::string_view username) override {
    return Read([&](Queries& q) { return q.FindUser(username); });
  }
  Result<std::optional<UserRecord>> FindUserById(int64_t user_id) override {
    return Read([&](Queries& q) { return q.FindUserById(user_id); });
  }
  Result<std::vector<UserRecord>> ListUsers() override {
    return Read([&](Queries& q) { return q.ListUsers(); });
  }
  Result<std::optional<SessionRecord>> FindSession(std::string_view id_hash) override {
    return Read([&](Queries& q) { return q.FindSession(id_hash); });
  }
  Result<std::optional<ApiTokenRecord>> FindApiToken(std::string_view token_hash) override {
    return Read([&](Queries& q) { return q.FindApiToken(token_hash); });
  }
  Result<std::vector<ApiTokenRecord>> ApiTokensOf(int64_t user_id) override {
    return Read([&](Queries& q) { return q.ApiTokensOf(user_id); });
  }
  Result<LoginFailures> CountLoginFailures(std::string_view username, std::string_view remote,
                                           domain::Instant since) override {
    return Read([&](Queries& q) { return q.CountLoginFailures(username, remote, since); });
  }
  Result<void> ForEachAuditRecordWhere(const AuditQuery& query,
                                       const Visitor<AuditRecord>& visit) override {
    return Read([&](Queries& q) { return q.ForEachAuditRecordWhere(query, visit); });
  }

  // Surveillance (surveil7, #7).
  Result<std::vector<Signal>> ListSignals(const SignalFilter& filter) override {
    return Read([&](Queries& q) { return q.ListSignals(filter); });
  }
  Result<std::optional<Signal>> FindSignal(int64_t id) override {
    return Read([&](Queries& q) { return q.FindSignal(id); });
  }
  // The lean cohort read (surveillance_reads.h).
  Result<void> ForEachSurveillanceRow(Date data_cut,
                                      const Visitor<SurveillanceRow>& visit) override {
    return Read([&](Queries& q) { return q.ForEachSurveillanceRow(data_cut, visit); });
  }
  Result<void> ForEachChangedSurveillanceRow(int64_t changed_after, Date data_cut,
                                             const Visitor<SurveillanceRow>& visit) override {
    return Read([&](Queries& q) {
      return q.ForEachChangedSurveillanceRow(changed_after, data_cut, visit);
    });
  }

  // Recall (recall8, #8).
  Result<void> ForEachRecallImplant(const RecallImplantQuery& query,
                                    const Visitor<RecallImplantRow>& visit) override {
    return Read([&](Queries& q) { return q.ForEachRecallImplant(query, visit); });
  }
  Result<std::optional<Recall>> FindRecall(RecallId id) override {
    return Read([&](Queries& q) { return q.FindRecall(id); });
  }
  Result<std::optional<Recall>> FindRecallByReference(std::string_view reference) override {
    return Read([&](Queries& q) { return q.FindRecallByReference(reference); });
  }
  Result<std::vector<Recall>> ListRecalls() override {
    return Read([&](Queries& q) { return q.ListRecalls(); });
  }
  Result<std::vector<RecallPatient>> RecallPatients(RecallId recall) override {
    return Read([&](Queries& q) { return q.RecallPatients(recall); });
  }
  Result<std::vector<RecallImplantLink>> RecallImplants(RecallId recall) override {
    return Read([&](Queries& q) { return q.RecallImplants(recall); });
  }
  Result<std::vector<RecallContact>> RecallContacts(RecallId recall, PatientId patient) override {
    return Read([&](Queries& q) { return q.RecallContacts(recall, patient); });
  }
  // The patient-ordered read (recall_reads.h).
  Result<void> ForEachRecallImplantByPatient(const RecallImplantQuery& query,
                                             const Visitor<RecallImplantRow>& visit) override {
    return Read([&](Queries& q) { return q.ForEachRecallImplantByPatient(query, visit); });
  }
  Result<void> ForEachRecallImplantPartByPatient(const RecallImplantQuery& query, int part,
                                                 int parts,
                                                 const Visitor<RecallImplantRow>& visit) override {
    return Read(
        [&](Queries& q) { return q.ForEachRecallImplantPartByPatient(query, part, parts, visit); });
  }
  Result<std::vector<RecallPatientEntry>> RecallPatientsAfter(
      const RecallPatientsQuery& query) override {
    return Read([&](Queries& q) { return q.RecallPatientsAfter(query); });
  }

  // Consent (ingest, #5).
  Result<std::vector<Pseudonym>> FindOptedOut(std::span<const Pseudonym> pseudonyms) override {
    return Read([&](auto& q) { return q.FindOptedOut(pseudonyms); });
  }
  Result<OptOutListInfo> OptOutList() override {
    return Read([&](auto& q) { return q.OptOutList(); });
  }
  Result<std::optional<OdsRecord>> FindOdsSite(std::string_view site_code) override {
    return Read([&](auto& q) { return q.FindOdsSite(site_code); });
  }
  Result<std::optional<OdsLoad>> LastOdsLoad() override {
    return Read([&](auto& q) { return q.LastOdsLoad(); });
  }

  // PROMs (proms, #11)
  Result<std::vector<PromInvitation>> PromInvitationsOf(ProcedureId procedure) override {
    return Read([&](auto& q) { return q.PromInvitationsOf(procedure); });
  }
  Result<std::optional<PromInvitation>> FindPromInvitationByToken(
      std::string_view token_hash) override {
    return Read([&](auto& q) { return q.FindPromInvitationByToken(token_hash); });
  }
  Result<std::vector<PromInvitation>> ListPromInvitations(
      const PromInvitationFilter& filter) override {
    return Read([&](auto& q) { return q.ListPromInvitations(filter); });
  }
  Result<std::vector<PromResponse>> ListPromResponses(std::string_view registry) override {
    return Read([&](auto& q) { return q.ListPromResponses(registry); });
  }
  Result<std::vector<PromMessage>> ListPromMessages(
      PromMessageStatus status, std::optional<domain::Instant> due_by) override {
    return Read([&](auto& q) { return q.ListPromMessages(status, due_by); });
  }
  // The indexed PROMs read by patient (proms, #11; proms_reads.h).
  Result<std::vector<PromInvitation>> PromInvitationsOfPatient(PatientId patient) override {
    return Read([&](Queries& q) { return q.PromInvitationsOfPatient(patient); });
  }
  Result<std::vector<PromResponse>> PromResponsesOfPatient(PatientId patient) override {
    return Read([&](Queries& q) { return q.PromResponsesOfPatient(patient); });
  }

  // Submission history (web, #9; submission_reads.h).
  Result<std::vector<SubmissionSummary>> ListSubmissions(std::string_view submitter,
                                                         int64_t before_id, int limit) override {
    return Read([&](Queries& q) { return q.ListSubmissions(submitter, before_id, limit); });
  }
  Result<std::vector<WaitingFinding>> ListWaitingForFix(std::string_view submitter,
                                                        int64_t after_submission,
                                                        int64_t after_ordinal, int limit) override {
    return Read([&](Queries& q) {
      return q.ListWaitingForFix(submitter, after_submission, after_ordinal, limit);
    });
  }

  // The patient page's read (scale, #10; patient_reads.h).
  Result<std::vector<PatientImplantRow>> PatientImplantsInSitu(PatientId patient) override {
    return Read([&](Queries& q) { return q.PatientImplantsInSitu(patient); });
  }
  // The token with its user (scale, #10; token_reads.h).
  Result<std::optional<TokenWithUser>> FindApiTokenWithUser(std::string_view token_hash) override {
    return Read([&](Queries& q) { return q.FindApiTokenWithUser(token_hash); });
  }
  // The session with its user (scale, #10; token_reads.h).
  Result<std::optional<SessionWithUser>> FindSessionWithUser(std::string_view id_hash) override {
    return Read([&](Queries& q) { return q.FindSessionWithUser(id_hash); });
  }
  // The organisations of many sites (scale, #10; site_reads.h).
  Result<std::map<std::string, std::string>> OrganisationsOfSites(
      std::span<const OdsSiteCode> sites) override {
    return Read([&](Queries& q) { return q.OrganisationsOfSites(sites); });
  }

 protected:
  // Runs `use` on the Queries of one read; the error of reaching them otherwise.
  virtual Result<void> WithReadQueries(QueriesUse use) = 0;

 private:
  template <typename F>
  auto Read(F f) -> decltype(f(std::declval<Q&>())) {
    return Forward<Q>(f, [&](QueriesUse use) { return WithReadQueries(use); });
  }
};

// Base: the backend's transaction reader. Q: the backend's Queries.
template <typename Base, typename Q>
class SharedWriter : public Base {
 public:
  Result<PatientId> PutPatient(const Patient& patient) override {
    return Write([&](auto& q) { return q.PutPatient(patient); });
  }
  Result<PutKind> PutProcedure(Procedure& procedure) override {
    return Write([&](auto& q) { return q.PutProcedure(procedure, this->submission()); });
  }
  Result<void> MarkImplantsRemoved(std::span<const ImplantId> implants, ProcedureId by,
                                   Date on) override {
    return Write([&](auto& q) { return q.MarkImplantsRemoved(implants, by, on); });
  }
  Result<void> RecordDeath(PatientId patient, Date date) override {
    return Write([&](auto& q) { return q.RecordDeath(patient, date, this->submission()); });
  }
  Result<OutcomeEventId> AddOutcomeEvent(const OutcomeEvent& event) override {
    return Write([&](auto& q) { return q.AddOutcomeEvent(event); });
  }
  Result<void> PutOrganisation(const Organisation& organisation) override {
    return Write([&](auto& q) { return q.PutOrganisation(organisation); });
  }
  Result<void> PutClinician(const Clinician& clinician) override {
    return Write([&](auto& q) { return q.PutClinician(clinician); });
  }
  Result<int64_t> AppendAudit(const AuditRecord& record) override {
    return Write([&](auto& q) { return q.AppendAudit(record); });
  }
  Result<void> InsertPatients(std::span<Patient> patients) override {
    return Write([&](auto& q) { return q.InsertPatients(patients); });
  }
  Result<void> InsertProcedures(std::span<Procedure> procedures) override {
    return Write([&](auto& q) { return q.InsertProcedures(procedures, this->submission()); });
  }

  // Device catalogue.
  Result<void> PutDeviceModel(const DeviceModel& model) override {
    return Write([&](Queries& q) { return q.PutDeviceModel(model); });
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

  // Recall (recall8, #8).
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
    return Write([&](auto& q) -> Result<OptOutLoadResult> {
      auto seq = q.ChangeSeq();
      if (!seq) return std::unexpected(seq.error());
      return q.ReplaceOptOuts(list, load, *seq);
    });
  }
  Result<void> PutOdsRecords(std::span<const OdsRecord> records, const OdsLoad& load) override {
    return Write([&](auto& q) { return q.PutOdsRecords(records, load); });
  }

  // PROMs (proms, #11)
  Result<bool> AddPromInvitation(PromInvitation& invitation) override {
    return Write([&](auto& q) { return q.AddPromInvitation(invitation); });
  }
  Result<void> UpdatePromInvitation(const PromInvitation& invitation) override {
    return Write([&](auto& q) { return q.UpdatePromInvitation(invitation); });
  }
  Result<bool> AddPromResponse(PromResponse& response) override {
    return Write([&](auto& q) { return q.AddPromResponse(response); });
  }
  Result<bool> EnqueuePromMessage(PromMessage& message) override {
    return Write([&](auto& q) { return q.EnqueuePromMessage(message); });
  }
  Result<void> UpdatePromMessage(const PromMessage& message) override {
    return Write([&](auto& q) { return q.UpdatePromMessage(message); });
  }

  // Accounts, continued (security, #5).
  Result<void> SetUserPassword(int64_t user_id, std::string_view password_hash) override {
    return Write([&](Queries& q) { return q.SetUserPassword(user_id, password_hash); });
  }
  Result<void> DeleteSessionsOfExcept(int64_t user_id, std::string_view keep_id_hash) override {
    return Write([&](Queries& q) { return q.DeleteSessionsOfExcept(user_id, keep_id_hash); });
  }
  Result<bool> ClaimTotpStep(int64_t user_id, int64_t step) override {
    return Write([&](Queries& q) { return q.ClaimTotpStep(user_id, step); });
  }

 protected:
  // Runs `use` as one write of the transaction: its error rolls the transaction back.
  virtual Result<void> WithWriteQueries(QueriesUse use) = 0;

 private:
  template <typename F>
  auto Write(F f) -> decltype(f(std::declval<Q&>())) {
    return Forward<Q>(f, [&](QueriesUse use) { return WithWriteQueries(use); });
  }
};

}  // namespace orp::storage::sql
