// The patient page's read (scale, #10): every implant in situ in one patient, from every
// registry, each with what the page shows of its procedure, in one statement. The page had asked
// Reader::ImplantsInSitu once per registry and then FindProcedureById per implant (17 statements
// per audited page on SQLite: docs/performance.md "## Scale", "Session 8").
//
// It is a side interface, not a Reader method: both SQL backends' readers, stores and
// transactions implement it (sql_forwarding.h, SharedReader; the query is written once in
// sql_patient_reads.cc), and a caller asks for it with AsPatientReads(reader). Wrappers that do
// not (ForwardingReader, ReadReplicaStore, FaultInjectingStore) answer nullptr, and the caller
// falls back to ImplantsInSitu per registry and FindProcedureById (same rows). Kept out of
// store.h on purpose: every file of the project includes store.h.
//
// Identifiable (one patient's devices and procedures): the caller audits the read.
// Thread safety: as the reader it comes from.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/domain/entities.h"

namespace orp::storage {

class Reader;

// An implant in situ with its procedure's registry, date, site and clinician.
struct PatientImplantRow {
  domain::Implant implant;
  std::string registry;
  Date procedure_date{};
  std::optional<domain::OdsSiteCode> provider_site;
  std::optional<domain::GmcNumber> clinician;
  friend bool operator==(const PatientImplantRow&, const PatientImplantRow&) = default;
};

class PatientReads {
 public:
  // The implants of `patient` that are in situ and were implanted (ImplantsInSitu's rows, with
  // no body site or laterality asked), from every registry, the most recent procedure first
  // (procedure date descending, then implant id descending). kDataLoss when a stored value no
  // longer parses.
  virtual Result<std::vector<PatientImplantRow>> PatientImplantsInSitu(
      domain::PatientId patient) = 0;

 protected:
  ~PatientReads() = default;
};

// The reader's one-statement patient read, or nullptr when it has none.
PatientReads* AsPatientReads(Reader& reader);

}  // namespace orp::storage
