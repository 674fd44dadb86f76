// Pseudonymiser: turns an NHS number into what the store keeps instead of it — a keyed
// pseudonym for linkage and a ciphertext for authorised re-identification (recall) — and back.
//
//   pseudonym  = HMAC-SHA256(k_mac, the 10 digits)            32 bytes, deterministic
//   ciphertext = 0x01 | nonce (12) | AES-256-GCM(k_enc, digits, aad = pseudonym) | tag (16)
//
// The nonce is random (RAND_bytes) per encryption, so equal NHS numbers give different
// ciphertexts; the pseudonym as associated data ties a ciphertext to its patient row, so a
// ciphertext copied onto another patient fails to decrypt. k_mac and k_enc are derived from one
// 32-byte secret with HKDF-SHA256 under distinct labels.
//
// The secret lives in a key file outside the database: text "orp-key-v1 <64 hex digits>\n",
// mode 0600, created on first use. A key file readable or writable by group or others is refused;
// keys are never returned, logged or passed to storage. Losing the key file makes every
// pseudonym unlinkable and every ciphertext unreadable: back it up apart from the database.
//
// Errors: kPermissionDenied — key file mode allows group/other; kNotFound — Open of a missing
// file; kDataLoss — a malformed key file, or a ciphertext that fails authentication (tampered,
// another key, another patient); kUnavailable — the file system or the random source failed.
// Thread safety: const methods may be called from several threads at once.
// Cost (2 cores, loaded): Pseudonymise about 1 µs, Protect about 3 µs (nonces come from a
// per-thread buffer of RAND_bytes output, refilled every 256 encryptions).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <utility>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/domain/nhs_number.h"

namespace orp::security {

class Pseudonymiser {
 public:
  using Secret = std::array<uint8_t, 32>;

  // Reads the key file, creating it with a fresh random secret when it does not exist.
  // `created` (optional) tells the caller which happened.
  static Result<Pseudonymiser> OpenOrCreate(const std::filesystem::path& key_file,
                                            bool* created = nullptr);
  // Reads an existing key file.
  static Result<Pseudonymiser> Open(const std::filesystem::path& key_file);
  // From a secret held elsewhere (a KMS, a test).
  static Pseudonymiser FromSecret(const Secret& secret);

  Pseudonymiser(Pseudonymiser&& other) noexcept;
  Pseudonymiser& operator=(Pseudonymiser&& other) noexcept;
  Pseudonymiser(const Pseudonymiser&) = delete;
  Pseudonymiser& operator=(const Pseudonymiser&) = delete;
  ~Pseudonymiser();  // frees (and so wipes) the keyed contexts

  domain::Pseudonym Pseudonymise(const domain::NhsNumber& nhs_number) const;
  Result<domain::EncryptedNhsNumber> Encrypt(const domain::NhsNumber& nhs_number,
                                             const domain::Pseudonym& pseudonym) const;
  Result<domain::NhsNumber> Decrypt(const domain::EncryptedNhsNumber& ciphertext,
                                    const domain::Pseudonym& pseudonym) const;

  // Both, as a Patient's pseudonym and nhs_number fields want them.
  Result<std::pair<domain::Pseudonym, domain::EncryptedNhsNumber>> Protect(
      const domain::NhsNumber& nhs_number) const;

 private:
  // OpenSSL contexts prepared once with the derived keys (HMAC inner and outer hash states,
  // AES-256-GCM key schedules); each call copies them, so calls are cheap and thread-safe.
  struct Contexts;
  explicit Pseudonymiser(std::unique_ptr<Contexts> contexts);
  std::unique_ptr<Contexts> contexts_;
};

}  // namespace orp::security
