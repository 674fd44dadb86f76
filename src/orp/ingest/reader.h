// Streaming readers of submission files (docs/submission-format.md): CSV (one row per device,
// rows of a procedure consecutive) and NDJSON (one procedure per line with a `devices` array).
// Both yield RawProcedure records one at a time, so memory stays flat however large the file.
// UTF-8 with or without BOM, LF or CRLF, quoted CSV fields spanning lines, blank lines ignored.
//
// Malformed input is data, not a failure: a record that cannot be read becomes a finding
// (rule csv.malformed / ndjson.malformed, with its line) and the reader moves on. A CSV
// procedure whose rows are not consecutive is read as two procedures with the same
// procedure_ref; the second gets a csv.procedure_not_consecutive finding.
//
// Error codes (the call fails only for the file as a whole): kNotFound — cannot open the file;
// kInvalidArgument — a CSV header without procedure_ref, or duplicate column names;
// kDataLoss — a read error. Thread safety: one reader per thread.
#pragma once

#include <filesystem>
#include <istream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/ingest/raw_procedure.h"

namespace orp::ingest {

struct ReaderOptions {
  // Registry fields recorded per device row (level = "device"); CSV columns with these names
  // belong to the device row. The core device columns always do.
  std::set<std::string, std::less<>> device_fields;
};

class ProcedureReader {
 public:
  virtual ~ProcedureReader() = default;
  // The next procedure: true, or false at the end of the input. Unreadable records are
  // skipped and reported in `findings` (appended).
  virtual Result<bool> Next(RawProcedure* procedure, std::vector<domain::Finding>* findings) = 0;
  // Column names (CSV header, or empty for NDJSON), for the unknown-column check.
  virtual std::vector<std::string> columns() const { return {}; }
};

// Readers over a stream the caller keeps alive.
Result<std::unique_ptr<ProcedureReader>> MakeCsvProcedureReader(std::istream& in,
                                                                ReaderOptions options = {});
std::unique_ptr<ProcedureReader> MakeNdjsonProcedureReader(std::istream& in,
                                                           ReaderOptions options = {});
// One procedure as one JSON document (the NDJSON object, which may span lines): what the API
// accepts. Its findings report row 1.
std::unique_ptr<ProcedureReader> MakeJsonProcedureReader(std::istream& in,
                                                         ReaderOptions options = {});

// A CSV reader that owns its stream (`owned`, which `in` refers to), for OpenProcedureFile.
Result<std::unique_ptr<ProcedureReader>> MakeCsvReaderOwning(std::unique_ptr<std::istream> owned,
                                                             std::istream& in,
                                                             ReaderOptions options);

// Opens a file, choosing the format by extension: .ndjson/.jsonl is NDJSON, .json one procedure
// (MakeJsonProcedureReader), anything else CSV.
Result<std::unique_ptr<ProcedureReader>> OpenProcedureFile(const std::filesystem::path& path,
                                                           ReaderOptions options = {});

}  // namespace orp::ingest
