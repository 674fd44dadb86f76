// Bulk load (ingest, #4, ADR 0009): a transaction may take the secondary indexes that ingest
// never reads while it writes off the write path, load its rows, and build them again before it
// commits. Building an index once from sorted keys is cheaper than inserting every row's entry at
// a random place in it, when the rows loaded are many against the rows already stored.
//
// Everything happens inside the transaction: DROP INDEX, the inserts and CREATE INDEX commit
// together or not at all, so a crash (kill -9) leaves either the old store with all its indexes
// or the new one with all its indexes. Readers on other connections keep seeing the committed
// schema, indexes included, throughout.
//
// It is a side interface, not a Transaction method (store.h is included everywhere): the SQLite
// transaction implements it; every other transaction (PostgreSQL, wrappers) answers nullptr from
// AsBulkLoadWrites and the caller writes with the indexes in place — same rows, slower.
// Thread safety: as the transaction it comes from.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/entities.h"

namespace orp::storage {

class Transaction;
struct InSituQuery;

// The indexes a bulk load defers. Ingest's own reads use none of them: it finds patients by
// pseudonym (patients_by_pseudonym, UNIQUE) and by demographics (patients_by_demographics),
// procedures by (registry, procedure_ref) (procedures_by_ref, also the UNIQUE rule), the implants
// in situ of a patient (implants_by_patient) and a corrected procedure's implants
// (implants_by_procedure); those stay. Deferred: the change feeds, the recall look-up by device,
// the per-patient reads of recall and the outcome events by patient.
inline constexpr std::array<std::string_view, 6> kBulkDeferredIndexes = {
    "implants_by_device",           "implants_by_change", "procedures_by_change",
    "procedures_by_patient_latest", "patients_by_change", "outcome_events_by_patient",
};

// A load into a store that holds no procedure (session 8, ADR 0010) defers, of those, the ones
// whose keys arrive in random order, and also the indexes of procedures and implants that ingest
// reads while it writes. It can, because then every procedure and implant those indexes would
// find is one the load itself wrote, and the writer keeps what it needs of them in memory
// (ingest/chunk_writer.h: the refs it wrote and each patient's implant ids): procedure_refs are
// looked up there instead of by procedures_by_ref, and a revision's in-situ candidates are found
// among the implants it wrote and read by id (ImplantsById) instead of by implants_by_patient.
// Kept: the patients' patients_by_pseudonym and patients_by_demographics (patients may be stored
// before the first procedure; ADR 0008; kBulkEmptyPatientsIndexes when none is), and, by
// measurement (callgrind, docs/performance.md "## Ingest", session 8), the indexes whose keys a
// load writes in ascending order: the three *_by_change (one change seq per transaction, then the
// rowid) and implants_by_procedure (new procedure ids). Their inserts are appends at the right
// edge, cheaper than a rebuild's scan and sort.
inline constexpr std::array<std::string_view, 5> kBulkEmptyStoreIndexes = {
    "implants_by_device", "procedures_by_patient_latest", "outcome_events_by_patient",
    "procedures_by_ref",  "implants_by_patient",
};

// A load into a store that holds no patient either (sessions 9 and 10, ADR 0010) also defers the
// patients' indexes that linkage reads, by demographics and by pseudonym (UNIQUE; a named index
// since migration 0013): then every patient it could find is one the load wrote, and the writer
// answers those look-ups from its own records (ingest/chunk_writer.h). The writer never stores
// two patients with one pseudonym; if a load did, building the UNIQUE index again would fail the
// COMMIT (kAlreadyExists, the constraint) and roll the whole transaction back.
inline constexpr std::array<std::string_view, 2> kBulkEmptyPatientsIndexes = {
    "patients_by_demographics",
    "patients_by_pseudonym",
};

class BulkLoadWrites {
 public:
  // The highest procedure id stored (0 for none): a cheap upper bound on the stored procedures,
  // for deciding whether a submission is large against the store.
  virtual Result<int64_t> StoredProceduresBound() = 0;
  // The highest patient id stored (0 for none), as StoredProceduresBound.
  virtual Result<int64_t> StoredPatientsBound() = 0;
  // Drops kBulkDeferredIndexes (those that exist), remembering their definitions. Calling it
  // again while they are deferred does nothing. Store errors; on error the transaction is
  // rolled back.
  virtual Result<void> DeferIndexes() = 0;
  // Drops kBulkEmptyStoreIndexes (those that exist and are not deferred yet), remembering their
  // definitions, for a load into a store without procedures. The caller must then find no
  // procedure by procedure_ref and no implant by patient through the transaction
  // (each such read would scan its table) until RestoreIndexes; it writes no procedure_ref
  // twice (procedures_by_ref is UNIQUE: RestoreIndexes would fail with kConstraint). Errors as
  // DeferIndexes.
  virtual Result<void> DeferEveryIndex() = 0;
  // Drops kBulkEmptyPatientsIndexes as DeferEveryIndex, for a load into a store without
  // patients: the caller must then find no patient by demographics or by pseudonym through the
  // transaction until RestoreIndexes (each such read would scan the table), and PutPatient no new
  // patient with a pseudonym (its upsert names the pseudonym's UNIQUE index: kInternal); it
  // stores new patients with pseudonyms through InsertPatients, never one pseudonym twice
  // (RestoreIndexes would fail with kAlreadyExists). Errors as DeferIndexes.
  virtual Result<void> DeferPatientIndexes() = 0;
  // The implants with these ids, read by id (so no index of implants is needed), in the order
  // given; an id not stored is skipped. Store errors.
  virtual Result<std::vector<domain::Implant>> ImplantsById(std::span<const int64_t> ids) = 0;
  // Creates the deferred indexes again from their definitions; nothing when none are deferred.
  // Commit calls it itself, so a committed store always has every index. Store errors (a
  // UNIQUE index whose rows now clash, procedures_by_ref or patients_by_pseudonym, is
  // kAlreadyExists); on error the transaction is rolled back.
  virtual Result<void> RestoreIndexes() = 0;

 protected:
  ~BulkLoadWrites() = default;
};

// The transaction's bulk load, or nullptr when it has none.
BulkLoadWrites* AsBulkLoadWrites(Transaction& transaction);

}  // namespace orp::storage
