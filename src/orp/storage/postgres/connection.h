// RAII wrappers over libpq: a Connection owns one PGconn and a cache of server-side prepared
// statements (named by the SQL text they were made from, so hot paths parse each statement once
// per connection); a Rows owns one PGresult; Params collects the parameters of one call.
//
// Values travel as text, except bytea parameters (binary) — so a pseudonym is never escaped.
// Every connection runs with synchronous_commit = on (a COMMIT returns only once the WAL is
// flushed: with the server's fsync on, a committed transaction survives power loss) and
// bytea_output = hex.
//
// Errors map from SQLSTATE (PgError): class 08 (connection), 53 (resources: disk full, too many
// connections), 57P (server shutting down), 40001/40P01 (serialisation failure, deadlock) and
// 55P03 (lock not available) -> kUnavailable; XX001/XX002 (corrupt data or index) -> kDataLoss;
// 23505 (unique) -> kAlreadyExists; other class 23 (integrity) and class 22 (bad data) ->
// kInvalidArgument; 28 and 42501 (authentication, privilege) -> kPermissionDenied; 3D000 (no
// such database) -> kNotFound; anything else -> kInternal. A connection that is gone (no
// SQLSTATE, status CONNECTION_BAD) is kUnavailable.
// Thread safety: none; one thread uses a connection at a time (the store's pool hands it out).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/storage/sql.h"

struct pg_conn;
struct pg_result;

namespace orp::storage::postgres {

class Stmt;

// Parameters of one statement, $1 first.
class Params {
 public:
  Params& Add(int64_t value);
  Params& Add(int value) { return Add(static_cast<int64_t>(value)); }
  Params& Add(double value);
  Params& Add(bool value);
  Params& Add(std::string_view text);
  Params& Add(const char* text) { return Add(std::string_view(text)); }
  Params& Add(const std::string& text) { return Add(std::string_view(text)); }
  Params& AddBytea(std::string_view bytes);
  Params& AddNull();
  template <typename T>
  Params& Add(const std::optional<T>& value) {
    return value ? Add(*value) : AddNull();
  }

  int size() const { return static_cast<int>(values_.size()); }
  // Pointers into this object, valid while it lives and is not changed.
  std::vector<const char*> Values() const;
  std::vector<int> Lengths() const;
  const std::vector<int>& Formats() const { return formats_; }

 private:
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<int> formats_;
};

// One row of a result, in text format. Columns are 0-based.
class Row {
 public:
  Row(const pg_result* result, int row) : result_(result), row_(row) {}
  bool IsNull(int column) const;
  int64_t Int(int column) const;
  double Real(int column) const;
  bool Bool(int column) const;
  std::string Text(int column) const;
  std::string_view View(int column) const;
  std::string Bytea(int column) const;  // decoded from bytea's hex text

 private:
  const pg_result* result_;
  int row_;
};

// An owned result.
class Rows {
 public:
  explicit Rows(pg_result* result) : result_(result) {}
  Rows(Rows&& other) noexcept;
  Rows& operator=(Rows&&) = delete;
  ~Rows();
  int size() const;
  Row operator[](int row) const { return Row(result_, row); }
  // Rows changed by an INSERT/UPDATE/DELETE.
  int64_t Affected() const;

