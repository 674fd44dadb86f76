// The API token, or the signed-in session, with its user in one statement (scale, #10): every
// request authenticated by a token read the token (Reader::FindApiToken) and then its user with
// grants (FindUserById), two statements per request (docs/performance.md "## Scale", "Session
// 8"); a session cookie the same with FindSession (session 9).
//
// It is a side interface, not a Reader method: both SQL backends' readers, stores and
// transactions implement it (sql_forwarding.h, SharedReader; the query is written once in
// sql_accounts.cc), and a caller asks for it with AsTokenReads(reader). Wrappers that do not
// (ForwardingReader, ReadReplicaStore, FaultInjectingStore) answer nullptr, and the caller falls
// back to the two reads (same records). Kept out of store.h on purpose: every file of the
// project includes store.h.
//
// Holds a password hash and a TOTP seed (as FindUserById does): log none of it.
// Thread safety: as the reader it comes from.
#pragma once

#include <optional>
#include <string_view>

#include "orp/core/result.h"
#include "orp/storage/accounts.h"

namespace orp::storage {

class Reader;

struct TokenWithUser {
  ApiTokenRecord token;
  std::optional<UserRecord> user;  // as FindUserById(token.user_id): none when there is no user
  friend bool operator==(const TokenWithUser&, const TokenWithUser&) = default;
};

struct SessionWithUser {
  SessionRecord session;
  std::optional<UserRecord> user;  // as FindUserById(session.user_id): none when there is no user
  friend bool operator==(const SessionWithUser&, const SessionWithUser&) = default;
};

class TokenReads {
 public:
  // The token whose SHA-256 hex is `token_hash`, with its user and the user's grants in order;
  // none when no token has that hash. Revoked and expired tokens are returned as stored.
  virtual Result<std::optional<TokenWithUser>> FindApiTokenWithUser(
      std::string_view token_hash) = 0;
  // The session whose id's SHA-256 hex is `id_hash`, with its user and the user's grants in
  // order; none when there is no such session (never created, signed out or deleted). Expired
  // and idle sessions, and disabled users, are returned as stored: the caller applies the rules.
  virtual Result<std::optional<SessionWithUser>> FindSessionWithUser(std::string_view id_hash) = 0;

 protected:
  ~TokenReads() = default;
};

// The reader's one-statement token read, or nullptr when it has none.
TokenReads* AsTokenReads(Reader& reader);

}  // namespace orp::storage
