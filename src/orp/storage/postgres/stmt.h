// Stmt: the SQLite backend's statement shape (Bind by 1-based index, Step, typed column reads)
// over a libpq prepared statement, so the queries other areas added to the SQLite backend are
// ported here statement by statement with the same binding code ($N for ?N). The whole result
// is fetched at the first Step, unless the Stmt is streamed: then each Step fetches one row
// (Connection::StartStream, single-row mode) and nothing else may run on the connection until
// the last row has been read or Finish has been called; or unless it reads through a cursor:
// then each Step past the end of a batch fetches the next CursorBatchRows() rows
// (Connection::DeclareCursor, FetchCursor) and the connection is free between batches.
// Integer columns read as SQLite's do: a boolean is 1 or 0.
// Thread safety: none (as Connection).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/storage/postgres/connection.h"

namespace orp::storage::postgres {

class Stmt {
 public:
  enum class Fetch { kWhole, kStreamed, kCursor };
  Stmt(Connection& connection, std::string_view sql, Fetch fetch = Fetch::kWhole)
      : connection_(&connection), sql_(sql), fetch_(fetch) {}

  Stmt& Bind(int index, int64_t value);
  Stmt& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Stmt& Bind(int index, double value);
  Stmt& Bind(int index, std::string_view text);
  Stmt& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Stmt& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
  Stmt& BindBlob(int index, std::string_view bytes);
  Stmt& BindNull(int index);
  template <typename T>
  Stmt& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // True when a row is ready to read, false when there are no more.
  Result<bool> Step();
  Result<void> Run();
  // Ends a streamed statement's stream before its last row (Connection::EndStream), or closes a
  // cursor statement's cursor; no-op else.
  void Finish();
  // Rows changed by the statement (after Step or Run).
  int64_t Changes() const { return rows_ ? rows_->Affected() : 0; }

  bool IsNull(int column) const { return Current().IsNull(column); }
  int64_t Int(int column) const;
  double Real(int column) const { return Current().Real(column); }
  std::string Text(int column) const { return Current().Text(column); }
  std::string Blob(int column) const { return Current().Bytea(column); }

 private:
  struct Value {
    std::optional<std::string> text;
    bool binary = false;
  };
  Stmt& Set(int index, Value value);
  Params Bound() const;
  Result<bool> StepStreamed();
  Result<bool> StepCursor();
  Row Current() const { return (*rows_)[row_]; }

  Connection* connection_;
  std::string sql_;
  std::vector<Value> values_;
  std::optional<Rows> rows_;
  int row_ = -1;
  Fetch fetch_ = Fetch::kWhole;
  bool started_ = false;     // a streamed statement has been sent, a cursor declared
  std::string cursor_;       // the cursor's name, while it is open
  int batch_rows_ = 0;       // a cursor's rows per FETCH
  bool last_batch_ = false;  // a cursor's last FETCH returned fewer rows than asked for
};

// Prepares `sql`, lets `bind` bind it, runs it to completion.
template <typename BindFn>
Result<void> ExecuteSql(Connection& db, std::string_view sql, BindFn bind) {
  Stmt stmt(db, sql);
  bind(stmt);
  return stmt.Run();
}

// Runs `sql` and collects `read(stmt)` of every row.
template <typename T, typename BindFn, typename ReadFn>
Result<std::vector<T>> CollectRows(Connection& db, std::string_view sql, BindFn bind, ReadFn read) {
  Stmt stmt(db, sql);
  bind(stmt);
  std::vector<T> out;
  while (true) {
    auto row = stmt.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    Result<T> item = read(stmt);
    if (!item) return std::unexpected(item.error());
    out.push_back(std::move(*item));
  }
}

template <typename T, typename BindFn, typename ReadFn>
Result<std::optional<T>> FirstRow(Connection& db, std::string_view sql, BindFn bind, ReadFn read) {
  auto rows = CollectRows<T>(db, sql, bind, read);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows->front()));
}

}  // namespace orp::storage::postgres
