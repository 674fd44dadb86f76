// The lean cohort read of a surveillance run (surveil7, #7): patients, primaries and implants
// each read once in id order and merged (sql_signals.cc), instead of the generic ForEachPatient
// and ForEachProcedure streams, which build every registry field, version and implant object
// (most of a run's cost at 1M procedures).
//
// It is a side interface, not a Reader method: both SQL backends' readers, stores and
// transactions implement it (sql_forwarding.h, SharedReader; the query is written once in
// sql_signals.cc), and a caller asks for it with AsSurveillanceReads(reader). Wrappers that do not
// (ForwardingReader, ReadReplicaStore, FaultInjectingStore) answer nullptr, and the caller falls
// back to the generic streams — same result, slower. Kept out of store.h on purpose: every file
// of the project includes store.h.
//
// Holds dates of birth and death (identifiable): the caller audits the read and logs none of it.
// Thread safety: as the reader it comes from.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "orp/core/date.h"
#include "orp/core/result.h"

namespace orp::storage {

class Reader;

// An implant of a primary procedure with what surveillance needs of the procedure and its
// patient. A primary without implants gives one row with `has_implant` false. Text fields are
// "" when not recorded.
struct SurveillanceRow {
  int64_t procedure = 0;
  std::string registry;
  Date date{};
  std::string provider_site;  // ODS site code
  std::string clinician;      // GMC number
  std::string indication;
  std::optional<int> asa_grade;
  std::optional<Date> date_of_birth;
  std::string sex;  // the stored NHS code: "1" male, "2" female, "9", "X"; "" not recorded
  std::optional<Date> date_of_death;
  bool has_implant = false;
  bool implanted = false;  // the implant's action is "implanted" (not "explanted")
  std::string device;      // the implant's DI (GTIN digits or HIBCC DI); "" without one
  std::optional<Date> removed_on;
  // The changed read only: false for a changed procedure that is not (or no longer) a primary on
  // or before the cut, which a resident cohort must drop; such a procedure gives one row with
  // only `procedure` set.
  bool in_cohort = true;
};

class SurveillanceReads {
 public:
  // Every primary procedure dated on or before `data_cut`, one row per implant, the rows of one
  // procedure together, procedures in id order. `visit` returns false to stop.
  virtual Result<void> ForEachSurveillanceRow(
      Date data_cut, const std::function<bool(const SurveillanceRow&)>& visit) = 0;

  // The same rows for the procedures changed after `changed_after` (Reader::LastChange): the
  // procedure itself, any of its implants, or its patient (a death) changed later. Every changed
  // procedure gives rows, in id order: a primary on or before the cut as above, any other one
  // row with `in_cohort` false. For patching a resident cohort (surveillance/resident.h) without
  // reading the whole store; each changed-id set is found through the change_seq indexes.
  virtual Result<void> ForEachChangedSurveillanceRow(
      int64_t changed_after, Date data_cut,
      const std::function<bool(const SurveillanceRow&)>& visit) = 0;

 protected:
  ~SurveillanceReads() = default;
};

// The reader's lean read, or nullptr when it has none.
SurveillanceReads* AsSurveillanceReads(Reader& reader);

}  // namespace orp::storage
