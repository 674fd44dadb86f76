// The affected cohort of a recall: every implant its criteria cover, whether it is still in
// situ, the patient (a pseudonym; the NHS number only through Identify, an audited path), the
// implanting site, the patient's most recent provider and whether they have died.
//
// Cost: one indexed store query (storage::Reader::ForEachRecallImplant) per call; serial ranges
// and production dates are judged here on the rows the query returns, so they narrow a lot or
// a model, never widen the scan. Production dates come from the stored label (raw scan), as the
// store keeps no production date column: an implant entered without a scan has none and does
// not match a production window.
//
// "Most recent provider": the organisation of the site of the patient's latest procedure, from
// the store's ODS sites; for a site the store does not list, the site code's 3-character parent
// prefix (domain::OdsSiteCode::HeuristicParentPrefix, right for NHS trust sites), else the site
// code itself. provider_known says which.
//
// Errors: the store's (storage/store.h); kNotFound when a catalogue number matches no device
// model. Thread safety: as the Reader's.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "orp/core/result.h"
#include "orp/recall/criteria.h"
#include "orp/storage/store.h"

namespace orp::recall {

struct AffectedImplant {
  storage::RecallImplantRow row;
  std::string patient_ref;      // the pseudonym in hex, or "patient-<row id>" when there is none
  std::string provider;         // the most recent provider (see above)
  bool provider_known = false;  // true when the provider came from the store's ODS sites
};

// The device identifiers the criteria cover: its DIs, then the DI of every device model (any
// version) whose catalogue number is listed, in that order without repeats.
Result<std::vector<std::string>> ResolveDevices(storage::Reader& reader, const Criteria& criteria);

// Streams the affected implants in (device, lot, implant id) order; `visit` returns false to stop.
// `changed_after` (a change sequence number) restricts to implants stored or changed since.
Result<void> ForEachAffected(storage::Reader& reader, const Criteria& criteria,
                             const std::vector<std::string>& devices, int64_t changed_after,
                             const std::function<bool(const AffectedImplant&)>& visit);

// The same implants in (patient id, implant id) order, a patient's implants together: what a
// whole model's list uses (the CLI's preview), because the store then reads the per-patient rows
// in key order (storage/recall_reads.h; about half the cost of the device order for a 100k-implant
// model). With `parts` > 1 a Store (not a Transaction) is read in that many parts at once, one
// connection and thread each (storage/recall_reads.h ForEachRecallImplantPartByPatient), the
// parts held in memory (about 0.5 KB an implant) and merged in order before `visit` sees the
// first row. Measured on two cores, two parts cost about 45% more CPU than one connection (each
// connection maps and faults its own copy of the file's pages), so 1 is the default
// (docs/performance.md "## Recall", Session 6). Each part reads its own snapshot, so a commit
// landing between the parts' starts may show in some rows and not others. A reader without the
// read (a wrapper) is answered by sorting the device-order rows in memory.
// `parts`: connections read at once on a Store (0: one per core, up to 4).
Result<void> ForEachAffectedByPatient(storage::Reader& reader, const Criteria& criteria,
                                      const std::vector<std::string>& devices,
                                      const std::function<bool(const AffectedImplant&)>& visit,
                                      int parts = 1);

struct CohortCounts {
  int64_t implants = 0;
  int64_t in_situ = 0;           // implants still in place
  int64_t patients = 0;          // distinct patients with an affected implant
  int64_t patients_in_situ = 0;  // … with at least one still in place
  int64_t deceased = 0;          // … who have died
};

// Counts overall and per most recent provider, built one implant at a time.
class CohortSummary {
 public:
  void Add(const AffectedImplant& implant);
  const CohortCounts& overall() const { return overall_; }
  const std::map<std::string, CohortCounts>& by_provider() const { return by_provider_; }

 private:
  struct PatientState {
    std::string provider;
    bool in_situ = false;
  };
  std::map<int64_t, PatientState> patients_;
  CohortCounts overall_;
  std::map<std::string, CohortCounts> by_provider_;
};

}  // namespace orp::recall
