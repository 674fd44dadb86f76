#include "orp/storage/fault_injection.h"

#include <fmt/format.h>

namespace orp::storage {
namespace {

// Wraps a transaction of the inner store; every write first asks the store whether to fail.
class FaultInjectingTransaction : public ForwardingReader<Transaction> {
 public:
  FaultInjectingTransaction(FaultInjectingStore& store, std::unique_ptr<Transaction> inner)
      : ForwardingReader<Transaction>(*inner), store_(store), inner_(std::move(inner)) {}

  SubmissionId submission() const override { return inner_->submission(); }
  Result<PatientId> PutPatient(const Patient& patient) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->PutPatient(patient);
  }
  Result<PutKind> PutProcedure(Procedure& procedure) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->PutProcedure(procedure);
  }
  Result<void> MarkImplantsRemoved(std::span<const ImplantId> implants, ProcedureId by,
                                   Date on) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->MarkImplantsRemoved(implants, by, on);
  }
  Result<void> RecordDeath(PatientId patient, Date date) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->RecordDeath(patient, date);
  }
  Result<OutcomeEventId> AddOutcomeEvent(const OutcomeEvent& event) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->AddOutcomeEvent(event);
  }
  Result<void> PutOrganisation(const Organisation& organisation) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->PutOrganisation(organisation);
  }
  Result<void> PutClinician(const Clinician& clinician) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->PutClinician(clinician);
  }
  Result<void> PutDeviceModel(const DeviceModel& model) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->PutDeviceModel(model);
  }
  Result<void> AddFindings(std::span<const Finding> findings) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->AddFindings(findings);
  }
  Result<int64_t> AppendAudit(const AuditRecord& record) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->AppendAudit(record);
  }
  Result<void> FinishSubmission(const SubmissionOutcome& outcome) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->FinishSubmission(outcome);
  }
  Result<void> Commit() override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->Commit();
  }
  Result<void> InsertPatients(std::span<Patient> patients) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->InsertPatients(patients);
  }
  Result<void> InsertProcedures(std::span<Procedure> procedures) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->InsertProcedures(procedures);
  }

  // Accounts (security, #5).
  Result<int64_t> AddUser(const UserRecord& user) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->AddUser(user);
  }
  Result<void> SetUserDisabled(int64_t user_id, bool disabled) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->SetUserDisabled(user_id, disabled);
  }
  Result<void> AddSession(const SessionRecord& session) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->AddSession(session);
  }
  Result<void> TouchSession(std::string_view id_hash, domain::Instant at) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->TouchSession(id_hash, at);
  }
  Result<void> DeleteSession(std::string_view id_hash) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->DeleteSession(id_hash);
  }
  Result<void> DeleteSessionsOf(int64_t user_id) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->DeleteSessionsOf(user_id);
  }
  Result<int64_t> AddApiToken(const ApiTokenRecord& token) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->AddApiToken(token);
  }
  Result<void> RevokeApiToken(int64_t token_id, domain::Instant at) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->RevokeApiToken(token_id, at);
  }
  Result<void> RecordLoginAttempt(const LoginAttempt& attempt) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->RecordLoginAttempt(attempt);
  }

  // Surveillance (surveil7, #7).
  Result<SignalPutResult> PutSignal(const Signal& signal) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->PutSignal(signal);
  }
  Result<void> SetSignalStatus(int64_t id, SignalStatus status, std::string_view reason) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->SetSignalStatus(id, status, reason);
  }

  // Recall (recall8, #8)
  Result<void> PutRecall(Recall& recall) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->PutRecall(recall);
  }
  Result<void> PutRecallPatient(const RecallPatient& patient) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->PutRecallPatient(patient);
  }
  Result<void> AddRecallImplant(const RecallImplantLink& link) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->AddRecallImplant(link);
  }
  Result<void> AddRecallContact(RecallContact& contact) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->AddRecallContact(contact);
  }
  Result<OptOutLoadResult> ReplaceOptOuts(std::span<const Pseudonym> list,
                                          const OptOutLoad& load) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->ReplaceOptOuts(list, load);
  }
  Result<void> PutOdsRecords(std::span<const OdsRecord> records, const OdsLoad& load) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->PutOdsRecords(records, load);
  }

  // PROMs (proms, #11)
  Result<bool> AddPromInvitation(PromInvitation& invitation) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->AddPromInvitation(invitation);
  }
  Result<void> UpdatePromInvitation(const PromInvitation& invitation) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->UpdatePromInvitation(invitation);
  }
  Result<bool> AddPromResponse(PromResponse& response) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->AddPromResponse(response);
  }
  Result<bool> EnqueuePromMessage(PromMessage& message) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->EnqueuePromMessage(message);
  }
  Result<void> UpdatePromMessage(const PromMessage& message) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->UpdatePromMessage(message);
  }
  Result<void> SetUserPassword(int64_t user_id, std::string_view password_hash) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->SetUserPassword(user_id, password_hash);
  }
  Result<void> DeleteSessionsOfExcept(int64_t user_id, std::string_view keep_id_hash) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->DeleteSessionsOfExcept(user_id, keep_id_hash);
  }
  Result<bool> ClaimTotpStep(int64_t user_id, int64_t step) override {
    ORP_RETURN_IF_ERROR(store_.Tick());
    return inner_->ClaimTotpStep(user_id, step);
  }

 private:
  FaultInjectingStore& store_;
  std::unique_ptr<Transaction> inner_;
};

}  // namespace

FaultInjectingStore::FaultInjectingStore(std::unique_ptr<Store> inner, int64_t fail_at, bool sticky)
    : ForwardingReader<Store>(*inner),
      inner_(std::move(inner)),
      fail_at_(fail_at),
      sticky_(sticky) {}

FaultInjectingStore::~FaultInjectingStore() = default;

Result<void> FaultInjectingStore::Tick() {
  int64_t n = ++calls_;
  if (fail_at_ > 0 && (n == fail_at_ || (sticky_ && n > fail_at_))) {
    return Unavailable(fmt::format("injected fault at call {}", n));
  }
  return {};
}

Result<std::unique_ptr<Transaction>> FaultInjectingStore::Begin() {
  ORP_RETURN_IF_ERROR(Tick());
  auto inner = inner_->Begin();
  if (!inner) return std::unexpected(inner.error());
  return std::make_unique<FaultInjectingTransaction>(*this, std::move(*inner));
}

Result<SubmissionStart> FaultInjectingStore::BeginSubmission(const SubmissionRequest& request) {
  ORP_RETURN_IF_ERROR(Tick());
  auto start = inner_->BeginSubmission(request);
  if (!start) return std::unexpected(start.error());
  if (start->transaction) {
    start->transaction =
        std::make_unique<FaultInjectingTransaction>(*this, std::move(start->transaction));
  }
  return start;
}

}  // namespace orp::storage
