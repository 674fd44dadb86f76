#include "orp/storage/postgres/connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace orp::storage::postgres {
namespace {

ErrorCode CodeForSqlState(std::string_view state) {
  auto cls = state.substr(0, 2);
  if (cls == "08" || cls == "53" || state.starts_with("57P") || state == "40001" ||
      state == "40P01" || state == "55P03") {
    return ErrorCode::kUnavailable;
  }
  if (state == "XX001" || state == "XX002") return ErrorCode::kDataLoss;
  if (state == "23505") return ErrorCode::kAlreadyExists;
  if (cls == "23" || cls == "22") return ErrorCode::kInvalidArgument;
  if (cls == "28" || state == "42501") return ErrorCode::kPermissionDenied;
  if (state == "3D000") return ErrorCode::kNotFound;
  return ErrorCode::kInternal;
}

std::string TrimMessage(const char* text) {
  std::string message = text ? text : "";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  return message;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

}  // namespace

Error PgError(const pg_conn* conn, const pg_result* result, std::string_view context) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = TrimMessage(result ? PQresultErrorMessage(result) : nullptr);
  if (message.empty() && conn) message = TrimMessage(PQerrorMessage(conn));
  if (state == nullptr) {
    // No SQLSTATE: the client could not talk to the server at all.
    bool gone = conn == nullptr || PQstatus(conn) == CONNECTION_BAD;
    return Error(gone ? ErrorCode::kUnavailable : ErrorCode::kInternal,
                 fmt::format("{}: {}", context, message));
  }
  return Error(CodeForSqlState(state),
               fmt::format("{}: {} (SQLSTATE {})", context, message, state));
}

Result<std::string> RedactedLocation(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    std::string message = TrimMessage(error);
    PQfreemem(error);
    return InvalidArgument("PostgreSQL connection string: " + message);
  }
  std::map<std::string, std::string> given;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && *o->val != '\0') given[o->keyword] = o->val;
  }
  PQconninfoFree(options);
  std::string host = given.count("host") ? given["host"] : "";
  std::string out = "postgresql://";
  if (given.count("user")) out += given["user"] + "@";
  bool socket_dir = host.starts_with('/');
  if (!socket_dir) out += host;
  if (given.count("port") && !socket_dir) out += ":" + given["port"];
  out += "/" + (given.count("dbname") ? given["dbname"] : "");
  if (socket_dir) {
    out += "?host=" + host;
    if (given.count("port")) out += "&port=" + given["port"];
  }
  return out;
}

