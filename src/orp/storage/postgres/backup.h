// `orp backup` / `orp restore` for PostgreSQL (ops, #10): see storage/backup.h for the contract.
// Runs the server's own tools, found on PATH (Debian's pg_wrapper picks the version that matches
// the server): `pg_dump --format=custom` for a backup (one snapshot of the whole database, every
// schema; consistent while servers write) and `pg_restore --single-transaction --exit-on-error
// --no-owner --no-privileges` for a restore into a database whose schema records no migrations.
// The URL is passed to the tools as their --dbname; put a password in ~/.pgpass or PGPASSFILE,
// not in the URL, because a command line is visible to other users of the machine.
#pragma once

#include <string>

#include "orp/core/result.h"
#include "orp/storage/backup.h"

namespace orp::storage::postgres {

Result<BackupReport> BackupDatabase(const std::string& conninfo, const std::string& file);
Result<BackupReport> RestoreDatabase(const std::string& file, const std::string& conninfo);

// The BackupTool for "postgresql://…" and "postgres://…".
BackupTool MakeBackupTool();

}  // namespace orp::storage::postgres
