#include "orp/recall/identify.h"

#include <fmt/format.h>

#include "orp/security/audit.h"

namespace orp::recall {

domain::AuditRecord AuditEntry(const Access& access, std::string action, std::string object,
                               std::string outcome, domain::Instant at) {
  domain::AuditRecord r;
  r.at = at;
  r.actor = access.actor;
  r.role = access.role;
  r.action = std::move(action);
  r.object = std::move(object);
  r.request_id = access.request_id;
  r.purpose = access.purpose;
  r.outcome = std::move(outcome);
  return r;
}

AuditAppender SecurityAuditAppender() {
  return [](storage::Transaction& txn, const domain::AuditRecord& r) {
    return security::AppendAudit(
        txn, {r.at, r.actor, r.role, r.action, r.object, r.request_id, r.purpose, r.outcome});
  };
}

Result<Identifier> Identifier::Open(storage::Store& store, const security::Pseudonymiser& keys,
                                    const AuditAppender& append, const Access& access,
                                    std::string object, int64_t patients, domain::Instant now) {
  if (access.purpose.empty()) {
    return InvalidArgument("purpose: an identifiable recall list needs a stated purpose");
  }
  if (!append) return FailedPrecondition("identifiable recall lists need the audit log");
  auto txn = store.Begin();
  if (!txn) return std::unexpected(txn.error());
  auto entry = AuditEntry(access, "recall.identifiable.read", std::move(object),
                          fmt::format("ok: {} patients", patients), now);
  auto seq = append(**txn, entry);
  if (!seq) return std::unexpected(seq.error());
  ORP_RETURN_IF_ERROR((*txn)->Commit());
  return Identifier(keys);
}

Result<domain::NhsNumber> Identifier::NhsNumberOf(const storage::RecallImplantRow& row) const {
  if (!row.pseudonym || !row.nhs_number) {
    return NotFound(fmt::format("patient-{} has no NHS number stored", row.patient.value));
  }
  return keys_->Decrypt(*row.nhs_number, *row.pseudonym);
}

}  // namespace orp::recall
