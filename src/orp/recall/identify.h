// The one path by which recall shows an NHS number: decrypting the stored ciphertext
// (security::Pseudonymiser) for a caller who has said why, after the access has been written
// to the audit log. An Identifier exists only once its audit entry is committed, so there is
// no way to decrypt without a trail.
//
// The audit seam: recall appends through an AuditAppender the caller supplies —
// SecurityAuditAppender() (security/audit.h's hash chain) in the application, a recorder in tests.
// One entry per list access: action "recall.identifiable.read", object "recall/<reference>" or
// "recall-preview/<DIs>", the purpose, and the number of patients in `outcome` ("ok: 42 patients");
// never an identifier.
//
// Whether a caller may see NHS numbers at all (the responsible provider, the regulator) is the
// policy's decision (security/policy.h) and is made before Open is called.
//
// Errors: kInvalidArgument when the purpose is empty; the appender's and store's errors;
// kDataLoss when a ciphertext does not decrypt. Thread safety: Identifier is immutable.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/domain/nhs_number.h"
#include "orp/security/pseudonymiser.h"
#include "orp/storage/store.h"

namespace orp::recall {

// Who is asking and why (written to the audit log; never a patient identifier).
struct Access {
  std::string actor;  // the principal's name
  std::string role;   // the grant acted under, e.g. "regulator", "provider@RRK"
  std::string purpose;
  std::string request_id;
};

// Appends `record` (seq, prev_hash and hash left for the appender) inside `transaction`.
using AuditAppender =
    std::function<Result<int64_t>(storage::Transaction& transaction, const domain::AuditRecord&)>;

// The audit chain of security/audit.h (security::AppendAudit): what the application passes.
AuditAppender SecurityAuditAppender();

// Builds the audit record for one recall action (time `at`).
domain::AuditRecord AuditEntry(const Access& access, std::string action, std::string object,
                               std::string outcome, domain::Instant at);

class Identifier {
 public:
  // Audits the access (its own transaction, committed) and returns the decrypting identifier.
  static Result<Identifier> Open(storage::Store& store, const security::Pseudonymiser& keys,
                                 const AuditAppender& append, const Access& access,
                                 std::string object, int64_t patients, domain::Instant now);

  // The NHS number of the row's patient; kNotFound when the patient has none stored.
  Result<domain::NhsNumber> NhsNumberOf(const storage::RecallImplantRow& row) const;

 private:
  explicit Identifier(const security::Pseudonymiser& keys) : keys_(&keys) {}
  const security::Pseudonymiser* keys_;
};

}  // namespace orp::recall
