// The statement interface both SQL backends implement, so that a Store query is written once
// (sql_queries.h) and runs on SQLite and on PostgreSQL alike. README.md: "Writing a Store method
// once for both backends".
//
// SQL text is written with numbered placeholders ?1, ?2, … (SQLite's own form); the PostgreSQL
// backend renders them as $1, $2, … (RenderPostgresPlaceholders). Everything else in the text
// must mean the same in both dialects: standard upsert (INSERT … ON CONFLICT … DO UPDATE / DO
// NOTHING), RETURNING for generated ids, CAST(?N AS BIGINT) where PostgreSQL cannot infer a
// parameter's type (a parameter only ever compared with NULL), "by" quoted as an identifier. The
// few differences that remain are the functions at the end of this file — the one place that
// names a dialect.
//
// Values: integers (dates as day numbers, instants as seconds, booleans as 0/1), doubles, text,
// blobs (SQLite BLOB, PostgreSQL bytea) and NULL. Parameters are 1-based, columns 0-based.
// Errors are orp codes, mapped by each backend (sqlite/connection.h, postgres/connection.h).
// Thread safety: none; a Database is one connection, used by one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "orp/core/result.h"

namespace orp::storage::sql {

enum class Dialect { kSqlite, kPostgres };

// One prepared statement with its parameters and, after Step, its current row.
class Statement {
 public:
  virtual Statement& Bind(int index, int64_t value) = 0;
  virtual Statement& Bind(int index, double value) = 0;
  virtual Statement& Bind(int index, std::string_view text) = 0;
  virtual Statement& BindBlob(int index, std::string_view bytes) = 0;
  virtual Statement& BindNull(int index) = 0;
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, bool value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, const std::string& text) {
    return Bind(index, std::string_view(text));
  }
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // True when a row is ready to read, false when there are no more.
  virtual Result<bool> Step() = 0;
  // Steps to completion, ignoring rows.
  Result<void> Run();
  // Rows the statement inserted, updated or deleted (once it has run).
  virtual int64_t Changes() const = 0;

  // Columns of the current row. Int reads a boolean as 1 or 0.
  virtual bool IsNull(int column) const = 0;
  virtual int64_t Int(int column) const = 0;
  virtual double Real(int column) const = 0;
  virtual std::string Text(int column) const = 0;
  virtual std::string Blob(int column) const = 0;

 protected:
  ~Statement() = default;
};

// A backend's own statement class S (with Statement's member functions, non-virtual) seen through
// Statement; each backend's Database::WithStatement wraps its statement in one.
template <typename S>
class StatementOver final : public Statement {
 public:
  explicit StatementOver(S& stmt) : stmt_(stmt) {}
  StatementOver& Bind(int index, int64_t value) override { return Done(stmt_.Bind(index, value)); }
  StatementOver& Bind(int index, double value) override { return Done(stmt_.Bind(index, value)); }
  StatementOver& Bind(int index, std::string_view text) override {
    return Done(stmt_.Bind(index, text));
  }
  StatementOver& BindBlob(int index, std::string_view bytes) override {
    return Done(stmt_.BindBlob(index, bytes));
  }
  StatementOver& BindNull(int index) override { return Done(stmt_.BindNull(index)); }
  Result<bool> Step() override { return stmt_.Step(); }
  int64_t Changes() const override { return stmt_.Changes(); }
  bool IsNull(int column) const override { return stmt_.IsNull(column); }
  int64_t Int(int column) const override { return stmt_.Int(column); }
  double Real(int column) const override { return stmt_.Real(column); }
  std::string Text(int column) const override { return stmt_.Text(column); }
  std::string Blob(int column) const override { return stmt_.Blob(column); }

 private:
  StatementOver& Done(S&) { return *this; }
  S& stmt_;
};

// A reference to a callable `Result<void>(T&)` that lives at least as long as the call it is
// passed to (no allocation, unlike std::function).
template <typename T>
class UseRef {
 public:
  template <typename F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, UseRef>)
      UseRef(F&& f)  // NOLINT(google-explicit-constructor): passed as a lambda
      : object_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* object, T& arg) -> Result<void> {
          return (*static_cast<std::remove_reference_t<F>*>(object))(arg);
        }) {}
  Result<void> operator()(T& arg) const { return call_(object_, arg); }

 private:
  void* object_;
  Result<void> (*call_)(void*, T&);
};
using StatementUse = UseRef<Statement>;

