// The shape every reference-data load shares (ODS files, the national data opt-out list): read
// the whole file with its SHA-256, then, once it parsed without a finding, store it in one
// transaction together with the audit entry that records who loaded which file (security/audit.h).
// Errors: kNotFound for a file that cannot be opened, kDataLoss for a read error; otherwise the
// store's and the audit chain's. Thread safety: as the Store's.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "orp/core/result.h"
#include "orp/storage/store.h"

namespace orp::ingest {

struct ReferenceFile {
  std::string text;
  std::string sha256;  // 64 hex digits of the bytes read
};

Result<ReferenceFile> ReadReferenceFile(const std::filesystem::path& file);

// The audit entry of a load, all but its outcome.
struct ReferenceLoadAudit {
  domain::Instant at{};
  std::string actor;    // who ran the load, never a patient identifier
  std::string action;   // "ods.load", "opt_out.load"
  std::string object;   // names the file by its digest
  std::string purpose;  // why the data is held
};

// Runs `write` and appends the audit entry with the outcome it returns ("ok: …"), all in one
// transaction: nothing is stored unless both succeed.
Result<void> StoreAuditedLoad(
    storage::Store& store, const ReferenceLoadAudit& audit,
    const std::function<Result<std::string>(storage::Transaction&)>& write);

// Now, to the second, as loads record it.
inline domain::Instant LoadTime() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace orp::ingest
