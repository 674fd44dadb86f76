// OptOutScreen: a registry's legal basis applied at ingest to patients on the national data
// opt-out list (`orp opt-out load`, storage/consent.h). Each accepted procedure whose patient's
// pseudonym is on the list is treated as its registry's `legal_basis.opt_out_at_ingest` says
// (docs/registry-definitions.md):
//
//   accept         stored as usual, the patient flagged opted_out (research extracts leave them
//                  out; safety uses such as recall continue). No finding.
//   pseudonymised  stored linked by pseudonym only: no NHS number ciphertext, date of birth or
//                  postcode is kept; the patient flagged. Warning
//                  national_data_opt_out.pseudonymised.
//   anonymous      stored without any patient identifier (not linked to the patient's other
//                  records). Warning national_data_opt_out.anonymous.
//   reject         not stored. Error national_data_opt_out.reject; the procedure counts as
//   rejected.
//
// Findings name row, procedure_ref, field (nhs_number) and rule, never the NHS number.
// With no list loaded the screen is inactive and costs nothing; otherwise one indexed lookup per
// procedure that has an NHS number.
//
// Thread safety: Apply is const; call it from the thread that owns `reader` (the writer's
// transaction, or the store when none is open).
#pragma once

#include <vector>

#include "orp/core/result.h"
#include "orp/domain/registry_loader.h"
#include "orp/ingest/chunk_writer.h"
#include "orp/storage/store.h"

namespace orp::ingest {

class OptOutScreen {
 public:
  // Asks `store` once whether a list is loaded. Storage error codes.
  static Result<OptOutScreen> Create(storage::Reader& store, const domain::RegistrySet& registries);

  bool active() const { return active_; }

  // Applies the treatment to one accepted procedure; false when it is now rejected (an error
  // finding was appended to `findings`). Storage error codes.
  Result<bool> Apply(PreparedProcedure& procedure, storage::Reader& reader,
                     std::vector<domain::Finding>& findings) const;

 private:
  OptOutScreen(const domain::RegistrySet& registries, bool active)
      : registries_(&registries), active_(active) {}

  const domain::RegistrySet* registries_;
  bool active_;
};

}  // namespace orp::ingest
