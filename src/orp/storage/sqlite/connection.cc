#include "orp/storage/sqlite/connection.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cstdlib>
#include <mutex>

namespace orp::storage::sqlite {

Error SqliteError(sqlite3* db, int rc, std::string_view context) {
  std::string message =
      fmt::format("{}: {} (sqlite {})", context, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY: return Error(ErrorCode::kUnavailable, std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Error(ErrorCode::kDataLoss, std::move(message));
    case SQLITE_CONSTRAINT: return Error(ErrorCode::kAlreadyExists, std::move(message));
    default: return Error(ErrorCode::kInternal, std::move(message));
  }
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     const ConnectionOptions& options) {
  // SQLite's allocation statistics take a global mutex on every malloc and free (4% of an
  // ingest's instructions); nothing here reads them. Statement journals (the undo of one
  // statement inside a transaction) stay in memory even on a connection whose temporary files
  // are on disk (temp_in_memory false), as they were with temp_store=MEMORY. Only possible before
  // SQLite initialises, so a process that used SQLite before its first store keeps SQLite's
  // defaults (SQLITE_MISUSE, harmless).
  static std::once_flag global_configuration;
  std::call_once(global_configuration, [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
  });
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = SqliteError(db, rc, fmt::format("cannot open database {}", path));
    sqlite3_close(db);
    return std::unexpected(error);
  }
  std::unique_ptr<Connection> connection(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  const char* sync = options.synchronous == Synchronous::kFull     ? "FULL"
                     : options.synchronous == Synchronous::kNormal ? "NORMAL"
                                                                   : "OFF";
  // Before WAL: the page size of a WAL database can no longer change once it is created.
  if (options.page_size > 0) {
    ORP_RETURN_IF_ERROR(connection->Exec(fmt::format("PRAGMA page_size={};", options.page_size)));
  }
  // WAL lets readers run beside the one writer. Refused (BUSY, at once) only while another
  // process holds the file under a rollback journal: an exclusive bulk load (ADR 0011).
  if (path != ":memory:" && !connection->SetJournalMode("WAL")) {
    if ((sqlite3_errcode(db) & 0xff) == SQLITE_BUSY) {
      return Unavailable(fmt::format(
          "the database {} is locked by another process (an `orp ingest` loading it in bulk "
          "holds it until it commits); try again when that load has finished",
          path));
    }
    return std::unexpected(SqliteError(db, sqlite3_errcode(db), "cannot set WAL"));
  }
  // Foreign keys keep implants tied to procedures.
  ORP_RETURN_IF_ERROR(connection->Exec(
      fmt::format("PRAGMA synchronous={}; PRAGMA foreign_keys=ON; "
                  "PRAGMA cache_size=-{}; PRAGMA temp_store={}; PRAGMA mmap_size={};",
                  sync, options.cache_mib * 1024, options.temp_in_memory ? "MEMORY" : "FILE",
                  options.mmap_mib * (int64_t{1} << 20))));
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Result<void> Connection::Exec(std::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(SqliteError(db_, rc, "SQL failed"));
  return {};
}

Result<Stmt> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(SqliteError(db_, rc, "cannot prepare SQL"));
    it = cache_.emplace(std::string(sql), stmt).first;
  }
  return Stmt(*this, it->second);
}

Result<void> Connection::WithStatement(std::string_view sql, sql::StatementUse use) {
  auto stmt = Prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  sql::StatementOver<Stmt> statement(*stmt);
  return use(statement);
}

int64_t Connection::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

Result<std::string> Connection::JournalMode() {
  auto stmt = Prepare("PRAGMA journal_mode");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->Step();
  if (!row) return std::unexpected(row.error());
  return *row ? stmt->Text(0) : std::string();
}

Result<std::string> Connection::SetJournalMode(std::string_view mode) {
  // The PRAGMA answers one row, the mode the database is in afterwards.
  const std::string sql = "PRAGMA journal_mode=" + std::string(mode);
  std::string now;
  int rc = sqlite3_exec(
      db_, sql.c_str(),
      [](void* out, int, char** values, char**) {
        if (values[0] != nullptr) *static_cast<std::string*>(out) = values[0];
        return 0;
      },
      &now, nullptr);
  if (rc != SQLITE_OK) {
    return std::unexpected(SqliteError(db_, rc, "cannot change the journal mode"));
  }
  return now;
}

void Connection::SetBusyTimeout(int ms) { sqlite3_busy_timeout(db_, ms); }

Stmt::Stmt(Stmt&& other) noexcept : connection_(other.connection_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

Stmt::~Stmt() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Stmt& Stmt::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Stmt& Stmt::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Stmt& Stmt::Bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}
Stmt& Stmt::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::BindStatic(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  return *this;
}
Stmt& Stmt::BindMalloced(int index, char* text, size_t size) {
  sqlite3_bind_text64(stmt_, index, text, size, std::free, SQLITE_UTF8);
  return *this;
}
Stmt& Stmt::BindBlobStatic(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC);
  return *this;
}
Stmt& Stmt::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(SqliteError(connection_->handle(), rc, "SQL step failed"));
}

Result<void> Stmt::Run() {
  while (true) {
    auto row = Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
  }
}

bool Stmt::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
int64_t Stmt::Int(int column) const { return sqlite3_column_int64(stmt_, column); }
double Stmt::Real(int column) const { return sqlite3_column_double(stmt_, column); }
std::string Stmt::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return text ? std::string(reinterpret_cast<const char*>(text), size) : std::string();
}
std::string Stmt::Blob(int column) const {
  const void* bytes = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return bytes ? std::string(static_cast<const char*>(bytes), size) : std::string();
}

}  // namespace orp::storage::sqlite
