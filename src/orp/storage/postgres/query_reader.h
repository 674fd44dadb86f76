// QueryReader<Base>: implements every Reader query of Base (Store or Transaction) on the Queries
// of a ReadLease the derived class supplies: a pooled connection outside any transaction for a
// Store (each read sees what is committed when it starts), the transaction's own connection
// and Queries for a Transaction (it sees its own writes).
#pragma once

#include <optional>
#include <utility>

#include "orp/storage/postgres/pool.h"
#include "orp/storage/postgres/queries.h"
#include "orp/storage/store.h"

namespace orp::storage::postgres {

class ReadLease {
 public:
  // Reads on a pooled connection it owns until destroyed.
  explicit ReadLease(PooledConnection connection)
      : connection_(std::move(connection)), own_(std::in_place, **connection_, false) {}
  // Reads through someone else's Queries (a transaction's).
  explicit ReadLease(Queries& queries) : borrowed_(&queries) {}
  ReadLease(ReadLease&&) = default;
  Queries& queries() { return borrowed_ ? *borrowed_ : *own_; }

 private:
  std::optional<PooledConnection> connection_;
  std::optional<Queries> own_;
  Queries* borrowed_ = nullptr;
};

template <typename Base>
class QueryReader : public Base {
 public:
  Result<std::optional<Patient>> FindPatient(PatientId id) override {
    return Read([&](Queries& q) { return q.FindPatient(id); });
  }
  Result<std::optional<Patient>> FindPatientByPseudonym(const Pseudonym& pseudonym) override {
    return Read([&](Queries& q) { return q.FindPatientByPseudonym(pseudonym); });
  }
  Result<std::vector<Patient>> FindPatientsByDemographics(const DemographicKey& key,
                                                          int limit) override {
    return Read([&](Queries& q) { return q.FindPatientsByDemographics(key, limit); });
  }
  Result<void> ForEachPatient(int64_t changed_after, const Visitor<Patient>& visit) override {
    return Read([&](Queries& q) { return q.ForEachPatient(changed_after, visit); });
  }
  Result<std::optional<Organisation>> FindOrganisation(const OdsCode& code) override {
    return Read([&](Queries& q) { return q.FindOrganisation(code); });
  }
  Result<std::optional<Organisation>> FindOrganisationOfSite(const OdsSiteCode& site) override {
    return Read([&](Queries& q) { return q.FindOrganisationOfSite(site); });
  }
  Result<std::optional<Clinician>> FindClinician(const GmcNumber& gmc) override {
    return Read([&](Queries& q) { return q.FindClinician(gmc); });
  }
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
  Result<std::optional<Procedure>> FindProcedure(std::string_view registry,
                                                 std::string_view ref) override {
    return Read([&](Queries& q) { return q.FindProcedure(registry, ref); });
  }
  Result<std::optional<Procedure>> FindProcedureById(ProcedureId id) override {
    return Read([&](Queries& q) { return q.FindProcedureById(id); });
  }
  Result<std::vector<Procedure>> ProcedureHistory(std::string_view registry,
                                                  std::string_view ref) override {
    return Read([&](Queries& q) { return q.ProcedureHistory(registry, ref); });
  }
  Result<std::vector<Implant>> ImplantsInSitu(const InSituQuery& query) override {
    return Read([&](Queries& q) { return q.ImplantsInSitu(query); });
  }
  Result<std::vector<Implant>> FindImplantsByDevice(const DeviceId& device, std::string_view lot,
                                                    std::string_view serial) override {
    return Read([&](Queries& q) { return q.FindImplantsByDevice(device, lot, serial); });
  }
  Result<void> ForEachProcedure(const ProcedureFilter& filter,
                                const Visitor<Procedure>& visit) override {
    return Read([&](Queries& q) { return q.ForEachProcedure(filter, visit); });
  }
  Result<std::vector<OutcomeEvent>> OutcomeEventsOf(PatientId patient) override {
    return Read([&](Queries& q) { return q.OutcomeEventsOf(patient); });
  }
  Result<std::optional<Submission>> FindSubmission(SubmissionId id) override {
    return Read([&](Queries& q) { return q.FindSubmission(id); });
  }
  Result<std::optional<Submission>> FindSubmissionByKey(std::string_view key) override {
    return Read([&](Queries& q) { return q.FindSubmissionByKey(key); });
  }
  Result<std::vector<Finding>> FindingsOf(SubmissionId id) override {
    return Read([&](Queries& q) { return q.FindingsOf(id); });
  }
  Result<std::optional<AuditRecord>> LastAuditRecord() override {
    return Read([&](Queries& q) { return q.LastAuditRecord(); });
  }
  Result<void> ForEachAuditRecord(int64_t after_seq, const Visitor<AuditRecord>& visit) override {
    return Read([&](Queries& q) { return q.ForEachAuditRecord(after_seq, visit); });
  }
  Result<int64_t> LastChange() override {
    return Read([&](Queries& q) { return q.LastChange(); });
  }
  Result<TableCounts> CountRows() override {
    return Read([&](Queries& q) { return q.CountRows(); });
  }
  Result<std::vector<Patient>> FindPatientsByPseudonyms(
      std::span<const Pseudonym> pseudonyms) override {
    return Read([&](Queries& q) { return q.FindPatientsByPseudonyms(pseudonyms); });
  }
  Result<std::map<std::string, int, std::less<>>> FindProcedureVersions(
      std::string_view registry, std::span<const std::string> procedure_refs) override {
    return Read([&](Queries& q) { return q.FindProcedureVersions(registry, procedure_refs); });
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

  // Recall (recall8, #8)
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

  // Consent (ingest, #5).
  Result<std::vector<Pseudonym>> FindOptedOut(std::span<const Pseudonym> pseudonyms) override {
    return Read([&](Queries& q) { return q.FindOptedOut(pseudonyms); });
  }
  Result<OptOutListInfo> OptOutList() override {
    return Read([&](Queries& q) { return q.OptOutList(); });
  }
  Result<std::optional<OdsRecord>> FindOdsSite(std::string_view site_code) override {
    return Read([&](Queries& q) { return q.FindOdsSite(site_code); });
  }
  Result<std::optional<OdsLoad>> LastOdsLoad() override {
    return Read([&](Queries& q) { return q.LastOdsLoad(); });
  }

  // PROMs (proms, #11)
  Result<std::vector<PromInvitation>> PromInvitationsOf(ProcedureId procedure) override {
    return Read([&](Queries& q) { return q.PromInvitationsOf(procedure); });
  }
  Result<std::optional<PromInvitation>> FindPromInvitationByToken(
      std::string_view token_hash) override {
    return Read([&](Queries& q) { return q.FindPromInvitationByToken(token_hash); });
  }
  Result<std::vector<PromInvitation>> ListPromInvitations(
      const PromInvitationFilter& filter) override {
    return Read([&](Queries& q) { return q.ListPromInvitations(filter); });
  }
  Result<std::vector<PromResponse>> ListPromResponses(std::string_view registry) override {
    return Read([&](Queries& q) { return q.ListPromResponses(registry); });
  }
  Result<std::vector<PromMessage>> ListPromMessages(
      PromMessageStatus status, std::optional<domain::Instant> due_by) override {
    return Read([&](Queries& q) { return q.ListPromMessages(status, due_by); });
  }

 protected:
  virtual Result<ReadLease> AcquireReader() = 0;

  template <typename F>
  auto Read(F f) -> decltype(f(std::declval<Queries&>())) {
    auto lease = AcquireReader();
    if (!lease) return std::unexpected(lease.error());
    return f(lease->queries());
  }
};

}  // namespace orp::storage::postgres
