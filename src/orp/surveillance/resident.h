// ResidentCohort: the surveillance cohort's rows kept in memory between runs and patched from the
// store's change sequence (#7), so that a run after a submission reads the changed procedures,
// not the store. `orp serve --surveil` keeps one (cli/serve_command.cc through run.h).
//
// Kept per primary: the unit keys (interned text), the case mix already derived (age band, sex,
// ASA; no date of birth), the patient's death day and the implanted implants' device and removal
// day — what BuildCohort reads, nothing else. Build() feeds them to the same builder in the same
// order as a full read, so the cohort it gives equals BuildCohort's over the same store
// (test/surveillance_resident_test.cc; test/surveillance_cli.cmake through `surveillance run
// --resident`).
//
// A procedure is changed when it, an implant of it or its patient (a death) changed after N
// (storage/surveillance_reads.h ForEachChangedSurveillanceRow); Refresh replaces its rows, or
// drops it when it is no longer a primary on or before the cut. Refresh needs that read (a SQL
// store); a wrapper without it answers kFailedPrecondition and the caller loads again.
//
// Holds derived patient facts (identifiable in part: death days): never logged.
// Thread safety: none; one run at a time uses it (RunTrigger runs one at a time).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/storage/store.h"
#include "orp/storage/surveillance_reads.h"
#include "orp/surveillance/cohort.h"
#include "orp/surveillance/methods.h"

namespace orp::surveillance {

class CohortSink;     // cohort_rows.h
class GrowingCohort;  // cohort_rows.h

class ResidentCohort {
 public:
  bool loaded() const { return loaded_; }
  Date data_cut() const { return data_cut_; }
  size_t size() const { return primaries_.size(); }

  // Reads every primary on or before `data_cut` (a full read), replacing what was kept.
  Result<void> Load(storage::Reader& reader, Date data_cut);
  // Patches the primaries changed after `changed_after`; returns how many procedures the store
  // reported changed. kFailedPrecondition when not loaded or the reader has no changed read.
  Result<int64_t> Refresh(storage::Reader& reader, int64_t changed_after);
  // Drops the new procedures among those changed after `changed_after` (as Refresh finds them):
  // the changed ones above the last kept primary not changed (a batch's procedures take ids
  // above every stored one). For measuring a run after a batch (`orp surveillance run
  // --resident`): the cohort then holds what a server held before the batch, except that the
  // kept primaries the batch changed (a revision's removal, a death) already have their new
  // follow-up, which the Refresh after patches in place again at the same cost. Returns how
  // many procedures it left out.
  Result<int64_t> LeaveOut(storage::Reader& reader, int64_t changed_after);
  // The cohort of the kept rows (the catalogue is read from `reader` again: it is small and may
  // have changed). The built cohort is kept too: when the refreshes since only appended
  // procedures (ids above every kept one: a batch of new primaries) or changed kept primaries'
  // follow-up alone (a revision's removal, a death: same unit keys, case mix and devices), and
  // the catalogue still gives the models seen the same type and brand, the new primaries are
  // appended to it and the changed rows' follow-up replaced in place (GrowingCohort::Refollow);
  // otherwise it is built again from the kept rows. Valid until the next Load, Refresh or Build.
  Result<const Cohort*> Build(storage::Reader& reader);
  // The risk models kept between runs on this cohort (methods.h KeptModels): emptied by Load, so
  // the first run after a load fits them again.
  KeptModels& models() { return models_; }
  // How many times Build built the cohort afresh rather than patching the kept one (for tests
  // and figures).
  int64_t fresh_builds() const { return fresh_builds_; }
  ResidentCohort();
  ~ResidentCohort();

 private:
  static constexpr int32_t kNone = -1;  // no text recorded
  struct Primary {
    int64_t procedure = 0;
    int32_t registry = kNone, provider_site = kNone, clinician = kNone, indication = kNone;
    int32_t entry_day = 0, death_day = kNoDeath;
    int8_t age_band = 5, sex = 2, asa = 0;
    std::vector<std::pair<int32_t, int32_t>> implants;  // (device text or kNone, removal day)
  };

  int32_t Intern(std::string_view text);
  std::string_view Text(int32_t code) const;
  Primary Start(const storage::SurveillanceRow& row);
  void AddRow(Primary& primary, const storage::SurveillanceRow& row);
  void Feed(const Primary& primary, CohortSink& sink) const;
  Result<int64_t> Patch(storage::Reader& reader, int64_t changed_after, bool apply);
  int64_t LeaveOutNew(const std::vector<std::pair<int64_t, std::optional<Primary>>>& patches);
  static bool SameButFollowUp(const Primary& a, const Primary& b);
  // Applies `patches` (id order) when each replaces a kept row's follow-up only or appends a
  // new row above every kept id, noting the rows for Build to refollow; false (nothing changed)
  // otherwise.
  bool PatchInPlace(std::vector<std::pair<int64_t, std::optional<Primary>>>& patches);

  bool loaded_ = false;
  Date data_cut_{};
  std::vector<Primary> primaries_;  // in procedure-id order
  std::vector<std::string> texts_;
  std::unordered_map<std::string, int32_t> codes_;
  std::unique_ptr<GrowingCohort> built_;  // null: build again from the kept rows
  size_t fed_ = 0;                        // kept rows already in built_
  std::vector<size_t> refollow_;          // kept rows whose follow-up changed since the build
  KeptModels models_;
  int64_t fresh_builds_ = 0;
};

}  // namespace orp::surveillance
