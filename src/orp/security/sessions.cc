// Accounts: sessions, API tokens and Authenticate (users and sign-in are in accounts.cc).
#include <fmt/format.h>

#include "orp/core/text.h"
#include "orp/security/accounts.h"
#include "orp/storage/token_reads.h"

namespace orp::security {
namespace {

constexpr std::string_view kTokenPrefix = "orp_";
constexpr auto kTouchEvery = std::chrono::seconds(60);
constexpr int kMaxTokenDays = 3650;

// A credential (a session or an API token) with its user: one statement where the store has it
// (`in_one`, storage/token_reads.h), else the credential (`find`) and then its user.
template <class Found, class Credential>
Result<std::optional<Found>> CredentialWithUser(
    storage::Store& store, const std::string& hash,
    Result<std::optional<Found>> (storage::TokenReads::*in_one)(std::string_view),
    Result<std::optional<Credential>> (storage::Reader::*find)(std::string_view)) {
  if (storage::TokenReads* reads = storage::AsTokenReads(store)) return (reads->*in_one)(hash);
  auto credential = (store.*find)(hash);
  if (!credential) return std::unexpected(credential.error());
  if (!*credential) return std::optional<Found>();
  auto user = store.FindUserById((*credential)->user_id);
  if (!user) return std::unexpected(user.error());
  return Found{std::move(**credential), std::move(*user)};
}

Result<std::optional<storage::SessionWithUser>> FindSessionWithUser(storage::Store& store,
                                                                    const std::string& hash) {
  return CredentialWithUser(store, hash, &storage::TokenReads::FindSessionWithUser,
                            &storage::Reader::FindSession);
}

}  // namespace

bool IsSafeMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

std::string SessionCookie(const Session& session, domain::Instant now) {
  auto max_age = std::max<int64_t>(0, (session.expires_at - now).count());
  return fmt::format("{}={}; Path=/; Max-Age={}; Secure; HttpOnly; SameSite=Strict",
                     kSessionCookieName, session.id, max_age);
}

std::string ExpiredSessionCookie() {
  return fmt::format("{}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict",
                     kSessionCookieName);
}

Result<void> Accounts::Logout(std::string_view session_cookie) {
  if (session_cookie.empty()) return {};
  const std::string hash = Sha256Hex(session_cookie);
  auto found = FindSessionWithUser(store_, hash);
  if (!found) return std::unexpected(found.error());
  if (!*found) return {};
  const std::string actor = (*found)->user ? (*found)->user->username : std::string();
  return RunAudited(store_, [&](storage::Transaction& txn) -> Result<void> {
    ORP_RETURN_IF_ERROR(txn.DeleteSession(hash));
    return RecordAudit(txn, AccountEvent(Now(), actor, "session.delete", "user/" + actor, "ok"));
  });
}

Result<CreatedToken> Accounts::CreateToken(std::string_view username, int expires_days,
                                           std::string_view actor) {
  if (expires_days < 1 || expires_days > kMaxTokenDays) {
    return InvalidArgument(
        fmt::format("token expiry {} days is outside 1-{}", expires_days, kMaxTokenDays));
  }
  auto name = NormaliseUsername(username);
  if (!name) return std::unexpected(name.error());
  auto user = store_.FindUser(*name);
  if (!user) return std::unexpected(user.error());
  if (!*user) return NotFound(fmt::format("no user '{}'", *name));
  if ((*user)->disabled) {
    return FailedPrecondition(fmt::format("user '{}' is disabled", (*user)->username));
  }
  auto bytes = RandomBytes(32);
  if (!bytes) return std::unexpected(bytes.error());
  CreatedToken created;
  created.token = std::string(kTokenPrefix) + Base32Encode(*bytes, true);
  const domain::Instant now = Now();
  created.expires_at = now + std::chrono::days(expires_days);
  storage::ApiTokenRecord record{0,   (*user)->id,        Sha256Hex(created.token),
                                 now, created.expires_at, std::nullopt};
  auto done = RunAudited(store_, [&](storage::Transaction& txn) -> Result<void> {
    auto id = txn.AddApiToken(record);
    if (!id) return std::unexpected(id.error());
    created.token_id = *id;
    return RecordAudit(
        txn, AccountEvent(now, std::string(actor), "token.create", fmt::format("token/{}", *id),
                          fmt::format("ok: for user {}, expires in {} days", (*user)->username,
                                      expires_days)));
  });
  if (!done) return std::unexpected(done.error());
  return created;
}

Result<void> Accounts::RevokeToken(int64_t token_id, std::string_view actor) {
  const domain::Instant now = Now();
  return RunAudited(store_, [&](storage::Transaction& txn) -> Result<void> {
    ORP_RETURN_IF_ERROR(txn.RevokeApiToken(token_id, now));
    return RecordAudit(txn, AccountEvent(now, std::string(actor), "token.revoke",
                                         fmt::format("token/{}", token_id), "ok"));
  });
}

Result<std::vector<TokenInfo>> Accounts::ListTokens(std::string_view username) {
  auto name = NormaliseUsername(username);
  if (!name) return std::unexpected(name.error());
  auto user = store_.FindUser(*name);
  if (!user) return std::unexpected(user.error());
  if (!*user) return NotFound(fmt::format("no user '{}'", *name));
  auto tokens = store_.ApiTokensOf((*user)->id);
  if (!tokens) return std::unexpected(tokens.error());
  std::vector<TokenInfo> out;
  for (const storage::ApiTokenRecord& t : *tokens) {
    out.push_back({t.id, t.created_at, t.expires_at, t.revoked_at});
  }
  return out;
}

Result<Principal> Accounts::Authenticate(const Credentials& credentials) {
  if (!credentials.bearer.empty()) return AuthenticateToken(credentials.bearer);
  if (!credentials.session_cookie.empty()) return AuthenticateSession(credentials);
  return Unauthenticated("sign in, or send an API token as 'Authorization: Bearer orp_…'");
}

namespace {

Result<std::optional<storage::TokenWithUser>> FindTokenWithUser(storage::Store& store,
                                                                const std::string& hash) {
  return CredentialWithUser(store, hash, &storage::TokenReads::FindApiTokenWithUser,
                            &storage::Reader::FindApiToken);
}

}  // namespace

Result<Principal> Accounts::AuthenticateToken(std::string_view token) {
  if (!token.starts_with(kTokenPrefix)) return Unauthenticated("the API token is not valid");
  auto found = FindTokenWithUser(store_, Sha256Hex(token));
  if (!found) return std::unexpected(found.error());
  if (!*found) return Unauthenticated("the API token is not valid");
  const storage::ApiTokenRecord& t = (*found)->token;
  if (t.revoked_at) return Unauthenticated("the API token was revoked");
  if (Now() >= t.expires_at) return Unauthenticated("the API token has expired");
  const std::optional<storage::UserRecord>& user = (*found)->user;
  if (!user || user->disabled) return Unauthenticated("the API token's user is disabled");
  auto principal = PrincipalOf(*user);
  if (principal) principal->is_system = true;
  return principal;
}

Result<Principal> Accounts::AuthenticateSession(const Credentials& credentials) {
  const std::string hash = Sha256Hex(credentials.session_cookie);
  auto found = FindSessionWithUser(store_, hash);
  if (!found) return std::unexpected(found.error());
  if (!*found) return Unauthenticated("the session is not valid: sign in again");
  const storage::SessionRecord& s = (*found)->session;
  const domain::Instant now = Now();
  if (now >= s.expires_at) return Unauthenticated("the session has expired: sign in again");
  if (now - s.last_seen_at >= options_.session_idle) {
    return Unauthenticated("the session was idle too long: sign in again");
  }
  if (!IsSafeMethod(credentials.method) &&
      (credentials.csrf_header.empty() ||
       !ConstantTimeEquals(credentials.csrf_header, s.csrf_token))) {
    return PermissionDenied(fmt::format("a {} request needs the session's {} header",
                                        Printable(credentials.method), kCsrfHeaderName));
  }
  const std::optional<storage::UserRecord>& user = (*found)->user;
  if (!user || user->disabled) return Unauthenticated("the account is disabled");
  auto principal = PrincipalOf(*user);
  if (!principal) return principal;
  if (now - s.last_seen_at >= kTouchEvery) {
    auto txn = store_.Begin();
    if (!txn) return std::unexpected(txn.error());
    ORP_RETURN_IF_ERROR((*txn)->TouchSession(hash, now));
    ORP_RETURN_IF_ERROR((*txn)->Commit());
  }
  return principal;
}

}  // namespace orp::security
