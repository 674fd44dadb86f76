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

Result<bool> Stmt::Step() {
  if (!rows_) {
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
    auto rows = connection_->Query(sql_, params);
    if (!rows) return std::unexpected(rows.error());
    rows_.emplace(std::move(*rows));
  }
  ++row_;
  return row_ < rows_->size();
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

}  // namespace orp::storage::postgres
