// The affected implants of a recall in patient order (recall, #8): the same rows as
// Reader::ForEachRecallImplant, but the cohort is sorted by patient BEFORE the per-patient seeks
// (the patient row and the patient's latest procedure in the covering index of migration 0010),
// so those seeks walk their B-trees in key order: neighbouring patients share pages and each
// page is read once, where the device index's order makes every seek a random page (most of a
// whole model's cost: docs/performance.md "## Recall", Session 5).
//
// It is a side interface, not a Reader method: both SQL backends' readers, stores and
// transactions implement it (sql_forwarding.h, SharedReader; the query is written once in
// sql_recall_reads.cc), and a caller asks for it with AsRecallReads(reader). Wrappers that do not
// (ForwardingReader, ReadReplicaStore, FaultInjectingStore) answer nullptr, and the caller falls
// back to ForEachRecallImplant and sorts (same rows, same order, held in memory). Kept out of
// store.h on purpose: every file of the project includes store.h.
//
// Rows hold the NHS number ciphertext and dates of death: the caller audits and logs none of it.
// Errors: as ForEachRecallImplant (kInvalidArgument without a device). Thread safety: as the
// reader it comes from.
#pragma once

#include <functional>

#include "orp/core/result.h"
#include "orp/storage/recall.h"

namespace orp::storage {

class Reader;

class RecallReads {
 public:
  // Every implant `query` matches, in (patient id, implant id) order, so a patient's implants
  // come together. `visit` returns false to stop. The engine sorts the cohort (SQLite: in its
  // temporary store, spilling to disk past its cache) before reading the rest of each row.
  virtual Result<void> ForEachRecallImplantByPatient(
      const RecallImplantQuery& query,
      const std::function<bool(const RecallImplantRow&)>& visit) = 0;

 protected:
  ~RecallReads() = default;
};

// The reader's patient-ordered read, or nullptr when it has none.
RecallReads* AsRecallReads(Reader& reader);

}  // namespace orp::storage
