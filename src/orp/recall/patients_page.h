// One page of a recall campaign's patients, for a work list that pages through a campaign of any
// size (GET /api/v1/recalls/{reference}/patients): keyed on the patient row id, with the caller's
// scope applied by the store (storage/recall_reads.h RecallPatientsAfter), so a page costs its
// own rows, not the campaign's.
//
// A reader without the keyed read (a wrapper: ForwardingReader, ReadReplicaStore,
// FaultInjectingStore) is answered from the whole campaign, filtered and cut in memory: the same
// page, at the old cost.
//
// Errors: kNotFound when no recall has the reference; kInvalidArgument when limit < 1; the
// store's. Thread safety: as the reader's.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/storage/recall_reads.h"
#include "orp/storage/store.h"

namespace orp::recall {

struct PatientsPage {
  storage::Recall recall;
  std::vector<storage::RecallPatientEntry> patients;  // in patient row id order
  std::vector<std::string> patient_refs;  // parallel: the pseudonym in hex, or "patient-<id>"
  bool more = false;                      // a next page exists (after the last patient here)
};

// The patients of the recall `reference` that `scope` selects (its recall is ignored, and its
// after, limit, providers and patient are as storage::RecallPatientsQuery says), with their
// contacts. Reads limit + 1 rows to learn `more`.
Result<PatientsPage> LoadPatientsPage(storage::Reader& reader, std::string_view reference,
                                      storage::RecallPatientsQuery scope);

// A campaign patient as the API shows one: patient (`ref`), provider, stage, outcome (null for
// none), reviewed_on, concluded_on (ISO dates or null), joined_by and contacts (ordinal, on,
// channel, result, by). `contacts` may hold other patients' attempts (a whole campaign's): only
// this patient's are listed.
nlohmann::ordered_json PatientJson(const storage::RecallPatient& patient, const std::string& ref,
                                   const std::vector<storage::RecallContact>& contacts);

}  // namespace orp::recall
