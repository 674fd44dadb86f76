#include "orp/storage/sql.h"

#include <algorithm>
#include <atomic>

namespace orp::storage::sql {
namespace {

std::atomic<int> cursor_batch_rows{10000};

}  // namespace

int CursorBatchRows() { return cursor_batch_rows.load(std::memory_order_relaxed); }

void SetCursorBatchRows(int rows) {
  cursor_batch_rows.store(std::max(rows, 1), std::memory_order_relaxed);
}

Result<void> Statement::Run() {
  while (true) {
    auto row = Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
  }
}

std::string RenderPostgresPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;  // the quote character while inside '…' or "…"
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote closes and reopens: same result
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '$';
      continue;
    }
    out += c;
  }
  return out;
}

std::string_view ByteOrderCollation(Dialect dialect) {
  return dialect == Dialect::kPostgres ? " COLLATE \"C\"" : "";
}

}  // namespace orp::storage::sql
