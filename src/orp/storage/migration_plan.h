// Which migrations a database still needs, decided the same way for every backend (ops, #10).
//
// A database records each migration it has applied (version and name) in `schema_version`. The
// migrations to apply are every one this program knows that the database has not recorded, in
// version order — not only those above the highest recorded version, so a database created by a
// build that had a higher-numbered migration but lacked a lower one still receives the lower one.
//
// Errors: kFailedPrecondition, naming the migration, when the database records a version this
// program does not know, or records a known version under another name (a database from a newer
// or a different build of orp): applying anything to it could corrupt it.
// Thread safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"

namespace orp::storage {

struct KnownMigration {
  int version;
  std::string_view name;  // "0001_core"
};

// version -> name, as read from a database's schema_version table.
using RecordedMigrations = std::map<int, std::string>;

// The versions to apply (ascending, at most `up_to`), or the error above.
Result<std::vector<int>> PendingMigrations(const std::vector<KnownMigration>& known,
                                           const RecordedMigrations& recorded, int up_to = 1 << 30);

}  // namespace orp::storage
