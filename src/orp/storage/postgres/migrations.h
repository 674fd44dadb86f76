// The PostgreSQL schema as numbered migrations (0001_core, …), the same tables, columns and
// indexes as the SQLite backend's migrations of the same number, in PostgreSQL's types. Applied
// at open in one transaction that holds an advisory lock on the schema, so several servers
// starting at once migrate it once; each is recorded in `schema_version`. A released migration
// is never edited: changes go in a new, higher-numbered one.
// Errors: kFailedPrecondition when the database records a migration this program does not know.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/storage/migration_plan.h"
#include "orp/storage/postgres/connection.h"

namespace orp::storage::postgres {

struct Migration {
  int version;
  std::string_view name;  // "0001_core"
  std::string_view sql;
};

// All migrations, in version order.
const std::vector<Migration>& Migrations();

// The highest version recorded (0 for a new schema).
Result<int> CurrentSchemaVersion(Connection& connection);

// Every migration the schema has recorded (version -> name).
Result<RecordedMigrations> RecordedVersions(Connection& connection);

// Applies every known migration the schema has not recorded, up to version `up_to` (all by
// default), in version order, all in one transaction; returns the names of those applied now.
// Refuses (kFailedPrecondition) a schema that records a migration this program does not know
// (storage/migration_plan.h).
Result<std::vector<std::string>> Migrate(Connection& connection, int up_to = 1 << 30);

}  // namespace orp::storage::postgres
