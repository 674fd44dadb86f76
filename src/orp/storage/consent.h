// What the store keeps of the national data opt-out (consent at ingest, #5): the list of patients
// who opted out, as keyed hashes of their NHS numbers — HMAC-SHA256 under the registry's
// pseudonymisation key, the same value as a patient's pseudonym, so the list joins to patients
// without anyone holding a plain NHS number — and a record of each load.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "orp/domain/entities.h"

namespace orp::storage {

// One load of the list (`orp opt-out load`).
struct OptOutLoad {
  domain::Instant loaded_at{};
  std::string source_sha256;  // 64 hex digits of the file loaded
  std::string loaded_by;      // who ran the load
  friend bool operator==(const OptOutLoad&, const OptOutLoad&) = default;
};

// The list as stored now.
struct OptOutListInfo {
  int64_t entries = 0;
  std::optional<OptOutLoad> last_load;  // none before the first load
};

// What a load changed.
struct OptOutLoadResult {
  int64_t entries = 0;           // on the list after the load
  int64_t patients_flagged = 0;  // stored patients whose opted_out became true
  int64_t patients_cleared = 0;  // stored patients whose opted_out became false
};

}  // namespace orp::storage
