#include "orp/storage/sqlite/backup.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>
#include <memory>

#include "orp/storage/sqlite/sqlite_store.h"

namespace orp::storage::sqlite {
namespace {

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Handle = std::unique_ptr<sqlite3, Closer>;

Result<Handle> OpenRaw(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  Handle handle(db);
  if (rc != SQLITE_OK) {
    return Unavailable(
        fmt::format("cannot open '{}': {}", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db, 10000);
  return handle;
}

// The highest migration recorded, or kDataLoss when `db` is not an orp database.
Result<int> SchemaVersionOf(sqlite3* db, const std::string& path) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT coalesce(max(version), 0) FROM schema_version", -1, &stmt,
                              nullptr);
  int version = -1;
  if (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) version = sqlite3_column_int(stmt, 0);
  sqlite3_finalize(stmt);
  if (version < 0) {
    return DataLoss(fmt::format("'{}' is not an orp database (no schema_version table): {}", path,
                                sqlite3_errmsg(db)));
  }
  return version;
}

// Copies all of `from` into `to` in one step, so the source is read in one transaction.
Result<void> CopyAll(sqlite3* from, sqlite3* to, const std::string& what) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) {
    return Unavailable(fmt::format("{}: cannot start the backup: {}", what, sqlite3_errmsg(to)));
  }
  int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    return Unavailable(fmt::format("{}: backup stopped: {}", what, sqlite3_errstr(rc)));
  }
  return {};
}

// Copies `from_path` to `to_path` through `to_path`.part; returns the source's schema version.
Result<int> CopyFile(const std::string& from_path, int from_flags, const std::string& to_path) {
  auto from = OpenRaw(from_path, from_flags);
  if (!from) return std::unexpected(from.error());
  auto version = SchemaVersionOf(from->get(), from_path);
  if (!version) return version;
  const std::string part = to_path + ".part";
  std::error_code ec;
  std::filesystem::remove(part, ec);
  {
    auto to = OpenRaw(part, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!to) return std::unexpected(to.error());
    auto copied = CopyAll(from->get(), to->get(), from_path + " -> " + to_path);
    if (!copied) {
      std::filesystem::remove(part, ec);
      return std::unexpected(copied.error());
    }
  }
  std::filesystem::rename(part, to_path, ec);
  if (ec)
    return Unavailable(fmt::format("cannot rename '{}' to '{}': {}", part, to_path, ec.message()));
  return version;
}

int64_t SizeOf(const std::string& file) {
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

}  // namespace

Result<BackupReport> BackupDatabase(const std::string& path, const std::string& file) {
  std::error_code ec;
  if (path == ":memory:" || !std::filesystem::is_regular_file(path, ec)) {
    return NotFound(fmt::format("no SQLite database file at '{}' to back up", path));
  }
  auto version = CopyFile(path, SQLITE_OPEN_READONLY, file);
  if (!version) return std::unexpected(version.error());
  return BackupReport{"sqlite", path, file, SizeOf(file), *version};
}

Result<BackupReport> RestoreDatabase(const std::string& file, const std::string& path) {
  std::error_code ec;
  if (path == ":memory:") return InvalidArgument("restore needs a file path, not :memory:");
  if (std::filesystem::exists(path, ec)) {
    return AlreadyExists(fmt::format(
        "'{}' already exists; restore into a new path (move the old database aside first)", path));
  }
  auto copied = CopyFile(file, SQLITE_OPEN_READONLY, path);
  if (!copied) return std::unexpected(copied.error());
  auto store = OpenStore(path);  // upgrades a backup from an older orp
  if (!store) return std::unexpected(store.error().WithContext("restored database"));
  return BackupReport{"sqlite", path, file, SizeOf(file), (*store)->Info().schema_version};
}

BackupTool MakeBackupTool() {
  return {[](std::string_view, std::string_view rest, const std::string& file) {
            return BackupDatabase(std::string(rest), file);
          },
          [](std::string_view, std::string_view rest, const std::string& file) {
            return RestoreDatabase(file, std::string(rest));
          }};
}

}  // namespace orp::storage::sqlite
