// The deaths feed (docs/submission-format.md, "Deaths feed"): CSV `nhs_number,date_of_death`,
// one row per death. DeathsReader streams validated rows; a bad row is a finding (rule
// nhs_number.invalid, date_of_death.format, date_of_death.in_future) and is skipped.
//
// Error codes: kNotFound — the file cannot be opened; kInvalidArgument — the header lacks a
// column. Thread safety: one reader per thread.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "orp/core/csv_reader.h"
#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/domain/nhs_number.h"

namespace orp::ingest {

struct Death {
  int64_t row = 0;
  domain::NhsNumber nhs_number;
  Date date_of_death{};
};

class DeathsReader {
 public:
  static Result<DeathsReader> Open(const std::filesystem::path& path, Date today);
  // Borrows `in`.
  static Result<DeathsReader> FromStream(std::istream& in, Date today);

  // The next valid death, or nullopt at the end. Bad rows are appended to `findings`.
  Result<std::optional<Death>> Next(std::vector<domain::Finding>* findings);

 private:
  DeathsReader(CsvReader csv, Date today) : csv_(std::move(csv)), today_(today) {}
  Result<void> Init();

  CsvReader csv_;
  Date today_;
  size_t nhs_column_ = 0;
  size_t date_column_ = 0;
  CsvRecord record_;
};

}  // namespace orp::ingest
