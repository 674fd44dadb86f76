// ForwardingReader<Base>: implements every Reader query of Base (Reader, Transaction or Store) by
// forwarding to another Reader. Decorators (fault injection, later caching or metrics) derive
// from it and override only what they change.
// Thread safety: that of the target.
#pragma once

#include "orp/storage/store.h"

namespace orp::storage {

template <typename Base>
class ForwardingReader : public Base {
 public:
  explicit ForwardingReader(Reader& target) : target_(target) {}

  Result<std::optional<Patient>> FindPatient(PatientId id) override {
    return target_.FindPatient(id);
  }
  Result<std::optional<Patient>> FindPatientByPseudonym(const Pseudonym& p) override {
    return target_.FindPatientByPseudonym(p);
  }
  Result<std::vector<Patient>> FindPatientsByDemographics(const DemographicKey& key,
                                                          int limit) override {
    return target_.FindPatientsByDemographics(key, limit);
  }
  Result<void> ForEachPatient(int64_t changed_after, const Visitor<Patient>& visit) override {
    return target_.ForEachPatient(changed_after, visit);
  }
  Result<std::optional<Organisation>> FindOrganisation(const OdsCode& code) override {
    return target_.FindOrganisation(code);
  }
  Result<std::optional<Organisation>> FindOrganisationOfSite(const OdsSiteCode& site) override {
    return target_.FindOrganisationOfSite(site);
  }
  Result<std::optional<Clinician>> FindClinician(const GmcNumber& gmc) override {
    return target_.FindClinician(gmc);
  }
  Result<std::optional<DeviceModel>> FindDeviceModel(const DeviceId& device,
                                                     std::optional<Date> on) override {
    return target_.FindDeviceModel(device, on);
  }
  Result<std::vector<DeviceModel>> DeviceModelHistory(const DeviceId& device) override {
    return target_.DeviceModelHistory(device);
  }
  Result<void> ForEachDeviceModel(const Visitor<DeviceModel>& visit) override {
    return target_.ForEachDeviceModel(visit);
  }
  Result<std::optional<Procedure>> FindProcedure(std::string_view registry,
                                                 std::string_view ref) override {
    return target_.FindProcedure(registry, ref);
  }
  Result<std::optional<Procedure>> FindProcedureById(ProcedureId id) override {
    return target_.FindProcedureById(id);
  }
  Result<std::vector<Procedure>> ProcedureHistory(std::string_view registry,
                                                  std::string_view ref) override {
    return target_.ProcedureHistory(registry, ref);
  }
  Result<std::vector<Implant>> ImplantsInSitu(const InSituQuery& query) override {
    return target_.ImplantsInSitu(query);
  }
  Result<std::vector<Implant>> FindImplantsByDevice(const DeviceId& device, std::string_view lot,
                                                    std::string_view serial) override {
    return target_.FindImplantsByDevice(device, lot, serial);
  }
  Result<void> ForEachProcedure(const ProcedureFilter& filter,
                                const Visitor<Procedure>& visit) override {
    return target_.ForEachProcedure(filter, visit);
  }
  Result<std::vector<OutcomeEvent>> OutcomeEventsOf(PatientId patient) override {
    return target_.OutcomeEventsOf(patient);
  }
  Result<std::optional<Submission>> FindSubmission(SubmissionId id) override {
    return target_.FindSubmission(id);
  }
  Result<std::optional<Submission>> FindSubmissionByKey(std::string_view key) override {
    return target_.FindSubmissionByKey(key);
  }
  Result<std::vector<Finding>> FindingsOf(SubmissionId id) override {
    return target_.FindingsOf(id);
  }
  Result<std::optional<AuditRecord>> LastAuditRecord() override {
    return target_.LastAuditRecord();
  }
  Result<void> ForEachAuditRecord(int64_t after_seq, const Visitor<AuditRecord>& visit) override {
    return target_.ForEachAuditRecord(after_seq, visit);
  }
  Result<int64_t> LastChange() override { return target_.LastChange(); }
  Result<TableCounts> CountRows() override { return target_.CountRows(); }
  Result<std::vector<Patient>> FindPatientsByPseudonyms(
      std::span<const Pseudonym> pseudonyms) override {
    return target_.FindPatientsByPseudonyms(pseudonyms);
  }
  Result<std::map<std::string, int, std::less<>>> FindProcedureVersions(
      std::string_view registry, std::span<const std::string> procedure_refs) override {
    return target_.FindProcedureVersions(registry, procedure_refs);
  }

