// AnalysisTable: the columns of an analysis CSV, loaded for the statistics commands
// (`orp survival`, `orp rates`, `orp cox`). One row per analysis unit; a header row names the
// columns; only the requested columns are kept.
//
// API for command authors (owned by the survival commands; reuse it, ask before changing it):
//
//   auto table = AnalysisTable::Load(path, {{"time", ColumnKind::kNumber},
//                                           {"status", ColumnKind::kNumber},
//                                           {"brand", ColumnKind::kText}});
//   std::span<const double> time = table->Numbers("time");
//   const TextColumn& brand = table->Text("brand");    // codes into brand.levels (sorted)
//   auto status = EventStatus(*table, "status", /*competing_code=*/2);  // 0, 1 or 2 per row
//   auto checked = CheckFollowUp(*table, "time", "");   // exit >= 0 (and entry < exit)
//   auto days = WholeNumbers(time);                     // set when every value is a whole number
//
// Every kNumber cell must be a finite decimal number (surrounding spaces allowed); every
// requested cell must be non-empty, and there must be at least one data row. Load's errors are
// kInvalidArgument naming the file, line,
// column and value ("F.csv line 18, column 'time': 'abc' is not a number"), kNotFound for a
// missing file or column. Rows are returned in file order; LineOf maps a row to its CSV line.
//
// Also here: the JSON number and string writers the analysis commands share (full precision,
// NaN and infinities as null, because R's NA has no JSON number).
// Thread safety: an AnalysisTable is immutable after Load; share it freely.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"

namespace orp::cli {

enum class ColumnKind { kNumber, kText };

struct ColumnRequest {
  std::string name;
  ColumnKind kind;
};

// A dictionary-encoded text column: row i has value levels[codes[i]]; levels sorted bytewise.
struct TextColumn {
  std::vector<int32_t> codes;
  std::vector<std::string> levels;
};

class AnalysisTable {
 public:
  // Requested names must be distinct.
  static Result<AnalysisTable> Load(const std::string& path, std::vector<ColumnRequest> columns);

  size_t rows() const { return lines_.size(); }
  const std::string& path() const { return path_; }
  size_t LineOf(size_t row) const { return lines_[row]; }

  // The column, which must have been requested with that kind (checked).
  std::span<const double> Numbers(std::string_view name) const;
  const TextColumn& Text(std::string_view name) const;

 private:
  struct Column {
    ColumnRequest request;
    std::vector<double> numbers;
    TextColumn text;
  };
  const Column& Find(std::string_view name, ColumnKind kind) const;

  std::string path_;
  std::vector<Column> columns_;
  std::vector<size_t> lines_;
};

// The status column as cohort codes: 0 censored, 1 event, and `competing_code` (when given; it
// must not be 0 or 1) as 2. Any other value is kInvalidArgument naming the line and value.
Result<std::vector<int8_t>> EventStatus(const AnalysisTable& table, std::string_view column,
                                        std::optional<int> competing_code);

// Checks follow-up row by row before the statistics see it, so a bad row is reported by its
// CSV line: exit times >= 0, and with an entry column (empty name: none) entry >= 0 and
// before exit. kInvalidArgument naming the file, line, columns and values.
Result<void> CheckFollowUp(const AnalysisTable& table, std::string_view exit_column,
                           std::string_view entry_column);

// The values as int32 when all are whole numbers in int32 range (the integer-day fast path).
std::optional<std::vector<int32_t>> WholeNumbers(std::span<const double> values);

// Appends a JSON number with the shortest text that reads back to the same double ("0.1",
// "6"), or null for NaN and infinities.
void AppendJsonNumber(std::string& out, double value);
// Appends a quoted, escaped JSON string.
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace orp::cli
