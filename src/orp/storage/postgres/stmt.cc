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
  if (streamed_) return StepStreamed();
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

void Stmt::Finish() {
  if (streamed_ && started_) connection_->EndStream();
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
  Stmt stmt(*this, sql::RenderPostgresPlaceholders(sql), /*streamed=*/true);
  sql::StatementOver<Stmt> statement(stmt);
  Result<void> used = use(statement);
  stmt.Finish();  // `use` stopped early (an error, a visitor's stop): the rest is dropped
  return used;
}

}  // namespace orp::storage::postgres
