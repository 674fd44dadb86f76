// Queries: users, grants, sessions, API tokens, sign-in attempts and audit queries
// (security, #5). Instants are INTEGER seconds since the epoch.
#include <fmt/format.h>

#include "orp/storage/sql_codec.h"
#include "orp/storage/sql_queries.h"

namespace orp::storage::sql {
namespace {

using domain::Instant;

Instant ToInstant(int64_t seconds) { return InstantOf(seconds); }

// A user's columns and one grant per row (FindUserWhere).
constexpr std::string_view kUserGrantColumns =
    "SELECT u.id, u.username, u.password_hash, u.totp_secret, u.patient, u.disabled, "
    "u.created_at, g.grant_text";
constexpr std::string_view kFromUserGrants =
    " FROM users u LEFT JOIN user_grants g ON g.user_id = u.id ";
constexpr std::string_view kSelectSession =
    "SELECT id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, remote "
    "FROM sessions ";
constexpr std::string_view kSelectToken =
    "SELECT id, user_id, token_hash, created_at, expires_at, revoked_at FROM api_tokens ";

Result<UserRecord> ReadUser(const Statement& s) {
  UserRecord u;
  u.id = s.Int(0);
  u.username = s.Text(1);
  u.password_hash = s.Text(2);
  u.totp_secret = s.Text(3);
  u.patient = s.Text(4);
  u.disabled = s.Int(5) != 0;
  u.created_at = ToInstant(s.Int(6));
  return u;
}

// kSelectSession's columns from column `first`.
SessionRecord ReadSessionAt(const Statement& s, int first) {
  const int c = first;
  return SessionRecord{s.Text(c),
                       s.Int(c + 1),
                       s.Text(c + 2),
                       ToInstant(s.Int(c + 3)),
                       ToInstant(s.Int(c + 4)),
                       ToInstant(s.Int(c + 5)),
                       s.Text(c + 6)};
}

Result<SessionRecord> ReadSession(const Statement& s) { return ReadSessionAt(s, 0); }

// kSelectToken's columns from column `first`.
ApiTokenRecord ReadTokenAt(const Statement& s, int first) {
  const int c = first;
  ApiTokenRecord t{
      s.Int(c),    s.Int(c + 1), s.Text(c + 2), ToInstant(s.Int(c + 3)), ToInstant(s.Int(c + 4)),
      std::nullopt};
  if (!s.IsNull(c + 5)) t.revoked_at = ToInstant(s.Int(c + 5));
  return t;
}

Result<ApiTokenRecord> ReadToken(const Statement& s) { return ReadTokenAt(s, 0); }

// A credential's row (`columns_from`: its columns and `FROM table c`, the columns as its
// Read…At reads them) joined to its user's rows, one per grant as FindUserWhere reads them, where
// `key` is `hash`: one statement for what every authenticated request needs, by API token or by
// session cookie (issue #10). None when no credential has that hash.
template <class Found, class Credential, class FindUserWhere>
Result<std::optional<Found>> CredentialWithUser(const FindUserWhere& find_user_where,
                                                std::string_view columns_from, std::string_view key,
                                                std::string_view hash,
                                                Credential (*read_at)(const Statement&, int),
                                                Credential Found::*credential) {
  std::optional<Found> found;
  auto user = find_user_where(
      fmt::format("{} LEFT JOIN users u ON u.id = c.user_id "
                  "LEFT JOIN user_grants g ON g.user_id = u.id WHERE {} = ?1",
                  columns_from, key),
      [&](Statement& s) { s.Bind(1, hash); },
      [&](const Statement& s) -> Result<void> {
        found.emplace().*credential = read_at(s, 8);
        return {};
      });
  if (!user) return std::unexpected(user.error());
  if (found) found->user = std::move(*user);
  return found;
}

Result<AuditRecord> ReadAuditRow(const Statement& s) {
  return AuditRecord{s.Int(0),  ToInstant(s.Int(1)), s.Text(2), s.Text(3), s.Text(4), s.Text(5),
                     s.Text(6), s.Text(7),           s.Text(8), s.Text(9), s.Text(10)};
}

// Whether the statement changed a row; kNotFound naming `what` otherwise.
Result<void> ChangedOne(const Result<int64_t>& changes, std::string_view what) {
  if (!changes) return std::unexpected(changes.error());
  if (*changes == 0) return NotFound(fmt::format("{} does not exist", what));
  return {};
}

}  // namespace

// One statement for the user and its grants (a row per grant, the user's columns repeated; one
// row with a NULL grant for a user without any): every authenticated request reads its user, so
// the grants' own SELECT was a statement per request (issue #10).
Result<std::optional<UserRecord>> Queries::FindUserWhere(
    std::string_view rest, const std::function<void(Statement&)>& bind,
    const std::function<Result<void>(const Statement&)>& extra) {
  std::optional<UserRecord> user;
  bool first = true;
  auto read =
      ForEachRow(db_, std::string(kUserGrantColumns) + std::string(rest) + " ORDER BY g.ordinal",
                 bind, [&](const Statement& s) -> Result<bool> {
                   if (first) {
                     first = false;
                     if (extra) ORP_RETURN_IF_ERROR(extra(s));
                     if (s.IsNull(0)) return false;
                     auto u = ReadUser(s);
                     if (!u) return std::unexpected(u.error());
                     user = std::move(*u);
                   }
                   if (!s.IsNull(7)) user->grants.push_back(s.Text(7));
                   return true;
                 });
  if (!read) return std::unexpected(read.error());
  return user;
}

Result<std::optional<UserRecord>> Queries::FindUser(std::string_view username) {
  return FindUserWhere(std::string(kFromUserGrants) + "WHERE u.username = ?1",
                       [&](Statement& s) { s.Bind(1, username); });
}

Result<std::optional<UserRecord>> Queries::FindUserById(int64_t user_id) {
  return FindUserWhere(std::string(kFromUserGrants) + "WHERE u.id = ?1",
                       [&](Statement& s) { s.Bind(1, user_id); });
}

Result<std::optional<TokenWithUser>> Queries::FindApiTokenWithUser(std::string_view token_hash) {
  return CredentialWithUser(
      [&](auto&&... args) { return FindUserWhere(args...); },
      ", c.id, c.user_id, c.token_hash, c.created_at, c.expires_at, c.revoked_at "
      "FROM api_tokens c",
      "c.token_hash", token_hash, ReadTokenAt, &TokenWithUser::token);
}

Result<std::optional<SessionWithUser>> Queries::FindSessionWithUser(std::string_view id_hash) {
  return CredentialWithUser(
      [&](auto&&... args) { return FindUserWhere(args...); },
      ", c.id_hash, c.user_id, c.csrf_token, c.created_at, c.last_seen_at, c.expires_at, "
      "c.remote FROM sessions c",
      "c.id_hash", id_hash, ReadSessionAt, &SessionWithUser::session);
}

Result<std::vector<UserRecord>> Queries::ListUsers() {
  auto ids = Collect<int64_t>(
      db_, "SELECT id FROM users ORDER BY username", [](Statement&) {},
      [](const Statement& s) -> Result<int64_t> { return s.Int(0); });
  if (!ids) return std::unexpected(ids.error());
  std::vector<UserRecord> out;
  for (int64_t id : *ids) {
    auto user = FindUserById(id);
    if (!user) return std::unexpected(user.error());
    if (*user) out.push_back(std::move(**user));
  }
  return out;
}

Result<std::optional<SessionRecord>> Queries::FindSession(std::string_view id_hash) {
  return First<SessionRecord>(
      db_, std::string(kSelectSession) + "WHERE id_hash = ?1",
      [&](Statement& s) { s.Bind(1, id_hash); }, ReadSession);
}

Result<std::optional<ApiTokenRecord>> Queries::FindApiToken(std::string_view token_hash) {
  return First<ApiTokenRecord>(
      db_, std::string(kSelectToken) + "WHERE token_hash = ?1",
      [&](Statement& s) { s.Bind(1, token_hash); }, ReadToken);
}

Result<std::vector<ApiTokenRecord>> Queries::ApiTokensOf(int64_t user_id) {
  return Collect<ApiTokenRecord>(
      db_, std::string(kSelectToken) + "WHERE user_id = ?1 ORDER BY id",
      [&](Statement& s) { s.Bind(1, user_id); }, ReadToken);
}

Result<LoginFailures> Queries::CountLoginFailures(std::string_view username,
                                                  std::string_view remote, Instant since) {
  auto counts = First<LoginFailures>(
      db_,
      "SELECT "
      "(SELECT count(*) FROM login_attempts WHERE username = ?1 AND success = 0 AND at >= ?3 "
      " AND id > coalesce((SELECT max(id) FROM login_attempts WHERE username = ?1 AND "
      " success = 1), 0)), "
      "(SELECT count(*) FROM login_attempts WHERE remote = ?2 AND success = 0 AND at >= ?3)",
      [&](Statement& s) { s.Bind(1, username).Bind(2, remote).Bind(3, Seconds(since)); },
      [](const Statement& s) -> Result<LoginFailures> {
        return LoginFailures{s.Int(0), s.Int(1)};
      });
  if (!counts) return std::unexpected(counts.error());
  return counts->value_or(LoginFailures{});
}

Result<void> Queries::ForEachAuditRecordWhere(const AuditQuery& q,
                                              const Visitor<AuditRecord>& visit) {
  // No limit is the largest BIGINT (SQLite's -1 and PostgreSQL's NULL do not translate).
  return StreamEachRow(
      db_,
      "SELECT seq, at, actor, role, action, object, request_id, purpose, outcome, prev_hash, hash "
      "FROM audit_log WHERE (?1 = '' OR actor = ?1) AND (?2 = '' OR object = ?2) "
      "AND (CAST(?3 AS BIGINT) IS NULL OR at >= ?3) AND (CAST(?4 AS BIGINT) IS NULL OR at < ?4) "
      "ORDER BY seq LIMIT CASE WHEN CAST(?5 AS BIGINT) > 0 THEN CAST(?5 AS BIGINT) "
      "ELSE 9223372036854775807 END",
      [&](Statement& s) {
        s.Bind(1, q.actor).Bind(2, q.object);
        if (q.since)
          s.Bind(3, Seconds(*q.since));
        else
          s.BindNull(3);
        if (q.until)
          s.Bind(4, Seconds(*q.until));
        else
          s.BindNull(4);
        s.Bind(5, q.limit);
      },
      [&](const Statement& s) -> Result<bool> {
        auto record = ReadAuditRow(s);
        if (!record) return std::unexpected(record.error());
        return visit(*record);
      });
}

Result<int64_t> Queries::AddUser(const UserRecord& u) {
  auto inserted = InsertReturningId(
      db_,
      "INSERT INTO users (username, password_hash, totp_secret, patient, disabled, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
      [&](Statement& s) {
        s.Bind(1, u.username).Bind(2, u.password_hash).Bind(3, u.totp_secret).Bind(4, u.patient);
        s.Bind(5, int64_t{u.disabled ? 1 : 0}).Bind(6, Seconds(u.created_at));
      });
  if (!inserted) return std::unexpected(inserted.error());
  const int64_t id = *inserted;
  int ordinal = 0;
  for (const std::string& grant : u.grants) {
    ORP_RETURN_IF_ERROR(
        Execute(db_, "INSERT INTO user_grants (user_id, ordinal, grant_text) VALUES (?1, ?2, ?3)",
                [&](Statement& s) { s.Bind(1, id).Bind(2, ++ordinal).Bind(3, grant); }));
  }
  return id;
}

Result<void> Queries::SetUserDisabled(int64_t user_id, bool disabled) {
  auto changes =
      ExecuteCounting(db_, "UPDATE users SET disabled = ?2 WHERE id = ?1",
                      [&](Statement& s) { s.Bind(1, user_id).Bind(2, int64_t{disabled ? 1 : 0}); });
  return ChangedOne(changes, fmt::format("user {}", user_id));
}

Result<void> Queries::AddSession(const SessionRecord& r) {
  return Execute(db_,
                 "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, "
                 "expires_at, remote) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                 [&](Statement& s) {
                   s.Bind(1, r.id_hash).Bind(2, r.user_id).Bind(3, r.csrf_token);
                   s.Bind(4, Seconds(r.created_at)).Bind(5, Seconds(r.last_seen_at));
                   s.Bind(6, Seconds(r.expires_at)).Bind(7, r.remote);
                 });
}

