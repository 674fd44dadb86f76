// TOTP, the second factor (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1 of the 30-second step count
// since the Unix epoch, dynamically truncated to 6 digits. A code is accepted in the current
// step and one step either side (clock drift of up to 30 s).
//
// Seeds are 20 random bytes (160 bits, RFC 4226's recommendation), shown to the user in base32
// and as an otpauth:// URI for authenticator apps.
//
// Thread safety: pure functions (NewTotpSecret reads the random source).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "orp/core/result.h"
#include "orp/domain/entities.h"

namespace orp::security {

inline constexpr int kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;

// HOTP(secret, counter) with `digits` digits (6 to 8), zero-padded.
std::string HotpCode(std::string_view secret, uint64_t counter, int digits = kTotpDigits);

// The TOTP code for the step containing `at`.
std::string TotpCode(std::string_view secret, domain::Instant at, int digits = kTotpDigits);

// True when `code` (6 digits, spaces ignored) matches the step at `at` or one either side.
bool VerifyTotp(std::string_view secret, std::string_view code, domain::Instant at);

// The time step whose code `code` is (the step at `at` or one either side), or none. A verifier
// that must accept each code once records the step (storage ClaimTotpStep) and refuses a code
// whose step is not later than the last one accepted.
std::optional<int64_t> MatchTotpStep(std::string_view secret, std::string_view code,
                                     domain::Instant at);

// A fresh seed, base32 (32 characters).
Result<std::string> NewTotpSecret();

// otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30
std::string OtpauthUri(std::string_view issuer, std::string_view account,
                       std::string_view secret_base32);

}  // namespace orp::security
