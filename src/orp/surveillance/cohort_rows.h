// The cohort builder's input, shared by BuildCohort (cohort.h: the store's lean rows) and the
// resident cohort (resident.h: rows kept between runs and patched). Both feed the same builder
// the same primaries in procedure-id order with their implant rows in implant-id order, so the
// cohort — its codes included — is the same whichever way it was read.
//
// Internal to surveillance/. Holds derived patient facts (age band, death day): nothing is logged.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/storage/store.h"
#include "orp/storage/surveillance_reads.h"
#include "orp/surveillance/cohort.h"

namespace orp::surveillance {

inline constexpr int32_t kNoKey = -1;

// What the cohort keeps of a primary: its unit keys as text ("" when not recorded) and its case
// mix, already derived from the patient (no date of birth kept).
struct PrimaryFacts {
  std::string_view registry, provider_site, clinician, indication;
  int32_t entry_day = 0;
  int32_t death_day = kNoDeath;  // the patient's, uncut
  int8_t age_band = 5, sex = 2, asa = 0;
  // The caller's own codes for the four texts (one code space, >= 0), or kNoKey: the builder
  // then remembers each code's dictionary entry and looks a text up once, not once per primary.
  int32_t registry_key = kNoKey, provider_site_key = kNoKey, clinician_key = kNoKey,
          indication_key = kNoKey;
};

// The facts of a lean row's procedure (views into `row`).
PrimaryFacts FactsOf(const storage::SurveillanceRow& row);
// The removal day of a lean row's implant (kNoDeath when not removed).
int32_t RemovedDayOf(const storage::SurveillanceRow& row);

class CohortSink {
 public:
  virtual void Primary(const PrimaryFacts& facts) = 0;
  // An implanted implant of the last primary: its removal day (kNoDeath: not removed) and device
  // identifier ("" without one), with the caller's code for it or kNoKey (as PrimaryFacts).
  virtual void Implant(int32_t removed_day, std::string_view device, int32_t device_key) = 0;

 protected:
  ~CohortSink() = default;
};

// The catalogue from `reader`, then the primaries `feed` gives, in procedure-id order.
Result<Cohort> BuildCohortFrom(storage::Reader& reader, Date data_cut,
                               const std::function<Result<void>(CohortSink&)>& feed);

// A cohort kept built between runs: primaries appended after the last one continue the same
// builder (its dictionaries and caches), so the cohort equals one built from all of them at once.
// Thread safety: none.
class GrowingCohort {
 public:
  GrowingCohort();
  ~GrowingCohort();
  GrowingCohort(const GrowingCohort&) = delete;
  GrowingCohort& operator=(const GrowingCohort&) = delete;

  // Empty, with the catalogue read from `reader`.
  Result<void> Start(storage::Reader& reader, Date data_cut);
  // Reads the catalogue again and takes it when every device model the cohort has seen keeps its
  // type and brand (new entries are fine); false when one changed (then Start again).
  Result<bool> TakeCatalogue(storage::Reader& reader);
  CohortSink& sink();
  // Replaces the follow-up of finished row `row` (exit, status, death day; its implant rows'
  // exit and status) for the patient's `death_day` and its implants' removals: `implants` are
  // (device key or kNoKey, removal day) as fed to sink(), the same devices in the same order as
  // then (a revision or a death changes a primary's follow-up, nothing else). The row then equals
  // what feeding it afresh gives.
  void Refollow(size_t row, int32_t death_day,
                const std::vector<std::pair<int32_t, int32_t>>& implants);
  // Closes the last primary and gives the cohort so far (more may be appended after).
  const Cohort& Finished();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The store's lean rows of every primary on or before the cut, or the same rows from the generic
// streams for a reader without the lean read (a replica wrapper).
Result<void> ForEachCohortRow(storage::Reader& reader, Date data_cut,
                              const std::function<bool(const storage::SurveillanceRow&)>& visit);

}  // namespace orp::surveillance
