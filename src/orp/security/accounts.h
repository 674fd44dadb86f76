// Accounts: the people and systems that may use the registry, and how they prove who they are.
//
// People sign in with a username, an argon2id password (libsodium crypto_pwhash_str) and, when
// their account has one, a TOTP code (RFC 6238, security/totp.h). A sign-in makes a Session: a
// 256-bit random id for the cookie (only its SHA-256 is stored), an expiry, an idle timeout and
// a CSRF token bound to it that unsafe requests must echo in a header. Systems use API tokens:
// "orp_" + base32 of 32 random bytes, shown once at creation, stored as SHA-256, revocable and
// expiring.
//
// Sign-in is rate limited: a username with `max_failures_per_user` failures inside
// `login_window` since its last success, or an address with `max_failures_per_remote`, is
// locked until the window passes (attempts while locked count as failures and are not
// checked). Every attempt is recorded and audited (actor = the username typed, object
// "remote/<address>", outcome "ok" or "denied: <reason>"); the password never is. The caller
// gets one message for every failure ("username, password or code not accepted") so it cannot
// tell which part was wrong; unknown usernames cost the same argon2id work as known ones.
//
// Errors: Login and Authenticate return kUnauthenticated for anything wrong with the
// credentials (missing, unknown, wrong, expired, revoked, disabled, locked); Authenticate returns
// kPermissionDenied for a session request with an unsafe method whose CSRF header is missing or
// wrong. AddUser: kInvalidArgument (bad username, grants or password), kAlreadyExists.
// DisableUser, CreateToken: kNotFound for an unknown username; CreateToken: kInvalidArgument
// for an expiry outside 1-3650 days, kFailedPrecondition for a disabled user. RevokeToken:
// kNotFound. ChangePassword and SetPassword: see their comments.
//
// A TOTP code is accepted once per user: sign-in and password change record its time step
// (storage ClaimTotpStep), and a code of a step not later than the last accepted one is refused
// ("second factor code already used"), also when two servers race with the same code.
// Store errors (kUnavailable, kDataLoss) pass through.
//
// Thread safety: Accounts may be shared by threads; it keeps no state beyond the store.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/security/audit.h"
#include "orp/security/principal.h"
#include "orp/security/secrets.h"
#include "orp/storage/store.h"

namespace orp::security {

struct AccountsOptions {
  PasswordCost password_cost = PasswordCost::kInteractive;
  std::chrono::seconds session_lifetime = std::chrono::hours(8);
  std::chrono::seconds session_idle = std::chrono::minutes(30);
  std::chrono::seconds login_window = std::chrono::minutes(15);
  int max_failures_per_user = 5;
  int max_failures_per_remote = 50;
  // Shown in the otpauth URI.
  std::string totp_issuer = "ORP";
  // When set, AddUser refuses a person (a password) without TOTP unless their only role is
  // patient@self: staff who can see patient data need a second factor. `orp user add` sets it
  // (--no-second-factor opts out, e.g. for a demo).
  bool require_second_factor = false;
  // Time source (tests move it); default the system clock.
  std::function<domain::Instant()> clock;
};

struct NewUser {
  std::string username;                 // 1-64 of [a-z0-9._@-], lower-cased
  std::vector<Grant> grants;            // at least one (ParseGrant)
  std::optional<std::string> password;  // none: a system account (tokens only)
  bool require_totp = false;            // make a TOTP seed; sign-in then needs a code
  std::string patient;                  // pseudonym hex, required with patient@self
};

struct CreatedUser {
  int64_t user_id = 0;
  std::string totp_secret;  // base32, for typing in; empty without TOTP
  std::string otpauth_uri;  // otpauth://totp/ORP:alice?secret=…&issuer=ORP (for a QR code)
};

struct UserInfo {
  int64_t user_id = 0;
  std::string username;
  std::vector<Grant> grants;
  bool has_password = false;
  bool has_totp = false;
  bool disabled = false;
  domain::Instant created_at{};
};

// A signed-in session. `id` and `csrf_token` are secrets shown to this client only.
struct Session {
  std::string id;          // the cookie value (base32, 52 characters)
  std::string csrf_token;  // send back in the X-CSRF-Token header on unsafe requests
  domain::Instant expires_at{};
  Principal principal;
};

// What a request presents; empty strings mean "not given".
struct Credentials {
  std::string bearer;          // from "Authorization: Bearer <token>"
  std::string session_cookie;  // the orp_session cookie's value
  std::string csrf_header;     // X-CSRF-Token
  std::string method;          // "GET", "POST", … (decides whether CSRF is checked)
  std::string remote;          // client address (for the record)
};

struct CreatedToken {
  int64_t token_id = 0;
  std::string token;  // "orp_…": shown once, never stored
  domain::Instant expires_at{};
};

struct TokenInfo {
  int64_t token_id = 0;
  domain::Instant created_at{};
  domain::Instant expires_at{};
  std::optional<domain::Instant> revoked_at;
};

inline constexpr std::string_view kSessionCookieName = "orp_session";
// The actor recorded in the audit log for changes made from the command line.
inline constexpr std::string_view kCommandLineActor = "orp-cli";
inline constexpr std::string_view kCsrfHeaderName = "X-CSRF-Token";

// Password policy for new passwords (changed or set): at least kMinPasswordLength characters
// (NIST SP 800-63B asks for 8; staff see patient data, so 12), at most kMaxPasswordLength (an
// argon2id input has no useful limit, but a request body should), not the username.
inline constexpr size_t kMinPasswordLength = 12;
inline constexpr size_t kMaxPasswordLength = 1024;
// kInvalidArgument naming the rule broken.
Result<void> CheckPasswordPolicy(std::string_view username, std::string_view password);

// A signed-in person changing their own password.
struct PasswordChange {
  int64_t user_id = 0;         // the session's principal
  std::string session_cookie;  // the session making the change: it stays signed in
  std::string current_password;
  std::string new_password;
  std::string totp_code;  // needed when the account has TOTP
  std::string remote;     // client address (for the sign-in failure count)
};

// A username lower-cased and trimmed; kInvalidArgument unless 1-64 of a-z 0-9 . _ @ -.
Result<std::string> NormaliseUsername(std::string_view text);

// GET, HEAD, OPTIONS (case-sensitive, as HTTP methods are): no CSRF token needed.
bool IsSafeMethod(std::string_view method);

// The Set-Cookie value for a session: "orp_session=<id>; Path=/; Max-Age=<s>; Secure; HttpOnly;
// SameSite=Strict".
std::string SessionCookie(const Session& session, domain::Instant now);
// The Set-Cookie value that ends it in the browser (sign-out).
std::string ExpiredSessionCookie();

class Accounts {
 public:
  Accounts(storage::Store& store, AuditLog& audit, AccountsOptions options = {});