std::string ArrayLiteral(const std::vector<std::optional<std::string>>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    if (!items[i]) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (char c : *items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

// Params ---------------------------------------------------------------------------------------

Params& Params::Add(int64_t value) { return Add(std::string_view(std::to_string(value))); }
Params& Params::Add(double value) { return Add(std::string_view(fmt::format("{}", value))); }
Params& Params::Add(bool value) { return Add(std::string_view(value ? "t" : "f")); }
Params& Params::Add(std::string_view text) {
  values_.emplace_back(text);
  null_.push_back(false);
  formats_.push_back(0);
  return *this;
}
Params& Params::AddBytea(std::string_view bytes) {
  values_.emplace_back(bytes);
  null_.push_back(false);
  formats_.push_back(1);
  return *this;
}
Params& Params::AddNull() {
  values_.emplace_back();
  null_.push_back(true);
  formats_.push_back(0);
  return *this;
}

std::vector<const char*> Params::Values() const {
  std::vector<const char*> out;
  for (size_t i = 0; i < values_.size(); ++i) out.push_back(null_[i] ? nullptr : values_[i].data());
  return out;
}

std::vector<int> Params::Lengths() const {
  std::vector<int> out;
  for (const std::string& v : values_) out.push_back(static_cast<int>(v.size()));
  return out;
}

// Rows and Row ---------------------------------------------------------------------------------

Rows::Rows(Rows&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
Rows::~Rows() { PQclear(result_); }
int Rows::size() const { return PQntuples(result_); }
int64_t Rows::Affected() const {
  const char* n = PQcmdTuples(result_);
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

bool Row::IsNull(int column) const { return PQgetisnull(result_, row_, column) != 0; }
std::string_view Row::View(int column) const {
  return {PQgetvalue(result_, row_, column),
          static_cast<size_t>(PQgetlength(result_, row_, column))};
}
std::string Row::Text(int column) const { return std::string(View(column)); }
int64_t Row::Int(int column) const {
  std::string_view text = View(column);
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}
double Row::Real(int column) const {
  std::string_view text = View(column);
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}
bool Row::Bool(int column) const { return View(column) == "t"; }
std::string Row::Bytea(int column) const {
  std::string_view text = View(column);
  if (text.starts_with("\\x")) text.remove_prefix(2);
  std::string out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i + 1 < text.size(); i += 2) {
    out += static_cast<char>(HexValue(text[i]) * 16 + HexValue(text[i + 1]));
  }
  return out;
}

// Connection -----------------------------------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& conninfo,
                                                     const std::string& location) {
  pg_conn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr) return Unavailable("cannot allocate a PostgreSQL connection");
  std::unique_ptr<Connection> connection(new Connection(conn, location));
  if (PQstatus(conn) != CONNECTION_OK) {
    // libpq gives no SQLSTATE for a failed connection; a refused password or an unknown
    // database is the operator's to fix, anything else (no server) may pass on a retry.
    std::string message = TrimMessage(PQerrorMessage(conn));
    ErrorCode code = ErrorCode::kUnavailable;
    if (message.find("password authentication failed") != std::string::npos ||
        message.find("no pg_hba.conf entry") != std::string::npos) {
      code = ErrorCode::kPermissionDenied;
    } else if (message.find("does not exist") != std::string::npos) {
      code = ErrorCode::kNotFound;
    }
    return std::unexpected(
        Error(code, fmt::format("cannot connect to PostgreSQL at {}: {}", location, message)));
  }
  ORP_RETURN_IF_ERROR(connection->Exec(
      "SET synchronous_commit TO on; SET bytea_output TO hex; SET client_encoding TO 'UTF8'; "
      "SET client_min_messages TO warning"));
  return connection;
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::ReusableIdle() const {
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

namespace {

// Owns a raw result until it is handed to Rows.
struct ResultGuard {
  pg_result* result;
  ~ResultGuard() { PQclear(result); }
  pg_result* release() { return std::exchange(result, nullptr); }
};

bool Succeeded(const pg_result* result) {
  auto status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_SINGLE_TUPLE;
}

}  // namespace

Result<void> Connection::Exec(std::string_view sql) {
  ORP_RETURN_IF_ERROR(CheckNotStreaming());
  std::string text(sql);
  ResultGuard result{PQexec(conn_, text.c_str())};
  if (result.result == nullptr || !Succeeded(result.result)) {
    return std::unexpected(PgError(conn_, result.result, "PostgreSQL: SQL failed"));
  }
  return {};
}

int64_t Connection::LastInsertRowid() {
  auto rows = Query("SELECT lastval()");
  return rows && rows->size() == 1 ? (*rows)[0].Int(0) : 0;
}

Result<void> Connection::Commit(bool wait_for_flush) {
  ORP_RETURN_IF_ERROR(CheckNotStreaming());
  ResultGuard result{
      PQexec(conn_, wait_for_flush ? "COMMIT" : "SET LOCAL synchronous_commit = off; COMMIT")};
  if (result.result == nullptr || !Succeeded(result.result)) {
    return std::unexpected(PgError(conn_, result.result, "PostgreSQL: COMMIT failed"));
  }
  if (std::string_view(PQcmdStatus(result.result)) != "COMMIT") {
    return FailedPrecondition("the transaction had failed and was rolled back");
  }
  return {};
}

Result<void> Connection::WaitForFlush() {
  // pg_current_xact_id() alone would not do: a commit record with no other WAL before it is
  // not flushed (RecordTransactionCommit's wrote_xlog), so the message is what makes it wait.
  auto flushed = Query("SELECT pg_logical_emit_message(true, 'orp.flush', '')");
  if (!flushed) return std::unexpected(flushed.error());
  return {};
}

Result<std::string> Connection::Prepared(std::string_view sql, int params) {
  auto it = prepared_.find(sql);
  if (it != prepared_.end()) return it->second;
  std::string name = "orp_" + std::to_string(prepared_.size() + 1);
  std::string text(sql);
  ResultGuard result{PQprepare(conn_, name.c_str(), text.c_str(), params, nullptr)};
  if (result.result == nullptr || !Succeeded(result.result)) {
    return std::unexpected(PgError(conn_, result.result, "PostgreSQL: cannot prepare SQL"));
  }
  prepared_.emplace(std::move(text), name);
  return name;
}

Result<Rows> Connection::Query(std::string_view sql, const Params& params) {
  ORP_RETURN_IF_ERROR(CheckNotStreaming());
  auto name = Prepared(sql, params.size());
  if (!name) return std::unexpected(name.error());
  auto values = params.Values();
  auto lengths = params.Lengths();
  ResultGuard result{PQexecPrepared(conn_, name->c_str(), params.size(), values.data(),
                                    lengths.data(), params.Formats().data(), 0)};
  if (result.result == nullptr || !Succeeded(result.result)) {
    return std::unexpected(PgError(conn_, result.result, "PostgreSQL: SQL failed"));
  }
  Rows rows(result.release());
  last_affected_ = rows.Affected();
  return rows;
}

Result<void> Connection::Send(std::string_view sql, const Params& params) {
  auto name = Prepared(sql, params.size());
  if (!name) return std::unexpected(name.error());
  auto values = params.Values();
  auto lengths = params.Lengths();
  if (!PQsendQueryPrepared(conn_, name->c_str(), params.size(), values.data(), lengths.data(),
                           params.Formats().data(), 0) ||
      !PQsetSingleRowMode(conn_)) {
    return std::unexpected(PgError(conn_, nullptr, "PostgreSQL: cannot send SQL"));
  }
  return {};
}

// Reads every remaining result of the query in flight; the first error wins.
Result<void> Connection::Drain() {
  std::optional<Error> error;
  while (pg_result* raw = PQgetResult(conn_)) {
    ResultGuard result{raw};
    if (!error && !Succeeded(raw)) error = PgError(conn_, raw, "PostgreSQL: SQL failed");
  }
  if (error) return std::unexpected(*error);
  return {};
}

Result<void> Connection::CheckNotStreaming() const {
  if (!streaming_) return {};
  return FailedPrecondition(
      "a statement ran on a PostgreSQL connection while a streamed read on it was still open "
      "(a stream's callback must not use the connection it streams from)");
}

Result<void> Connection::StartStream(std::string_view sql, const Params& params) {
  ORP_RETURN_IF_ERROR(CheckNotStreaming());
  const bool idle = PQtransactionStatus(conn_) == PQTRANS_IDLE;
  ORP_RETURN_IF_ERROR(Send(sql, params));
  streaming_ = true;
  stream_cancellable_ = idle;
  return {};
}

Result<std::optional<Rows>> Connection::NextStreamed() {
  if (!streaming_) return std::optional<Rows>();
  while (pg_result* raw = PQgetResult(conn_)) {
    ResultGuard result{raw};
    if (PQresultStatus(raw) == PGRES_TUPLES_OK) continue;  // the end marker
    if (PQresultStatus(raw) != PGRES_SINGLE_TUPLE) {
      Error error = PgError(conn_, raw, "PostgreSQL: SQL failed");
      (void)Drain();
      streaming_ = false;
      return std::unexpected(error);
    }
    return std::optional<Rows>(Rows(result.release()));
  }
  streaming_ = false;
  return std::optional<Rows>();
}

void Connection::EndStream() {
  if (!streaming_) return;
  if (stream_cancellable_) {
    if (PGcancel* cancel = PQgetCancel(conn_)) {
      char buffer[256];
      PQcancel(cancel, buffer, sizeof buffer);
      PQfreeCancel(cancel);
    }
  }
  (void)Drain();  // a cancelled query ends with an error nobody needs to see
  streaming_ = false;
}

bool Connection::InTransactionBlock() const {
  const auto status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

Result<std::string> Connection::DeclareCursor(std::string_view sql, const Params& params) {
  if (PQtransactionStatus(conn_) != PQTRANS_INTRANS) {
    return FailedPrecondition("a PostgreSQL cursor needs an open transaction");
  }
  std::string name = "orp_cursor_" + std::to_string(open_cursors_);
  auto declared = Query(fmt::format("DECLARE {} NO SCROLL CURSOR FOR {}", name, sql), params);
  if (!declared) return std::unexpected(declared.error());
  ++open_cursors_;
  return name;
}

Result<Rows> Connection::FetchCursor(const std::string& name, int rows) {
  return Query(fmt::format("FETCH FORWARD {} FROM {}", rows, name));
}

void Connection::CloseCursor(const std::string& name) {
  --open_cursors_;
  if (PQtransactionStatus(conn_) != PQTRANS_INTRANS || streaming_) return;
  (void)Exec("CLOSE " + name);
}

Result<void> Connection::Stream(std::string_view sql, const Params& params,
                                const std::function<Result<bool>(const Row&)>& row) {
  ORP_RETURN_IF_ERROR(StartStream(sql, params));
  while (true) {
    auto next = NextStreamed();
    if (!next) return std::unexpected(next.error());
    if (!*next) return {};
    Result<bool> more = row((**next)[0]);
    if (more && *more) continue;
    EndStream();
    if (!more) return std::unexpected(more.error());
    return {};
  }
}

Result<void> Connection::CopyIn(std::string_view copy_sql, std::string_view data) {
  ORP_RETURN_IF_ERROR(CheckNotStreaming());
  std::string text(copy_sql);
  ResultGuard start{PQexec(conn_, text.c_str())};
  if (start.result == nullptr || PQresultStatus(start.result) != PGRES_COPY_IN) {
    Error error = PgError(conn_, start.result, "PostgreSQL: COPY failed");
    (void)Drain();
    return std::unexpected(error);
  }
  // Blocking connection: each call returns 1 once the data is queued, -1 on failure.
  constexpr size_t kChunk = size_t{1} << 20;
  bool sent = true;
  for (size_t at = 0; sent && at < data.size(); at += kChunk) {
    const size_t n = std::min(kChunk, data.size() - at);
    sent = PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) == 1;
  }
  if (PQputCopyEnd(conn_, sent ? nullptr : "client failed to send the data") != 1) {
    return std::unexpected(PgError(conn_, nullptr, "PostgreSQL: COPY failed"));
  }
  return Drain();
}

void CopyText::Separate() {
  if (row_open_) data_ += '\t';
  row_open_ = true;
}

CopyText& CopyText::Field(std::string_view value) {
  Separate();
  for (char c : value) {
    switch (c) {
      case '\\': data_ += "\\\\"; break;
      case '\t': data_ += "\\t"; break;
      case '\n': data_ += "\\n"; break;
      case '\r': data_ += "\\r"; break;
      default: data_ += c;
    }
  }
  return *this;
}

CopyText& CopyText::Field(int64_t value) {
  Separate();
  data_ += std::to_string(value);
  return *this;
}

CopyText& CopyText::Null() {
  Separate();
  data_ += "\\N";
  return *this;
}

void CopyText::EndRow() {
  data_ += '\n';
  row_open_ = false;
}

}  // namespace orp::storage::postgres
