// The device catalogue persisted in a Store: importing catalogue files into the store's
// versioned device models, and reading a model's stored history back as catalogue versions.
//
// What the store keeps: the store's DeviceModel (domain/entities.h) holds the DI with its issuing
// agency (GS1 GTIN or HIBCC), the descriptive attributes, registries, market status, status date,
// FSN reference, valid_from/valid_to and the day the version was recorded. A DI that is neither
// a GTIN nor a HIBCC DI (a GUDID row of another agency) is rejected by the store import (rule
// catalogue.store). The store's versions follow one another in effective date: a row dated
// before the current stored version is rejected too (the in-memory Catalogue can hold such a
// late-recorded version; the store cannot yet).
//
// Re-import keeps history: each version is compared with the stored version in effect on its
// effective date; equal attributes write nothing (counted unchanged), a changed attribute opens
// a new version (the store closes the previous one), an unknown GTIN is a new model.
//
// Errors: the file errors of ImportCatalogueFile; the Store error codes (store.h) of reads,
// writes and Commit. One file is one transaction: on any store error nothing of it is written.
// Thread safety: as the Store's.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "orp/catalogue/catalogue.h"
#include "orp/catalogue/catalogue_file.h"
#include "orp/core/result.h"
#include "orp/storage/store.h"

namespace orp::catalogue {

// The store's form of a catalogue version (kInvalidArgument when the DI is neither a GTIN nor a
// HIBCC DI).
Result<domain::DeviceModel> ToStoredModel(const DeviceModel& version);
// A stored version as a catalogue version (effective_from = valid_from; recorded_on as stored,
// or valid_from for a version stored before the recorded date was kept).
DeviceModel FromStoredModel(const domain::DeviceModel& stored);

// Reads `path` (ORP or AccessGUDID format) and writes its versions to `store` in one
// transaction. The report counts against the store (new_models, new_versions, unchanged,
// rejected) and lists file problems and store rejections with their row.
Result<ImportReport> ImportCatalogueIntoStore(const std::filesystem::path& path, Date recorded_on,
                                              storage::Store& store);

// Every stored version of one DI, oldest first, as catalogue versions; empty when unknown.
Result<std::vector<DeviceModel>> StoredHistory(storage::Reader& reader, std::string_view di);

// Adds every stored version of every model to `out` (e.g. for ingest's scan-time checks when no
// catalogue file is given). Returns the number of versions read.
Result<size_t> LoadFromStore(storage::Reader& reader, Catalogue& out);

}  // namespace orp::catalogue
