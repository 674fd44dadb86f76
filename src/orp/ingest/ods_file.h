// ODS reference data files and loading them into the store (issue #4; `orp ods load`).
//
// Layout: the NHS Organisation Data Service's standard CSV extracts (etr.csv NHS trusts, ets.csv
// NHS trust sites, and the independent-sector files of the same layout): no header, one
// organisation or site per line, at least 12 columns of which ORP reads
//   1 code   2 name   10 postcode   11 open date (YYYYMMDD)   12 close date (YYYYMMDD or empty)
//   15 parent organisation code (site files; the owning trust)
// The column positions follow the ODS "standard data file" layout as far as we know it
// (uk-standards.md §2.2 cites the code formats; the positions are an assumption [A] to confirm
// against the ODS file specification). A site file line with no parent code is refused.
//
// A file with any bad line is refused whole (nothing stored), each finding naming the line (as
// `row`), the column and the rule (ods.columns, ods.code, ods.name, ods.open_date,
// ods.close_date, ods.parent).
//
// Thread safety: free functions; LoadOdsFile runs one store transaction.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/storage/store.h"

namespace orp::ingest {

// Calls `each` for every good line of `text` (records of `kind`), in file order; returns a
// finding per bad line. Pure (fuzzed).
std::vector<domain::Finding> ParseOdsFile(std::string_view text, storage::OdsKind kind,
                                          const std::function<void(storage::OdsRecord)>& each);

struct OdsLoadReport {
  std::vector<domain::Finding> findings;  // non-empty: nothing was stored
  int64_t records = 0;
  std::string source_sha256;
};

// Reads `file` and, when every line is good, stores its records and the load in one audited
// transaction (action ods.load). kNotFound / kDataLoss for an unreadable file; kInvalidArgument
// for a site whose parent organisation is not stored; storage error codes.
Result<OdsLoadReport> LoadOdsFile(storage::Store& store, const std::filesystem::path& file,
                                  storage::OdsKind kind, const std::string& loaded_by);

}  // namespace orp::ingest
