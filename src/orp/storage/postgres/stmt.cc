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

namespace {

// A Stmt seen through the backend-neutral interface of storage/sql.h.
class StatementAdapter final : public sql::Statement {
 public:
  explicit StatementAdapter(Stmt& stmt) : stmt_(stmt) {}
  StatementAdapter& Bind(int index, int64_t value) override {
    return Set(stmt_.Bind(index, value));
  }
  StatementAdapter& Bind(int index, double value) override { return Set(stmt_.Bind(index, value)); }
  StatementAdapter& Bind(int index, std::string_view text) override {
    return Set(stmt_.Bind(index, text));
  }
  StatementAdapter& BindBlob(int index, std::string_view bytes) override {
    return Set(stmt_.BindBlob(index, bytes));
  }
  StatementAdapter& BindNull(int index) override { return Set(stmt_.BindNull(index)); }
  Result<bool> Step() override { return stmt_.Step(); }
  int64_t Changes() const override { return stmt_.Changes(); }
  bool IsNull(int column) const override { return stmt_.IsNull(column); }
  int64_t Int(int column) const override { return stmt_.Int(column); }
  double Real(int column) const override { return stmt_.Real(column); }
  std::string Text(int column) const override { return stmt_.Text(column); }
  std::string Blob(int column) const override { return stmt_.Blob(column); }

 private:
  StatementAdapter& Set(Stmt&) { return *this; }
  Stmt& stmt_;
};

}  // namespace

Result<void> Connection::WithStatement(std::string_view sql, sql::StatementUse use) {
  Stmt stmt(*this, sql::RenderPostgresPlaceholders(sql));
  StatementAdapter adapter(stmt);
  return use(adapter);
}

}  // namespace orp::storage::postgres
