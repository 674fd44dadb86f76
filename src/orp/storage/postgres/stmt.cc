#include "orp/storage/postgres/stmt.h"

#include <fmt/format.h>

namespace orp::storage::postgres {

Result<Stmt> Connection::Prepare(std::string_view sql) { return Stmt(*this, sql); }

Stmt& Stmt::Set(int index, Value value) {
  if (static_cast<int>(values_.size()) < index) values_.resize(index);
  values_[index - 1] = std::move(value);
  return *this;
}

Stmt& Stmt::Bind(int index, int64_t value) { return Set(index, {std::to_string(value), false}); }
Stmt& Stmt::Bind(int index, double value) { return Set(index, {fmt::format("{}", value), false}); }
Stmt& Stmt::Bind(int index, std::string_view text) {
  return Set(index, {std::string(text), false});
}
Stmt& Stmt::BindBlob(int index, std::string_view bytes) {
  return Set(index, {std::string(bytes), true});
}
Stmt& Stmt::BindNull(int index) { return Set(index, {std::nullopt, false}); }

Params Stmt::Bound() const {
  Params params;
  for (const Value& v : values_) {
    if (!v.text) {
      params.AddNull();
    } else if (v.binary) {
      params.AddBytea(*v.text);
    } else {
      params.Add(*v.text);
    }
  }
  return params;
}

Result<bool> Stmt::Step() {
  if (fetch_ == Fetch::kStreamed) return StepStreamed();
  if (fetch_ == Fetch::kCursor) return StepCursor();
  if (!rows_) {
    auto rows = connection_->Query(sql_, Bound());
    if (!rows) return std::unexpected(rows.error());
    rows_.emplace(std::move(*rows));
  }
  ++row_;
  return row_ < rows_->size();
}

// Each row is its own one-row result; the previous one is freed as the next arrives.
Result<bool> Stmt::StepStreamed() {
  if (!started_) {
    ORP_RETURN_IF_ERROR(connection_->StartStream(sql_, Bound()));
    started_ = true;
  }
  rows_.reset();
  auto next = connection_->NextStreamed();
  if (!next) return std::unexpected(next.error());
  if (!*next) return false;
  rows_.emplace(std::move(**next));
  row_ = 0;
  return true;
}

// The batch in hand is read to its end before the next is fetched; a short batch is the last.
Result<bool> Stmt::StepCursor() {
  if (!started_) {
    auto name = connection_->DeclareCursor(sql_, Bound());
    if (!name) return std::unexpected(name.error());
    cursor_ = std::move(*name);
    started_ = true;
    batch_rows_ = sql::CursorBatchRows();
  }
  if (rows_ && row_ + 1 < rows_->size()) {
    ++row_;
    return true;
  }
  if (last_batch_ || cursor_.empty()) return false;
  rows_.reset();
  auto batch = connection_->FetchCursor(cursor_, batch_rows_);
  if (!batch) return std::unexpected(batch.error());
  rows_.emplace(std::move(*batch));
  row_ = 0;
  last_batch_ = rows_->size() < batch_rows_;
  return rows_->size() > 0;
}

void Stmt::Finish() {
  if (fetch_ == Fetch::kStreamed && started_) connection_->EndStream();
  if (fetch_ == Fetch::kCursor && !cursor_.empty()) {
    connection_->CloseCursor(cursor_);
    cursor_.clear();
  }
}

Result<void> Stmt::Run() {
  while (true) {
    auto row = Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
  }
}

int64_t Stmt::Int(int column) const {
  std::string_view text = Current().View(column);
  if (text == "t") return 1;
  if (text == "f") return 0;
  return Current().Int(column);
}

Result<void> Connection::WithStatement(std::string_view sql, sql::StatementUse use) {
  Stmt stmt(*this, sql::RenderPostgresPlaceholders(sql));
  sql::StatementOver<Stmt> statement(stmt);
  return use(statement);
}

Result<void> Connection::WithStreamedStatement(std::string_view sql, sql::StatementUse use) {
  Stmt stmt(*this, sql::RenderPostgresPlaceholders(sql), Stmt::Fetch::kStreamed);
  sql::StatementOver<Stmt> statement(stmt);
  Result<void> used = use(statement);
  stmt.Finish();  // `use` stopped early (an error, a visitor's stop): the rest is dropped
  return used;
}

Result<void> Connection::WithCursorStatement(std::string_view sql, sql::StatementUse use) {
  if (!InTransactionBlock()) {
    return WithReadSnapshot([&](sql::Database&) { return WithCursorStatement(sql, use); });
  }
  Stmt stmt(*this, sql::RenderPostgresPlaceholders(sql), Stmt::Fetch::kCursor);
  sql::StatementOver<Stmt> statement(stmt);
  Result<void> used = use(statement);
  stmt.Finish();
  return used;
}

Result<void> Connection::WithReadSnapshot(sql::UseRef<sql::Database> use) {
  if (InTransactionBlock()) return use(*this);
  ORP_RETURN_IF_ERROR(Exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
  Result<void> used = use(*this);
  // Read only: COMMIT and ROLLBACK end it alike; ROLLBACK also ends a transaction that failed.
  Result<void> ended = Exec("ROLLBACK");
  if (!used) return used;
  return ended;
}

}  // namespace orp::storage::postgres