  // `actor` is who makes the change, for the audit log (a username, or the command line).
  Result<CreatedUser> AddUser(const NewUser& user, std::string_view actor = kCommandLineActor);
  // Disables the account and ends its sessions; its tokens stop working (checked on use).
  Result<void> DisableUser(std::string_view username, std::string_view actor = kCommandLineActor);
  Result<std::vector<UserInfo>> ListUsers();

  Result<Session> Login(std::string_view username, std::string_view password,
                        std::string_view totp_code, std::string_view remote);
  // Ends the session (sign-out); an unknown cookie is not an error.
  Result<void> Logout(std::string_view session_cookie);

  // A token for `username`, valid for `expires_days` (1-3650).
  Result<CreatedToken> CreateToken(std::string_view username, int expires_days,
                                   std::string_view actor = kCommandLineActor);
  Result<void> RevokeToken(int64_t token_id, std::string_view actor = kCommandLineActor);
  Result<std::vector<TokenInfo>> ListTokens(std::string_view username);

  // Changes the signed-in person's password: the current password (and a TOTP code, used once,
  // when the account has TOTP) must be right, the new one must meet CheckPasswordPolicy and
  // differ from the current one. Ends every other session of the user; audited as
  // "user.password" (refusals too, counted as failed sign-ins towards the lock).
  // kPermissionDenied when the current password or code is not accepted or the account is
  // locked; kInvalidArgument for the policy; kUnauthenticated for an unknown user.
  Result<void> ChangePassword(const PasswordChange& change);
  // Sets a user's password (administrators, `orp user password`): the policy applies, every
  // session of the user ends, audited. kNotFound for an unknown username.
  Result<void> SetPassword(std::string_view username, std::string_view password,
                           std::string_view actor = kCommandLineActor);

  // Who is asking. A bearer token wins over a cookie when both are given. A session request with
  // an unsafe method must carry the session's CSRF token. Refreshes the session's idle timer (at
  // most once a minute, to spare the database).
  Result<Principal> Authenticate(const Credentials& credentials);

  domain::Instant Now() const;

 private:
  Result<Principal> AuthenticateToken(std::string_view token);
  Result<Principal> AuthenticateSession(const Credentials& credentials);
  Result<Principal> PrincipalOf(const storage::UserRecord& user) const;
  // Why a sign-in is refused ("" when it is not); fills `user` when the username exists.
  Result<std::string> RefusalReason(const std::string& username, bool well_formed,
                                    std::string_view password, std::string_view totp_code,
                                    std::string_view remote, domain::Instant now,
                                    std::optional<storage::UserRecord>& user);
  Result<std::string> PasswordChangeRefusal(const storage::UserRecord& user,
                                            const PasswordChange& change, domain::Instant now);
  Result<void> StorePassword(const storage::UserRecord& user, std::string_view password,
                             std::string_view keep_session_hash, std::string_view actor,
                             std::string_view outcome);
  // Records the TOTP step as used (its own transaction); false when it already was.
  Result<bool> ClaimTotp(int64_t user_id, int64_t step);
  Result<void> RecordLogin(std::string_view username, std::string_view remote, bool success,
                           std::string_view outcome, const storage::SessionRecord* session);

  storage::Store& store_;
  AuditLog& audit_;
  AccountsOptions options_;
};

}  // namespace orp::security
