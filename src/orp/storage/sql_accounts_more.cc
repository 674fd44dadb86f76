// Queries: password changes and TOTP replay protection (security, #5; migration 0011), written
// once for both backends over sql.h.
#include <fmt/format.h>

#include "orp/storage/sql_codec.h"
#include "orp/storage/sql_queries.h"

namespace orp::storage::sql {

Result<void> Queries::SetUserPassword(int64_t user_id, std::string_view password_hash) {
  auto changes = ExecuteCounting(db_, "UPDATE users SET password_hash = ?2 WHERE id = ?1",
                                 [&](Statement& s) { s.Bind(1, user_id).Bind(2, password_hash); });
  if (!changes) return std::unexpected(changes.error());
  if (*changes == 0) return NotFound(fmt::format("user {} does not exist", user_id));
  return {};
}

Result<void> Queries::DeleteSessionsOfExcept(int64_t user_id, std::string_view keep_id_hash) {
  return Execute(db_, "DELETE FROM sessions WHERE user_id = ?1 AND id_hash <> ?2",
                 [&](Statement& s) { s.Bind(1, user_id).Bind(2, keep_id_hash); });
}

// One conditional UPDATE: on PostgreSQL a second transaction updating the same row waits for the
// first to commit and then re-checks the condition against the new value (READ COMMITTED), so
// of two servers claiming one step exactly one changes the row. SQLite has one writer at a time.
Result<bool> Queries::ClaimTotpStep(int64_t user_id, int64_t step) {
  auto changes = ExecuteCounting(
      db_, "UPDATE users SET totp_last_step = ?2 WHERE id = ?1 AND totp_last_step < ?2",
      [&](Statement& s) { s.Bind(1, user_id).Bind(2, step); });
  if (!changes) return std::unexpected(changes.error());
  if (*changes == 1) return true;
  auto exists = First<int64_t>(
      db_, "SELECT id FROM users WHERE id = ?1", [&](Statement& s) { s.Bind(1, user_id); },
      [](const Statement& s) -> Result<int64_t> { return s.Int(0); });
  if (!exists) return std::unexpected(exists.error());
  if (!*exists) return NotFound(fmt::format("user {} does not exist", user_id));
  return false;
}

}  // namespace orp::storage::sql