 private:
  pg_result* result_;
};

// Also the sql::Database of storage/sql.h, for the queries written once for both backends
// (stmt.cc: ?N placeholders rendered as $N, the statement run through stmt.h's Stmt).
class Connection final : public sql::Database {
 public:
  // Connects with a libpq connection string or URI (postgresql://…). `location` (never holding a
  // password) names the server in error messages.
  static Result<std::unique_ptr<Connection>> Open(const std::string& conninfo,
                                                  const std::string& location);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters (schema, BEGIN, COMMIT).
  Result<void> Exec(std::string_view sql);
  // COMMIT. A transaction that had already failed is rolled back by the server instead:
  // kFailedPrecondition then. With `wait_for_flush` false the commit returns (and its locks are
  // released) before its WAL is flushed (synchronous_commit = off for this transaction only):
  // the caller must not report it durable before WaitForFlush has returned.
  Result<void> Commit(bool wait_for_flush = true);
  // Returns once everything committed before the call is flushed to the WAL on disk: commits a
  // transaction that writes one WAL record (an empty transactional logical message) with
  // synchronous_commit on. Concurrent callers share the server's flush (its group commit).
  Result<void> WaitForFlush();
  // Runs one statement, prepared once per connection and cached by its text.
  Result<Rows> Query(std::string_view sql, const Params& params = {});
  // COPY … FROM STDIN (`copy_sql`) with `data` in COPY's text format (CopyText): the bulk path,
  // with no statement per row and no array parameters to parse. Errors as Query (a unique
  // violation in the data: kAlreadyExists; the transaction is then failed).
  Result<void> CopyIn(std::string_view copy_sql, std::string_view data);
  // Runs one statement and hands each row to `row` as it arrives (single-row mode), so a result
  // of any size streams in constant memory. `row` returns false (or an error) to stop: the rest
  // is cancelled when the stream began outside a transaction block (a cancel would abort the
  // transaction) and otherwise read and dropped; either way the connection is usable afterwards.
  // Opt-in, not the way Query reads, because libpq has one query in flight per connection: `row`
  // must not run anything on this connection (Query, Exec, another stream: they fail with
  // kFailedPrecondition until the stream has ended).
  Result<void> Stream(std::string_view sql, const Params& params,
                      const std::function<Result<bool>(const Row&)>& row);
  // Stream in steps, for a statement stepped by its user (WithStreamedStatement): StartStream
  // sends `sql` in single-row mode; NextStreamed returns the next row as a one-row Rows, or
  // nullopt at the end (the connection is then free); EndStream ends a stream early (as Stream
  // does when `row` stops) and does nothing when none is open. The constraint is Stream's.
  Result<void> StartStream(std::string_view sql, const Params& params);
  Result<std::optional<Rows>> NextStreamed();
  void EndStream();
  // Server-side cursors, for WithCursorStatement: DeclareCursor declares `sql` as a NO SCROLL
  // cursor in the current transaction block (kFailedPrecondition outside one) and returns its
  // name; FetchCursor fetches its next `rows` rows (fewer at the end); CloseCursor closes it
  // (nothing to do once the transaction has failed: its end drops the cursor). Cursors are
  // named by how many are open (orp_cursor_0, _1, …), so the statements' texts repeat and are
  // prepared once per connection; they must be closed in the reverse order of declaring.
  Result<std::string> DeclareCursor(std::string_view sql, const Params& params);
  Result<Rows> FetchCursor(const std::string& name, int rows);
  void CloseCursor(const std::string& name);
  // True inside a transaction block (BEGIN … COMMIT/ROLLBACK), failed or not.
  bool InTransactionBlock() const;

  // The SQLite-shaped statement of stmt.h over this connection (never fails to prepare here:
  // preparation happens at its first Step).
  Result<Stmt> Prepare(std::string_view sql);
  // Rows changed by the last Query (for ported SQLite code, stmt.h).
  int64_t Changes() const { return last_affected_; }
  // The identity value the last INSERT on this connection generated (lastval()).
  int64_t LastInsertRowid();

  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }
  Result<void> WithStatement(std::string_view sql, sql::StatementUse use) override;
  // Rows fetched as `use` steps (StartStream/NextStreamed), the stream ended when it returns.
  Result<void> WithStreamedStatement(std::string_view sql, sql::StatementUse use) override;
  // Rows fetched in batches through a cursor (DeclareCursor/FetchCursor), in WithReadSnapshot's
  // transaction when the connection is in none.
  Result<void> WithCursorStatement(std::string_view sql, sql::StatementUse use) override;
  // BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY around `use` when the connection is idle.
  Result<void> WithReadSnapshot(sql::UseRef<sql::Database> use) override;

  // True when the connection is up and outside any transaction: fit to go back to a pool.
  bool ReusableIdle() const;
  const std::string& location() const { return location_; }

 private:
  Connection(pg_conn* conn, std::string location) : conn_(conn), location_(std::move(location)) {}
  Result<std::string> Prepared(std::string_view sql, int params);
  Result<void> Send(std::string_view sql, const Params& params);
  Result<void> Drain();
  // kFailedPrecondition while a stream is open (libpq would refuse the command anyway).
  Result<void> CheckNotStreaming() const;

  pg_conn* conn_;
  std::string location_;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL text -> statement name
  int64_t last_affected_ = 0;
  bool streaming_ = false;           // between StartStream and the stream's end
  bool stream_cancellable_ = false;  // the open stream began outside a transaction block
  int open_cursors_ = 0;             // DeclareCursor's not yet closed
};

// The orp error for a failed result (or, with result null, for the connection's last error).
Error PgError(const pg_conn* conn, const pg_result* result, std::string_view context);

// A libpq connection string or URI with any password removed, for StoreInfo and messages:
// "postgresql://user@host:port/dbname". kInvalidArgument when libpq cannot parse it.
Result<std::string> RedactedLocation(const std::string& conninfo);

// Rows in COPY's text format: fields separated by tabs, rows ended by newlines, NULL as \N, and
// backslash, tab, newline and carriage return escaped. Values are the text forms Params sends.
class CopyText {
 public:
  CopyText& Field(std::string_view value);
  CopyText& Field(int64_t value);
  CopyText& FieldOrNull(const std::optional<std::string>& value) {
    return value ? Field(std::string_view(*value)) : Null();
  }
  CopyText& Null();
  void EndRow();
  const std::string& data() const { return data_; }

 private:
  void Separate();
  std::string data_;
  bool row_open_ = false;
};

// Text helpers for array parameters: {"a","b\"c",NULL}.
std::string ArrayLiteral(const std::vector<std::optional<std::string>>& items);

}  // namespace orp::storage::postgres
