// Importing device catalogue files into a Catalogue: the native ORP catalogue file and the
// AccessGUDID-style device export, both defined in docs/device-catalogue.md.
//
// A bad row is not an error: it is reported (row, column, rule, message) and skipped, and the
// rest of the file is imported. The call fails only when the file cannot be read
// (kNotFound / kDataLoss) or its header lacks a required column (kInvalidArgument).
#pragma once

#include <filesystem>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "orp/catalogue/catalogue.h"
#include "orp/core/result.h"

namespace orp::catalogue {

enum class CatalogueFormat { kOrp, kGudid };

struct ImportProblem {
  size_t row = 0;         // 1-based line number of the row in the file
  std::string column;     // header name, or "" for the whole row
  std::string_view rule;  // e.g. "catalogue.gtin"
  std::string message;
};

struct ImportReport {
  CatalogueFormat format = CatalogueFormat::kOrp;
  size_t rows = 0;
  size_t new_models = 0;
  size_t new_versions = 0;
  size_t unchanged = 0;
  size_t rejected = 0;
  std::vector<ImportProblem> problems;
  std::vector<std::string> ignored_columns;
};

// The format a header line announces: a PrimaryDI column means GUDID, anything else ORP.
CatalogueFormat DetectCatalogueFormat(std::string_view header_line);

// Imports a catalogue read from `in`, streaming (a GUDID export of several GB keeps memory
// flat). `recorded_on` is the day ORP learns these facts (usually today); it is the default
// effective date when a row gives none. A malformed CSV record is reported as a problem (rule
// catalogue.csv) and skipped.
Result<ImportReport> ImportCatalogue(std::istream& in, Date recorded_on, Catalogue& catalogue);
Result<ImportReport> ImportCatalogue(std::string_view text, Date recorded_on, Catalogue& catalogue);

Result<ImportReport> ImportCatalogueFile(const std::filesystem::path& path, Date recorded_on,
                                         Catalogue& catalogue);

// Receives each valid row's version (in file order) and says what adding it did. An error with
// kInvalidArgument rejects that row (reported under rule catalogue.store with the row's line);
// any other error stops the import and is returned. Used to import into a Store.
using VersionSink = std::function<Result<Catalogue::AddOutcome>(DeviceModel)>;
Result<ImportReport> ImportCatalogue(std::istream& in, Date recorded_on, const VersionSink& sink);
Result<ImportReport> ImportCatalogueFile(const std::filesystem::path& path, Date recorded_on,
                                         const VersionSink& sink);

}  // namespace orp::catalogue
