// Record linkage for ingest: which stored patient a submitted record is, and which implants a
// revision or explant takes out.
//
// Patients: a record with an NHS number pseudonym is that pseudonym's patient (the same person
// across registries and providers is one patient; the store fills in blank demographics). A
// record without one is linked to the stored patient with the same date of birth, sex and
// postcode only when exactly one matches; otherwise it becomes a new, unlinked patient that is
// listed for review (PatientMatch::kNoUniqueMatch).
//
// Removals: an explanted device row naming the device (GTIN with lot and/or serial) removes that
// exact implant when the patient has it in situ; otherwise, and for a revision that names no
// device, the most recent implants in situ on the same registry, body site and side are removed
// (one per explanted row, or all of the most recent procedure's when no row is given).
//
// Thread safety: a PatientLinker belongs to one transaction and one thread.
#pragma once

#include <map>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/storage/store.h"

namespace orp::linkage {

enum class PatientMatch { kPseudonym, kDemographics, kNoUniqueMatch, kAnonymous };

struct LinkedPatient {
  domain::PatientId id;
  PatientMatch match = PatientMatch::kPseudonym;
};

class PatientLinker {
 public:
  explicit PatientLinker(storage::Transaction& transaction)
      : transaction_(transaction), lookups_(transaction) {}
  // Writes through `transaction` but finds patients by demographics through `lookups`, which
  // must answer as the transaction would (a bulk load serving them from memory, #4).
  PatientLinker(storage::Transaction& transaction, storage::Reader& lookups)
      : transaction_(transaction), lookups_(lookups) {}

  // Stores or finds the patient. `anonymous` stores a patient with no identifier at all.
  Result<LinkedPatient> Link(const domain::Patient& patient, bool anonymous = false);

 private:
  storage::Transaction& transaction_;
  storage::Reader& lookups_;
  std::map<domain::Pseudonym, domain::PatientId> seen_;  // this submission's patients
};

// The in-situ implants `procedure` (a revision or explant, not yet stored) removes. Read before
// the procedure is stored, so that its own new implants are not candidates.
Result<std::vector<domain::Implant>> ImplantsRemovedBy(storage::Reader& reader,
                                                       const domain::Procedure& procedure);

// Marks `removed` as taken out by the stored `procedure` and records a revision or explant
// outcome event for each.
Result<void> RecordRemovals(storage::Transaction& transaction, const domain::Procedure& procedure,
                            const std::vector<domain::Implant>& removed);

}  // namespace orp::linkage
