// `orp backup` / `orp restore` for SQLite (ops, #10): see storage/backup.h for the contract.
#pragma once

#include <string>

#include "orp/core/result.h"
#include "orp/storage/backup.h"

namespace orp::storage::sqlite {

// Copies the database at `path` to `file` with SQLite's online backup API, in one step (one
// read transaction: a consistent snapshot while writers go on), via `file`.part and a rename,
// so an interrupted backup never leaves a truncated file under the final name.
Result<BackupReport> BackupDatabase(const std::string& path, const std::string& file);

// Copies the backup `file` to `path`, which must not exist yet, then opens it as a Store once
// (upgrading a backup made by an older orp).
Result<BackupReport> RestoreDatabase(const std::string& file, const std::string& path);

// The BackupTool for "sqlite:PATH".
BackupTool MakeBackupTool();

}  // namespace orp::storage::sqlite
