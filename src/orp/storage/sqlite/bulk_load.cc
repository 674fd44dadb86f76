// Queries: the bulk load's index DDL (ingest, #4; storage/bulk_load_writes.h, ADR 0009). An
// index's definition is read back from sqlite_master, which keeps the CREATE statement verbatim,
// so the index built again is the one the migrations made.
#include <algorithm>
#include <string>

#include "orp/storage/sqlite/collect.h"
#include "orp/storage/sqlite/queries.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp::storage::sqlite {

namespace {

// The one integer `sql` answers (0 when it answers no row).
Result<int64_t> OneInteger(Connection& db, const std::string& sql) {
  auto value = First<int64_t>(
      db, sql, [](Stmt&) {}, [](const Stmt& s) -> Result<int64_t> { return s.Int(0); });
  if (!value) return std::unexpected(value.error());
  return value->value_or(0);
}

}  // namespace

Result<int64_t> Queries::MaxProcedureId() {
  return OneInteger(db_, "SELECT coalesce(max(id), 0) FROM procedures");
}

Result<int64_t> Queries::MaxPatientId() {
  return OneInteger(db_, "SELECT coalesce(max(id), 0) FROM patients");
}

Result<std::vector<std::string>> Queries::DropIndexes(std::span<const std::string_view> names) {
  std::vector<std::string> definitions;
  for (std::string_view name : names) {
    // Only plain indexes made by CREATE INDEX (sql is NULL for a UNIQUE column's own index).
    auto sql = First<std::string>(
        db_, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1 AND sql IS NOT NULL",
        [&](Stmt& s) { s.Bind(1, name); },
        [](const Stmt& s) -> Result<std::string> { return s.Text(0); });
    if (!sql) return std::unexpected(sql.error());
    if (!*sql) continue;
    // `name` is one of kBulkDeferredIndexes (a constant identifier) and was just found by name.
    ORP_RETURN_IF_ERROR(db_.Exec("DROP INDEX \"" + std::string(name) + "\""));
    definitions.push_back(std::move(**sql));
  }
  return definitions;
}

Result<int64_t> Queries::CacheSize() {
  auto cache = First<int64_t>(
      db_, "PRAGMA cache_size", [](Stmt&) {},
      [](const Stmt& s) -> Result<int64_t> { return s.Int(0); });
  if (!cache) return std::unexpected(cache.error());
  return cache->value_or(-2000);
}

Result<void> Queries::SetCacheSize(int64_t cache_size) {
  return db_.Exec("PRAGMA cache_size = " + std::to_string(cache_size));
}

Result<void> Queries::CreateIndexes(std::span<const std::string> definitions) {
  Result<int64_t> before = CacheSize();
  if (!before) return std::unexpected(before.error());
  ORP_RETURN_IF_ERROR(SetCacheSize(-kRebuildCacheKib));
  // Sorter worker threads (#4, ADR 0010; sqlite_store.h kRebuildCacheKib): SQLite hands CREATE
  // INDEX's sort runs to a helper thread only when they spill from the cache. Harmless either
  // way: the same index.
  ORP_RETURN_IF_ERROR(db_.Exec("PRAGMA threads = " + std::to_string(kRebuildThreads)));
  Result<void> built;
  for (const std::string& sql : definitions) {
    built = db_.Exec(sql);
    if (!built) break;
  }
  ORP_RETURN_IF_ERROR(db_.Exec("PRAGMA threads = 0"));
  ORP_RETURN_IF_ERROR(SetCacheSize(*before));
  return built;
}

// By id (the rowid), so no index of implants is read: one cached statement, stepped per id.
Result<std::vector<Implant>> Queries::ImplantsById(std::span<const int64_t> ids) {
  static const std::string sql =
      std::string("SELECT ").append(kImplantColumnsOfI).append(" FROM implants i WHERE i.id = ?1");
  std::vector<Implant> found;
  found.reserve(ids.size());
  for (int64_t id : ids) {
    auto implant = First<Implant>(
        db_, sql, [&](Stmt& s) { s.Bind(1, id); }, ReadImplant);
    if (!implant) return std::unexpected(implant.error());
    if (*implant) found.push_back(std::move(**implant));
  }
  return found;
}

}  // namespace orp::storage::sqlite
