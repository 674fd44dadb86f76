// What the store keeps for people and systems that use the registry (security, #5): users with
// their grants, signed-in sessions, API tokens and login attempts; and the filter for audit
// queries. Plain rows: security/accounts.h gives them meaning (hashing, expiry, rate limits).
//
// Secrets are never stored in a form that lets a reader of the database sign in: passwords as
// argon2id strings, session ids and API tokens as SHA-256 hex of the value the client holds.
// The TOTP seed is stored as given (a verifier needs it); see docs/security.md.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "orp/domain/entities.h"

namespace orp::storage {

struct UserRecord {
  int64_t id = 0;  // assigned by the store
  std::string username;
  std::string password_hash;  // argon2id string (crypto_pwhash_str); empty: no password sign-in
  std::string totp_secret;    // base32 seed; empty: no second factor
  std::string patient;        // for patient@self: the patient's pseudonym in hex; else empty
  bool disabled = false;
  domain::Instant created_at{};
  std::vector<std::string> grants;  // "provider@RRK", "analyst" (security::FormatGrant), in order
  friend bool operator==(const UserRecord&, const UserRecord&) = default;
};

struct SessionRecord {
  std::string id_hash;  // SHA-256 hex of the session id in the cookie; unique
  int64_t user_id = 0;
  std::string csrf_token;  // synchronizer token bound to this session
  domain::Instant created_at{};
  domain::Instant last_seen_at{};
  domain::Instant expires_at{};
  std::string remote;  // client address at sign-in
  friend bool operator==(const SessionRecord&, const SessionRecord&) = default;
};

struct ApiTokenRecord {
  int64_t id = 0;  // assigned by the store
  int64_t user_id = 0;
  std::string token_hash;  // SHA-256 hex of the token; unique
  domain::Instant created_at{};
  domain::Instant expires_at{};
  std::optional<domain::Instant> revoked_at;
  friend bool operator==(const ApiTokenRecord&, const ApiTokenRecord&) = default;
};

struct LoginAttempt {
  domain::Instant at{};
  std::string username;  // as typed (may name nobody)
  std::string remote;    // client address
  bool success = false;
};

// Failed sign-ins counted for rate limiting.
struct LoginFailures {
  int64_t by_username = 0;  // for the username, at or after `since` and after its last success
  int64_t by_remote = 0;    // from the address, at or after `since`
};

// Which audit entries to stream; empty/absent fields match everything. Entries come in seq order.
struct AuditQuery {
  std::string actor;   // exact
  std::string object;  // exact, e.g. "patient/<pseudonym hex>"
  std::optional<domain::Instant> since;  // at >= since
  std::optional<domain::Instant> until;  // at < until
  int64_t limit = 0;                     // 0: no limit
};

}  // namespace orp::storage
