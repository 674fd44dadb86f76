// Cohort: the analysis units of one registry, built by streaming the store and refreshed
// incrementally from its change sequence — the input of every survival analysis.
//
// What a unit is. For each current primary procedure of the registry:
//   - analysis unit "implant" (AnalysisUnit::kImplant): one unit per implanted device row;
//   - "procedure" or "episode": one unit per primary procedure.
// A unit's revision is the day a later procedure removed it, from the store's removal links
// (Implant::removed_on, set by linkage when a revision or explant names or matches the device);
// for a procedure unit, the first removal of any of its implanted devices. The patient's date of
// death and national data opt-out come from the patient rows. The cohort keeps facts, not
// outcomes: the data cut and the status (revision, death, censored) are decided per analysis
// (survival.h), so one cohort serves every cut and method.
//
// Layout: a struct of arrays, one element per row; rows of a corrected or re-typed procedure are
// rewritten in place when their number is unchanged, else tombstoned (live = 0) and appended.
// Text attributes are dictionary-encoded: `devices` (the sorted, distinct GTINs a unit covers,
// joined by '|'; "" for a device without a GTIN), `construct` (the same over the whole primary),
// provider site, clinician, indication and every registry field (code -1: not recorded).
//
// Incremental refresh: Build records Reader::LastChange() before it streams; Refresh streams only
// procedures and patients changed after that number (ProcedureFilter.changed_after, which also
// yields a primary whose implant a later revision removed), so its cost follows the size of the
// change, not of the registry. A change committed while streaming is seen again by the next
// Refresh; applying it twice is harmless.
//
// Privacy: the cohort holds row ids, dates and codes — no NHS number, name, date of birth or
// postcode is kept (Patient rows are read for date_of_death and opted_out only).
// Errors: those of the Reader (kUnavailable, kDataLoss). Thread safety: a Cohort is a plain value;
// const access from many threads is safe, Refresh needs exclusive access (see CohortCache).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/domain/registry_definition.h"
#include "orp/storage/store.h"

namespace orp::analytics {

// A day number (days since 1970-01-01) meaning "never": no removal, no death.
inline constexpr int32_t kNever = std::numeric_limits<int32_t>::max();
// The code of a text attribute that was not recorded.
inline constexpr int32_t kNotRecorded = -1;

// Text values and their codes, in order of first appearance.
class Dictionary {
 public:
  int32_t Code(std::string_view text);
  const std::string& Label(int32_t code) const { return labels_[static_cast<size_t>(code)]; }
  size_t size() const { return labels_.size(); }

 private:
  // Looked up by string_view without building a std::string per row.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> index_;
  std::vector<std::string> labels_;
};

// One dictionary-encoded column.
struct CodedColumn {
  Dictionary dictionary;
  std::vector<int32_t> codes;
};

struct CohortOptions {
  std::string registry;  // e.g. "BCIR"
  domain::AnalysisUnit unit = domain::AnalysisUnit::kImplant;
};

// What a Refresh streamed and did, for logs, tests and benchmarks.
struct RefreshStats {
  int64_t procedures_streamed = 0;
  int64_t patients_streamed = 0;
  int64_t rows_added = 0;
  int64_t rows_rewritten = 0;
  int64_t rows_removed = 0;
  int64_t change_seq = 0;  // the number the cohort is now current to
};

class Cohort {
 public:
  static Result<Cohort> Build(storage::Reader& reader, const CohortOptions& options);
  Result<RefreshStats> Refresh(storage::Reader& reader);

  const CohortOptions& options() const { return options_; }
  int64_t change_seq() const { return change_seq_; }
  size_t rows() const { return live_.size(); }
  size_t live_rows() const { return live_count_; }

  // Columns, one element per row (live or tombstoned).
  std::span<const uint8_t> live() const { return live_; }
  std::span<const int64_t> procedure() const { return procedure_; }
  std::span<const int32_t> primary_day() const { return primary_day_; }
  std::span<const int32_t> removal_day() const { return removal_day_; }  // kNever: in situ
  std::span<const int32_t> patient() const { return patient_; }  // index into the patient arrays
  const CodedColumn& devices() const { return devices_; }
  const CodedColumn& construct() const { return construct_; }
  const CodedColumn& site() const { return site_; }
  const CodedColumn& clinician() const { return clinician_; }
  const CodedColumn& indication() const { return indication_; }
  // A registry field's column, or nullptr when no procedure of the cohort recorded it.
  const CodedColumn* field(std::string_view name) const;

  // Per patient (index from patient()).
  std::span<const int32_t> death_day() const { return death_day_; }  // kNever: alive
  std::span<const uint8_t> opted_out() const { return opted_out_; }

 private:
  struct RowRange {
    uint32_t first = 0;
    uint32_t count = 0;
  };
  struct UnitFacts;  // one row's values, built from a procedure (cohort.cc)

  Result<void> Stream(storage::Reader& reader, int64_t changed_after, RefreshStats& stats);
  void ApplyProcedure(const domain::Procedure& procedure, RefreshStats& stats);
  void ApplyPatient(const domain::Patient& patient);
  int32_t PatientIndex(int64_t patient_id);
  std::vector<UnitFacts> UnitsOf(const domain::Procedure& procedure, const std::string& construct);
  void WriteRow(size_t row, const UnitFacts& facts);
  void AppendRow(const UnitFacts& facts);

  CohortOptions options_;
  int64_t change_seq_ = 0;
  size_t live_count_ = 0;

  std::vector<uint8_t> live_;
  std::vector<int64_t> procedure_;
  std::vector<int32_t> primary_day_;
  std::vector<int32_t> removal_day_;
  std::vector<int32_t> patient_;
  CodedColumn devices_, construct_, site_, clinician_, indication_;
  std::map<std::string, CodedColumn, std::less<>> fields_;
  std::unordered_map<int64_t, RowRange> rows_of_procedure_;

  std::unordered_map<int64_t, int32_t> patient_index_;
  std::vector<int32_t> death_day_;
  std::vector<uint8_t> opted_out_;
};

}  // namespace orp::analytics