Result<void> Queries::TouchSession(std::string_view id_hash, Instant at) {
  auto changes = ExecuteCounting(db_, "UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1",
                                 [&](Statement& s) { s.Bind(1, id_hash).Bind(2, Seconds(at)); });
  return ChangedOne(changes, "the session");
}

Result<void> Queries::DeleteSession(std::string_view id_hash) {
  auto changes = ExecuteCounting(db_, "DELETE FROM sessions WHERE id_hash = ?1",
                                 [&](Statement& s) { s.Bind(1, id_hash); });
  return ChangedOne(changes, "the session");
}

Result<void> Queries::DeleteSessionsOf(int64_t user_id) {
  return Execute(db_, "DELETE FROM sessions WHERE user_id = ?1",
                 [&](Statement& s) { s.Bind(1, user_id); });
}

Result<int64_t> Queries::AddApiToken(const ApiTokenRecord& t) {
  return InsertReturningId(
      db_,
      "INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at, revoked_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
      [&](Statement& s) {
        s.Bind(1, t.user_id).Bind(2, t.token_hash).Bind(3, Seconds(t.created_at));
        s.Bind(4, Seconds(t.expires_at));
        if (t.revoked_at)
          s.Bind(5, Seconds(*t.revoked_at));
        else
          s.BindNull(5);
      });
}

Result<void> Queries::RevokeApiToken(int64_t token_id, Instant at) {
  auto changes = ExecuteCounting(
      db_, "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1",
      [&](Statement& s) { s.Bind(1, token_id).Bind(2, Seconds(at)); });
  return ChangedOne(changes, fmt::format("token {}", token_id));
}

Result<void> Queries::RecordLoginAttempt(const LoginAttempt& a) {
  return Execute(
      db_, "INSERT INTO login_attempts (at, username, remote, success) VALUES (?1, ?2, ?3, ?4)",
      [&](Statement& s) {
        s.Bind(1, Seconds(a.at)).Bind(2, a.username).Bind(3, a.remote);
        s.Bind(4, int64_t{a.success ? 1 : 0});
      });
}

}  // namespace orp::storage::sql

namespace orp::storage {

TokenReads* AsTokenReads(Reader& reader) { return dynamic_cast<TokenReads*>(&reader); }

}  // namespace orp::storage
