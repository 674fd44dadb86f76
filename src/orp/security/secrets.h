// Small cryptographic helpers shared by accounts, tokens and TOTP: random bytes, RFC 4648 base32,
// SHA-256 hex, argon2id password hashing (libsodium) and a constant-time comparison.
//
// Errors: kUnavailable when the random source or libsodium cannot start; kInvalidArgument for
// text that is not base32. Thread safety: all functions may be called from several threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"

namespace orp::security {

// argon2id cost. kInteractive (libsodium's OPSLIMIT/MEMLIMIT_INTERACTIVE: 2 passes, 64 MiB) in
// production; kModerate for stronger; kMinimum (1 pass, 8 KiB) only in tests. Verification reads
// the cost from the stored hash, so changing it affects only new passwords.
enum class PasswordCost { kMinimum, kInteractive, kModerate };

// `n` bytes from the operating system's CSPRNG (libsodium randombytes_buf).
Result<std::string> RandomBytes(size_t n);

// RFC 4648 base32 without padding; `lower` for tokens, upper case for TOTP seeds.
std::string Base32Encode(std::string_view bytes, bool lower = false);
// Accepts either case, ignores '=' padding and spaces; kInvalidArgument otherwise.
Result<std::string> Base32Decode(std::string_view text);

// Lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

// Lowercase hex of raw bytes.
std::string Hex(std::string_view bytes);

// Equal length and bytes, in time that depends only on the length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// argon2id hash string ("$argon2id$v=19$m=…") of `password`; kInvalidArgument for an empty
// password or one over 1024 bytes, kUnavailable when memory runs out.
Result<std::string> HashPassword(std::string_view password, PasswordCost cost);
// True when `password` matches `hash` (as made by HashPassword, at any cost).
bool VerifyPassword(std::string_view hash, std::string_view password);

}  // namespace orp::security
