// Recall reads kept out of store.h (recall, #8): the affected implants in patient order, whole or
// in parts read at once, and a keyed page of a campaign's patients (below).
//
// The affected implants in patient order: the same rows as
// Reader::ForEachRecallImplant, but the cohort is sorted by patient BEFORE the per-patient seeks
// (the patient row and the patient's latest procedure in the covering index of migration 0010),
// so those seeks walk their B-trees in key order: neighbouring patients share pages and each
// page is read once, where the device index's order makes every seek a random page (most of a
// whole model's cost: docs/performance.md "## Recall", Session 5).
//
// It is a side interface, not a Reader method: both SQL backends' readers, stores and
// transactions implement it (sql_forwarding.h, SharedReader; the queries are written once in
// sql_recall.cc), and a caller asks for it with AsRecallReads(reader). Wrappers that do not
// (ForwardingReader, ReadReplicaStore, FaultInjectingStore) answer nullptr, and the caller falls
// back to ForEachRecallImplant and sorts (same rows, same order, held in memory). Kept out of
// store.h on purpose: every file of the project includes store.h.
//
// Rows hold the NHS number ciphertext and dates of death: the caller audits and logs none of it.
// Errors: as ForEachRecallImplant (kInvalidArgument without a device). Thread safety: as the
// reader it comes from.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "orp/core/result.h"
#include "orp/storage/recall.h"

namespace orp::storage {

class Reader;

// One page of a campaign's patients (RecallReads::RecallPatientsAfter): the patients of `recall`
// with a row id greater than `after`, in row id order, at most `limit` of them. The scope is
// applied in the query: with `providers` set, only the patients whose responsible provider is
// listed, or who are `patient` (a patient's own row); unset, every patient (national roles).
// An empty list with no `patient` matches nobody.
struct RecallPatientsQuery {
  RecallId recall;
  int64_t after = 0;
  int limit = 100;
  std::optional<std::vector<std::string>> providers;
  std::optional<domain::PatientId> patient;
};

// A campaign patient with what a page shows of them: the pseudonym from the patient row (none
// for a patient stored without one) and their contact attempts in ordinal order.
struct RecallPatientEntry {
  RecallPatient patient;
  std::optional<domain::Pseudonym> pseudonym;
  std::vector<RecallContact> contacts;
};

class RecallReads {
 public:
  // Every implant `query` matches, in (patient id, implant id) order, so a patient's implants
  // come together. `visit` returns false to stop. SQLite reads the matching implants unsorted,
  // sorts their keys in memory, then reads each patient's row and latest procedure once, in key
  // order (sql_recall_cohort.cc); PostgreSQL sorts in one statement.
  virtual Result<void> ForEachRecallImplantByPatient(
      const RecallImplantQuery& query,
      const std::function<bool(const RecallImplantRow&)>& visit) = 0;

  // Part `part` (0 <= part < parts) of the same cohort, in the same (patient id, implant id)
  // order: the implants in the blocks of 256 consecutive implant ids whose number is `part`
  // modulo `parts`. The parts are disjoint and together the whole cohort, and about equal in size
  // whatever the cohort (a model's implants are spread over time, and consecutive blocks
  // alternate). The part is tested on the device index's entry, before the implant row is read,
  // so parts read at once on separate connections share the work without repeating any of it
  // (recall::ForEachAffectedByPatient on a Store). kInvalidArgument unless 0 <= part < parts.
  virtual Result<void> ForEachRecallImplantPartByPatient(
      const RecallImplantQuery& query, int part, int parts,
      const std::function<bool(const RecallImplantRow&)>& visit) = 0;

  // A keyed page of a campaign's patients (see RecallPatientsQuery): a seek on recall_patients'
  // key (recall, patient) and at most `limit` rows read, whatever the campaign's size, then one
  // range read of the page's contacts. The caller asks for limit + 1 to learn whether a next
  // page exists. kInvalidArgument when limit < 1.
  virtual Result<std::vector<RecallPatientEntry>> RecallPatientsAfter(
      const RecallPatientsQuery& query) = 0;

 protected:
  ~RecallReads() = default;
};

// The reader's patient-ordered read, or nullptr when it has none.
RecallReads* AsRecallReads(Reader& reader);

}  // namespace orp::storage
