// Small helpers for the read queries: run a statement and collect its rows.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/storage/sqlite/connection.h"

namespace orp::storage::sqlite {

// Runs `sql`, binding parameters with `bind(stmt)`, and collects `read(stmt)` of every row.
template <typename T, typename BindFn, typename ReadFn>
Result<std::vector<T>> Collect(Connection& db, std::string_view sql, BindFn bind, ReadFn read) {
  auto stmt = db.Prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  bind(*stmt);
  std::vector<T> out;
  while (true) {
    auto row = stmt->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    Result<T> item = read(*stmt);
    if (!item) return std::unexpected(item.error());
    out.push_back(std::move(*item));
  }
}

// The first row of Collect, if any.
template <typename T, typename BindFn, typename ReadFn>
Result<std::optional<T>> First(Connection& db, std::string_view sql, BindFn bind, ReadFn read) {
  auto rows = Collect<T>(db, sql, bind, read);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows->front()));
}

}  // namespace orp::storage::sqlite
