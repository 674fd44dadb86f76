// RAII wrappers over the SQLite C API: a Connection owns one sqlite3 handle and a cache of
// prepared statements; a Stmt is a lease on a cached statement that is reset and unbound when it
// goes out of scope, so hot paths prepare each SQL text once per connection.
//
// Errors from SQLite map to orp codes: BUSY/LOCKED/FULL/IOERR/CANTOPEN -> kUnavailable,
// CORRUPT/NOTADB -> kDataLoss, CONSTRAINT -> kAlreadyExists, anything else -> kInternal.
// Thread safety: none; the owner (SqliteStore) serialises use with its mutex.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "orp/core/result.h"
#include "orp/storage/sql.h"

struct sqlite3;
struct sqlite3_stmt;

namespace orp::storage::sqlite {

// How hard a commit waits for the disk. kFull (the default) makes a committed transaction
// survive power loss in WAL mode; kNormal may lose the last commits on power loss (not on a
// process crash). docs/performance.md has the cost of each.
enum class Synchronous { kFull, kNormal, kOff };

struct ConnectionOptions {
  Synchronous synchronous = Synchronous::kFull;
  int busy_timeout_ms = 10000;
  // Page cache per connection. Index inserts of a large submission stay in memory instead of
  // spilling dirty pages to the WAL mid-transaction.
  int cache_mib = 64;
  // The same for a file Store's pooled read connections only (sqlite_store.h); -1: cache_mib.
  int read_cache_mib = -1;
  // Memory-mapped reads of up to this much of the file (0: off, the default). A long-running
  // reader of a large registry (a server answering recall queries) reads mapped pages instead of
  // copying each through a read call: docs/performance.md "## Recall".
  int64_t mmap_mib = 0;
  // The same for a file Store's pooled read connections only (sqlite_store.h); -1: mmap_mib.
  // Stores opened from a URL (every command, the server) map their reads: see OpenStoreFromUrl.
  int64_t read_mmap_mib = -1;
  // A file Store checkpoints its WAL on a thread of its own (checkpointer.h) instead of on the
  // committing thread after each commit (SQLite's automatic checkpoint). Ingest speed, #4.
  bool background_checkpoint = true;
  // Temporary tables, indexes and sort runs in memory (SQLite's temp_store=MEMORY, the default
  // here), or in temporary files (deleted on close; SQLite's temp directory). In memory, SQLite's
  // sorter never spills: a CREATE INDEX sorts every key as one run on one thread. In files, it
  // sorts runs of the page cache's size, hands them to PRAGMA threads workers and merges them. A
  // Store's writer uses files (OpenStore): a bulk load's index rebuild (#4) is its one big sort.
  bool temp_in_memory = true;
  // The page size of a database created by this open (0: SQLite's default, 4096); an existing
  // database keeps its own. Measured for ingest in docs/performance.md "## Ingest".
  int page_size = 0;
};

class Stmt;

// Also the sql::Database of storage/sql.h, for the queries written once for both backends.
class Connection final : public sql::Database {
 public:
  // Opens (creating) the file, or an in-memory database for ":memory:", and sets WAL, the
  // synchronous level, foreign keys and the busy timeout.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                  const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements with no parameters and no rows (schema, BEGIN, COMMIT).
  Result<void> Exec(std::string_view sql);
  // A cached prepared statement for `sql`; the SQL text is the cache key.
  Result<Stmt> Prepare(std::string_view sql);

  int64_t LastInsertRowid() const;
  int64_t Changes() const;
  // "wal", "memory", …
  Result<std::string> JournalMode();
  // PRAGMA journal_mode=`mode` ("wal", "delete"): the mode the database is in afterwards. Leaving
  // WAL needs every other connection to the file, in any process, closed: SQLITE_BUSY otherwise.
  Result<std::string> SetJournalMode(std::string_view mode);
  // How long a statement waits for another connection's lock before SQLITE_BUSY (0: not at all).
  void SetBusyTimeout(int ms);
  sqlite3* handle() { return db_; }

  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }
  Result<void> WithStatement(std::string_view sql, sql::StatementUse use) override;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

// A lease on a prepared statement. Column and parameter indexes: parameters are 1-based (as in
// SQL's ?1), columns 0-based (as sqlite3_column_*).
class Stmt {
 public:
  Stmt(Connection& connection, sqlite3_stmt* stmt) : connection_(&connection), stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  Stmt& Bind(int index, int64_t value);
  Stmt& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Stmt& Bind(int index, double value);
  Stmt& Bind(int index, std::string_view text);  // copied by SQLite (SQLITE_TRANSIENT)
  Stmt& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Stmt& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
  Stmt& BindBlob(int index, std::string_view bytes);
  // Not copied (SQLITE_STATIC): the bytes must stay valid and unchanged until this Stmt is
  // destroyed (which resets it and clears its bindings) — bind members of an entity the caller
  // holds across the execution, never a temporary. Saves SQLite's copy on the ingest hot path.
  Stmt& BindStatic(int index, std::string_view text);
  // Hands SQLite `text`, `size` bytes from std::malloc, which it frees when done with it (even
  // when binding fails): no copy.
  Stmt& BindMalloced(int index, char* text, size_t size);
  Stmt& BindBlobStatic(int index, std::string_view bytes);
  Stmt& BindNull(int index);
  template <typename T>
  Stmt& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // True when a row is ready to read, false when the statement is done.
  Result<bool> Step();
  // Steps to completion, ignoring rows.
  Result<void> Run();
  // Rows the last statement run on the connection changed.
  int64_t Changes() const { return connection_->Changes(); }

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  double Real(int column) const;
  std::string Text(int column) const;
  std::string Blob(int column) const;

 private:
  Connection* connection_;
  sqlite3_stmt* stmt_;
};

// Prepares `sql` (cached), lets `bind` bind its parameters, and steps it to completion: the one
// shape of every write that returns no rows.
template <typename BindFn>
Result<void> Execute(Connection& db, std::string_view sql, BindFn bind) {
  auto stmt = db.Prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  bind(*stmt);
  return stmt->Run();
}

// The orp error for SQLite result code `rc` on `db`, with the SQLite message and a context.
Error SqliteError(sqlite3* db, int rc, std::string_view context);

}  // namespace orp::storage::sqlite