// One connection of a backend. Transactions stay with the backend's store (BEGIN/COMMIT around
// the calls); a Database runs statements inside whatever transaction its connection is in.
class Database {
 public:
  virtual Dialect dialect() const = 0;
  // Prepares `sql` (?N placeholders; cached per connection by the backend) and hands it to `use`,
  // which binds, steps and reads it. The statement is reset when `use` returns.
  virtual Result<void> WithStatement(std::string_view sql, StatementUse use) = 0;
  // As WithStatement, for reads of any size: PostgreSQL fetches the rows one at a time as `use`
  // steps (libpq single-row mode) instead of the whole result at the first Step; SQLite steps so
  // always. Opt-in, because while the statement is open its connection can run nothing else:
  // `use`, and every callback it calls per row, must not run a statement on this Database (nor
  // on the Store, Transaction or Queries that lent it) until it returns — on PostgreSQL that
  // fails with kFailedPrecondition. When `use` returns early (an error, a visitor's stop) the
  // rest of the result is dropped and the connection is usable again.
  virtual Result<void> WithStreamedStatement(std::string_view sql, StatementUse use) {
    return WithStatement(sql, use);
  }
  // As WithStatement, for reads of any size that stay open beside each other (a merge of sorted
  // results: one cursor statement opened inside another's `use`). PostgreSQL reads the rows
  // through a server-side cursor (DECLARE … NO SCROLL CURSOR, then FETCH of CursorBatchRows()
  // rows at a time), so at most a batch per statement is held and the connection is free between
  // batches; SQLite steps as always. A cursor lives in a transaction: the connection's own, or,
  // when it is in none, one WithReadSnapshot opens around `use`. Nothing streamed
  // (WithStreamedStatement) may be open on the connection meanwhile; whole statements may run.
  virtual Result<void> WithCursorStatement(std::string_view sql, StatementUse use) {
    return WithStatement(sql, use);
  }
  // Runs `use` so that the reads it makes on this Database see one snapshot of the store.
  // PostgreSQL, when the connection is in no transaction, opens a read-only REPEATABLE READ one
  // for `use` and ends it when `use` returns; inside the caller's transaction its isolation holds
  // (READ COMMITTED: each statement its own snapshot). SQLite runs `use` as it is.
  virtual Result<void> WithReadSnapshot(UseRef<Database> use) { return use(*this); }

 protected:
  ~Database() = default;
};

// Runs `sql` with `bind(statement)` to completion.
template <typename BindFn>
Result<void> Execute(Database& db, std::string_view sql, BindFn bind) {
  return db.WithStatement(sql, [&](Statement& s) -> Result<void> {
    bind(s);
    return s.Run();
  });
}

// As Execute, and returns how many rows the statement changed.
template <typename BindFn>
Result<int64_t> ExecuteCounting(Database& db, std::string_view sql, BindFn bind) {
  int64_t changes = 0;
  auto ran = db.WithStatement(sql, [&](Statement& s) -> Result<void> {
    bind(s);
    auto done = s.Run();
    changes = s.Changes();
    return done;
  });
  if (!ran) return std::unexpected(ran.error());
  return changes;
}

// Steps `s` (bound by `bind`) and calls `row(statement)` (returning Result<bool>: false stops)
// for each row.
template <typename BindFn, typename RowFn>
Result<void> StepEachRow(Statement& s, BindFn& bind, RowFn& row) {
  bind(s);
  while (true) {
    auto more = s.Step();
    if (!more) return std::unexpected(more.error());
    if (!*more) return {};
    Result<bool> go_on = row(static_cast<const Statement&>(s));
    if (!go_on) return std::unexpected(go_on.error());
    if (!*go_on) return {};
  }
}

// Runs `sql` with `bind(statement)` and calls `row(statement)` (returning Result<bool>: false
// stops) for each row.
template <typename BindFn, typename RowFn>
Result<void> ForEachRow(Database& db, std::string_view sql, BindFn bind, RowFn row) {
  return db.WithStatement(sql, [&](Statement& s) { return StepEachRow(s, bind, row); });
}

// As ForEachRow, on a streamed statement (Database::WithStreamedStatement): for results of any
// size, when `row` runs nothing on `db`.
template <typename BindFn, typename RowFn>
Result<void> StreamEachRow(Database& db, std::string_view sql, BindFn bind, RowFn row) {
  return db.WithStreamedStatement(sql, [&](Statement& s) { return StepEachRow(s, bind, row); });
}

// Runs `sql` and collects `read(statement)` (returning Result<T>) of every row.
template <typename T, typename BindFn, typename ReadFn>
Result<std::vector<T>> Collect(Database& db, std::string_view sql, BindFn bind, ReadFn read) {
  std::vector<T> out;
  auto ran = ForEachRow(db, sql, bind, [&](const Statement& s) -> Result<bool> {
    Result<T> item = read(s);
    if (!item) return std::unexpected(item.error());
    out.push_back(std::move(*item));
    return true;
  });
  if (!ran) return std::unexpected(ran.error());
  return out;
}

// The first row of Collect, if any.
template <typename T, typename BindFn, typename ReadFn>
Result<std::optional<T>> First(Database& db, std::string_view sql, BindFn bind, ReadFn read) {
  auto rows = Collect<T>(db, sql, bind, read);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows->front()));
}

// Runs an `INSERT … RETURNING id` and returns the id it generated.
template <typename BindFn>
Result<int64_t> InsertReturningId(Database& db, std::string_view sql, BindFn bind) {
  auto id =
      First<int64_t>(db, sql, bind, [](const Statement& s) -> Result<int64_t> { return s.Int(0); });
  if (!id) return std::unexpected(id.error());
  if (!*id) return Internal("an INSERT … RETURNING id returned no row");
  return **id;
}

// Rows a cursor statement (Database::WithCursorStatement) fetches per round trip on PostgreSQL:
// 10,000 by default, a few MB of a wide row. SetCursorBatchRows (tests: a small batch, so that a
// read crosses batch boundaries) applies to cursors opened afterwards, process-wide; below 1 is
// taken as 1.
int CursorBatchRows();
void SetCursorBatchRows(int rows);

// ---- Dialect differences (the only place that names a dialect) ----

// `sql` with ?N placeholders rewritten as $N, outside quoted strings and identifiers.
std::string RenderPostgresPlaceholders(std::string_view sql);

// A COLLATE clause that orders text by bytes (SQLite's default BINARY; PostgreSQL's "C").
std::string_view ByteOrderCollation(Dialect dialect);

}  // namespace orp::storage::sql
