// The SQLite schema as numbered migrations (0001_core, …), applied in order at open inside one
// transaction each and recorded in the `schema_version` table. A migration, once released, is
// never edited: changes go in a new, higher-numbered one, so every database created by an
// earlier orp upgrades the same way.
// Errors: kFailedPrecondition when the database records a migration this program does not know.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/storage/migration_plan.h"
#include "orp/storage/sqlite/connection.h"

namespace orp::storage::sqlite {

struct Migration {
  int version;
  std::string_view name;  // "0001_core"
  std::string_view sql;
  // Applied with foreign keys off (a table rebuild: dropping a table others reference), and
  // refused unless PRAGMA foreign_key_check finds nothing before COMMIT.
  bool foreign_keys_off = false;
};

// All migrations, in version order.
const std::vector<Migration>& Migrations();

// The highest version recorded (0 for a new database).
Result<int> CurrentSchemaVersion(Connection& connection);

// Every migration the database has recorded (version -> name).
Result<RecordedMigrations> RecordedVersions(Connection& connection);

// Applies every known migration the database has not recorded, up to version `up_to` (all by
// default; tests stop early to build a database as an older orp left it), in version order, each
// in its own transaction; returns the names of those applied now. Refuses (kFailedPrecondition)
// a database that records a migration this program does not know (storage/migration_plan.h).
Result<std::vector<std::string>> Migrate(Connection& connection, int up_to = 1 << 30);

}  // namespace orp::storage::sqlite