  // Accounts (security, #5).
  Result<std::optional<UserRecord>> FindUser(std::string_view username) override {
    return target_.FindUser(username);
  }
  Result<std::optional<UserRecord>> FindUserById(int64_t user_id) override {
    return target_.FindUserById(user_id);
  }
  Result<std::vector<UserRecord>> ListUsers() override { return target_.ListUsers(); }
  Result<std::optional<SessionRecord>> FindSession(std::string_view id_hash) override {
    return target_.FindSession(id_hash);
  }
  Result<std::optional<ApiTokenRecord>> FindApiToken(std::string_view token_hash) override {
    return target_.FindApiToken(token_hash);
  }
  Result<std::vector<ApiTokenRecord>> ApiTokensOf(int64_t user_id) override {
    return target_.ApiTokensOf(user_id);
  }
  Result<LoginFailures> CountLoginFailures(std::string_view username, std::string_view remote,
                                           domain::Instant since) override {
    return target_.CountLoginFailures(username, remote, since);
  }
  Result<void> ForEachAuditRecordWhere(const AuditQuery& query,
                                       const Visitor<AuditRecord>& visit) override {
    return target_.ForEachAuditRecordWhere(query, visit);
  }

  // Surveillance (surveil7, #7).
  Result<std::vector<Signal>> ListSignals(const SignalFilter& filter) override {
    return target_.ListSignals(filter);
  }
  Result<std::optional<Signal>> FindSignal(int64_t id) override { return target_.FindSignal(id); }

  // Recall (recall8, #8)
  Result<void> ForEachRecallImplant(const RecallImplantQuery& query,
                                    const Visitor<RecallImplantRow>& visit) override {
    return target_.ForEachRecallImplant(query, visit);
  }
  Result<std::optional<Recall>> FindRecall(RecallId id) override { return target_.FindRecall(id); }
  Result<std::optional<Recall>> FindRecallByReference(std::string_view reference) override {
    return target_.FindRecallByReference(reference);
  }
  Result<std::vector<Recall>> ListRecalls() override { return target_.ListRecalls(); }
  Result<std::vector<RecallPatient>> RecallPatients(RecallId recall) override {
    return target_.RecallPatients(recall);
  }
  Result<std::vector<RecallImplantLink>> RecallImplants(RecallId recall) override {
    return target_.RecallImplants(recall);
  }
  Result<std::vector<RecallContact>> RecallContacts(RecallId recall, PatientId patient) override {
    return target_.RecallContacts(recall, patient);
  }

  // Consent (ingest, #5).
  Result<std::vector<Pseudonym>> FindOptedOut(std::span<const Pseudonym> pseudonyms) override {
    return target_.FindOptedOut(pseudonyms);
  }
  Result<OptOutListInfo> OptOutList() override { return target_.OptOutList(); }
  Result<std::optional<OdsRecord>> FindOdsSite(std::string_view site_code) override {
    return target_.FindOdsSite(site_code);
  }
  Result<std::optional<OdsLoad>> LastOdsLoad() override { return target_.LastOdsLoad(); }

  // PROMs (proms, #11)
  Result<std::vector<PromInvitation>> PromInvitationsOf(ProcedureId procedure) override {
    return target_.PromInvitationsOf(procedure);
  }
  Result<std::optional<PromInvitation>> FindPromInvitationByToken(
      std::string_view token_hash) override {
    return target_.FindPromInvitationByToken(token_hash);
  }
  Result<std::vector<PromInvitation>> ListPromInvitations(
      const PromInvitationFilter& filter) override {
    return target_.ListPromInvitations(filter);
  }
  Result<std::vector<PromResponse>> ListPromResponses(std::string_view registry) override {
    return target_.ListPromResponses(registry);
  }
  Result<std::vector<PromMessage>> ListPromMessages(
      PromMessageStatus status, std::optional<domain::Instant> due_by) override {
    return target_.ListPromMessages(status, due_by);
  }

 protected:
  Reader& target_;
};

}  // namespace orp::storage
