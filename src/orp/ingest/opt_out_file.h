// The national data opt-out list as a file, and loading it into the store (consent at ingest,
// #5; `orp opt-out load`).
//
// File format: UTF-8 text (a BOM and CRLF line ends are accepted), one NHS number per line as
// the Check for National Data Opt-outs service returns them (spaces or hyphens inside allowed:
// "943 476 5919"). Blank lines and lines starting with '#' are skipped, and a first line
// "nhs_number" is taken as a header. Each number becomes its keyed pseudonym (the HMAC the
// registry links patients by) before it reaches the store: the store never holds the numbers.
//
// A file with any line that is not a valid NHS number is refused whole: loading part of a list
// would treat the left-out patients as not opted out. Findings name the line (as `row`), field
// nhs_number and rule nhs_number.invalid, with the validator's reason, never the text itself.
//
// Thread safety: free functions; LoadOptOutFile runs one store transaction.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/domain/nhs_number.h"
#include "orp/security/pseudonymiser.h"
#include "orp/storage/store.h"

namespace orp::ingest {

// Calls `each` for every valid NHS number of `text`, in file order; returns a finding for every
// line that is not one (empty when the whole file is good). Pure: no store, no keys (fuzzed).
std::vector<domain::Finding> ParseOptOutList(
    std::string_view text, const std::function<void(const domain::NhsNumber&)>& each);

struct OptOutLoadReport {
  std::vector<domain::Finding> findings;  // non-empty: nothing was loaded
  storage::OptOutLoadResult result;
  std::string source_sha256;
};

// Reads `file`, and when every line is good replaces the stored list in one transaction that
// also appends an audit entry (action opt_out.load by `loaded_by`). kNotFound / kDataLoss for an
// unreadable file; storage error codes.
Result<OptOutLoadReport> LoadOptOutFile(storage::Store& store,
                                        const security::Pseudonymiser& pseudonymiser,
                                        const std::filesystem::path& file,
                                        const std::string& loaded_by);

}  // namespace orp::ingest
