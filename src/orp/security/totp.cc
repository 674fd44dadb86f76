#include "orp/security/totp.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "orp/security/secrets.h"

namespace orp::security {
namespace {

constexpr uint32_t kPowersOfTen[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

// RFC 3986 unreserved characters stay; everything else is %XX.
std::string PercentEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    out += unreserved ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
  }
  return out;
}

int64_t StepOf(domain::Instant at) { return at.time_since_epoch().count() / kTotpStepSeconds; }

}  // namespace

std::string HotpCode(std::string_view secret, uint64_t counter, int digits) {
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<size_t>(i)] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_length = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), message.data(), message.size(),
       mac.data(), &mac_length);
  // Dynamic truncation (RFC 4226 §5.3): 31 bits from the offset in the last nibble.
  size_t offset = mac[mac_length - 1] & 0x0F;
  uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7F) << 24) |
                    (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                    (static_cast<uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  return fmt::format("{:0{}}", binary % kPowersOfTen[digits], digits);
}

std::string TotpCode(std::string_view secret, domain::Instant at, int digits) {
  return HotpCode(secret, static_cast<uint64_t>(StepOf(at)), digits);
}

std::optional<int64_t> MatchTotpStep(std::string_view secret, std::string_view code,
                                     domain::Instant at) {
  std::string digits;
  for (char c : code) {
    if (c != ' ') digits += c;
  }
  if (digits.size() != kTotpDigits || secret.empty()) return std::nullopt;
  std::optional<int64_t> matched;
  for (int64_t step = StepOf(at) - 1; step <= StepOf(at) + 1; ++step) {
    // Compare every candidate, so the time taken does not say which step matched. The latest
    // matching step wins (a code cannot match two steps unless HOTP collides).
    if (ConstantTimeEquals(HotpCode(secret, static_cast<uint64_t>(step)), digits)) matched = step;
  }
  return matched;
}

bool VerifyTotp(std::string_view secret, std::string_view code, domain::Instant at) {
  return MatchTotpStep(secret, code, at).has_value();
}

Result<std::string> NewTotpSecret() {
  auto bytes = RandomBytes(20);
  if (!bytes) return std::unexpected(bytes.error());
  return Base32Encode(*bytes);
}

std::string OtpauthUri(std::string_view issuer, std::string_view account,
                       std::string_view secret_base32) {
  return fmt::format("otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={}&period={}",
                     PercentEncode(issuer), PercentEncode(account), secret_base32,
                     PercentEncode(issuer), kTotpDigits, kTotpStepSeconds);
}

}  // namespace orp::security
