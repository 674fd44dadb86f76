// Queries: the bulk load's index DDL (ingest, #4; storage/bulk_load_writes.h, ADR 0009). An
// index's definition is read back from sqlite_master, which keeps the CREATE statement verbatim,
// so the index built again is the one the migrations made.
#include "orp/storage/sqlite/collect.h"
#include "orp/storage/sqlite/queries.h"

namespace orp::storage::sqlite {

Result<int64_t> Queries::MaxProcedureId() {
  auto max = First<int64_t>(
      db_, "SELECT coalesce(max(id), 0) FROM procedures", [](Stmt&) {},
      [](const Stmt& s) -> Result<int64_t> { return s.Int(0); });
  if (!max) return std::unexpected(max.error());
  return max->value_or(0);
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

Result<void> Queries::CreateIndexes(std::span<const std::string> definitions) {
  for (const std::string& sql : definitions) ORP_RETURN_IF_ERROR(db_.Exec(sql));
  return {};
}

}  // namespace orp::storage::sqlite
