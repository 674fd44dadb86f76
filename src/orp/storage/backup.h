// Backing up and restoring a whole database by URL, without naming a backend (ops, #10). Like
// StoreFactory (open.h), the composition root (app/) registers each backend's tool under its
// scheme; `orp backup` and `orp restore` call the factory.
//
// SQLite: SQLite's online backup API copies the file page by page inside one read transaction,
// so the copy is one consistent committed state even while a server writes (WAL readers do not
// block writers). PostgreSQL: `pg_dump --format=custom` (one snapshot, consistent while servers
// write) and `pg_restore --single-transaction` into an empty database.
//
// Restore refuses a target that already holds data (an existing SQLite file; a PostgreSQL
// schema that records migrations): restoring over a live registry is never what was meant.
// After restoring, the store is opened once, so a backup from an older orp is upgraded.
// Errors: kInvalidArgument (URL without a known scheme), kAlreadyExists (restore target holds
// data), kNotFound (backup file missing), kUnavailable (database or pg_dump failed; the message
// carries the tool's last line of error output), kDataLoss (the copy is not a database).
// Thread safety: Register before sharing; Backup and Restore are safe from several threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "orp/core/result.h"

namespace orp::storage {

struct BackupReport {
  std::string backend;   // "sqlite", "postgresql"
  std::string location;  // the database, never with a password
  std::string file;      // the backup file
  int64_t bytes = 0;     // size of the backup file
  int schema_version = 0;
};

struct BackupTool {
  // (url, rest after "scheme:", file) -> report
  std::function<Result<BackupReport>(std::string_view, std::string_view, const std::string&)>
      backup;
  std::function<Result<BackupReport>(std::string_view, std::string_view, const std::string&)>
      restore;
};

class BackupFactory {
 public:
  void Register(std::string scheme, BackupTool tool);
  // Writes a consistent copy of the database at `url` to `file` (replacing it).
  Result<BackupReport> Backup(std::string_view url, const std::string& file) const;
  // Restores `file` into the empty database at `url`.
  Result<BackupReport> Restore(const std::string& file, std::string_view url) const;

 private:
  Result<const BackupTool*> Find(std::string_view url) const;
  std::map<std::string, BackupTool, std::less<>> tools_;
};

}  // namespace orp::storage
