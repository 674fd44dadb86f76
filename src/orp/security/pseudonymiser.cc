#include "orp/security/pseudonymiser.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <span>
#include <string>

#include "orp/core/check.h"

namespace orp::security {
namespace {

constexpr std::string_view kKeyFileTag = "orp-key-v1 ";
constexpr uint8_t kCipherVersion = 1;
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;

using Secret = Pseudonymiser::Secret;

Secret Derive(const Secret& secret, std::string_view label) {
  Secret out{};
  std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr),
                                                        EVP_KDF_free);
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf.get()),
                                                                EVP_KDF_CTX_free);
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(secret.data()),
                                        secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(label.data()),
                                        label.size()),
      OSSL_PARAM_construct_end()};
  // HKDF with a built-in digest cannot fail short of a broken OpenSSL; a zero key would be.
  ORP_CHECK(ctx && EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) == 1);
  return out;
}

std::string ErrnoText() { return std::strerror(errno); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

Result<Secret> ParseKeyFile(const std::string& text, const std::filesystem::path& path) {
  std::string_view body(text);
  if (body.ends_with('\n')) body.remove_suffix(1);
  if (!body.starts_with(kKeyFileTag) || body.size() != kKeyFileTag.size() + 64) {
    return DataLoss(fmt::format("key file {} is not an orp-key-v1 file", path.string()));
  }
  body.remove_prefix(kKeyFileTag.size());
  Secret secret{};
  for (size_t i = 0; i < secret.size(); ++i) {
    int hi = HexValue(body[2 * i]), lo = HexValue(body[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return DataLoss(fmt::format("key file {} has a non-hex character", path.string()));
    }
    secret[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return secret;
}

Result<void> CheckMode(int fd, const std::filesystem::path& path) {
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    return Unavailable(fmt::format("cannot stat key file {}: {}", path.string(), ErrnoText()));
  }
  if (!S_ISREG(st.st_mode)) {
    return PermissionDenied(fmt::format("key file {} is not a regular file", path.string()));
  }
  if ((st.st_mode & 077) != 0) {
    return PermissionDenied(
        fmt::format("key file {} is accessible by group or others (mode {:04o}); run: chmod 600 {}",
                    path.string(), st.st_mode & 07777, path.string()));
  }
  return {};
}

Result<Secret> ReadKeyFile(const std::filesystem::path& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound(fmt::format("key file {} does not exist", path.string()));
    return Unavailable(fmt::format("cannot open key file {}: {}", path.string(), ErrnoText()));
  }
  auto mode = CheckMode(fd, path);
  std::string text(200, '\0');
  ssize_t n = mode ? read(fd, text.data(), text.size()) : 0;
  close(fd);
  if (!mode) return std::unexpected(mode.error());
  if (n < 0) return Unavailable(fmt::format("cannot read key file {}", path.string()));
  text.resize(static_cast<size_t>(n));
  auto secret = ParseKeyFile(text, path);
  OPENSSL_cleanse(text.data(), text.size());
  return secret;
}

// O_EXCL makes creation atomic: of two processes starting together, one writes, one reads.
Result<bool> CreateKeyFile(const std::filesystem::path& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    return Unavailable(fmt::format("cannot create key file {}: {}", path.string(), ErrnoText()));
  }
  Secret secret{};
  if (RAND_bytes(secret.data(), secret.size()) != 1) {
    close(fd);
    unlink(path.c_str());
    return Unavailable("the random source failed while creating a key");
  }
  std::string text(kKeyFileTag);
  for (uint8_t b : secret) text += fmt::format("{:02x}", b);
  text += '\n';
  bool ok = write(fd, text.data(), text.size()) == ssize_t(text.size()) && fsync(fd) == 0;
  close(fd);
  OPENSSL_cleanse(text.data(), text.size());
  OPENSSL_cleanse(secret.data(), secret.size());
  if (!ok) {
    unlink(path.c_str());
    return Unavailable(fmt::format("cannot write key file {}: {}", path.string(), ErrnoText()));
  }
  return true;
}

}  // namespace

struct Pseudonymiser::Contexts {
  EVP_MD_CTX* hmac_inner = EVP_MD_CTX_new();  // SHA-256 after absorbing key ^ ipad
  EVP_MD_CTX* hmac_outer = EVP_MD_CTX_new();  // SHA-256 after absorbing key ^ opad
  EVP_CIPHER_CTX* encrypt = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* decrypt = EVP_CIPHER_CTX_new();
  ~Contexts() {
    EVP_MD_CTX_free(hmac_inner);
    EVP_MD_CTX_free(hmac_outer);
    EVP_CIPHER_CTX_free(encrypt);
    EVP_CIPHER_CTX_free(decrypt);
  }
};

namespace {

// HMAC (RFC 2104) split so the keyed half is computed once: H((K^opad) | H((K^ipad) | m)).
void PrepareHmac(const Secret& key, EVP_MD_CTX* inner, EVP_MD_CTX* outer) {
  std::array<uint8_t, 64> ipad{}, opad{};
  for (size_t i = 0; i < 64; ++i) {
    uint8_t k = i < key.size() ? key[i] : 0;
    ipad[i] = k ^ 0x36;
    opad[i] = k ^ 0x5c;
  }
  ORP_CHECK(EVP_DigestInit_ex(inner, EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(inner, ipad.data(), ipad.size()) == 1 &&
            EVP_DigestInit_ex(outer, EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(outer, opad.data(), opad.size()) == 1);
  OPENSSL_cleanse(ipad.data(), ipad.size());
  OPENSSL_cleanse(opad.data(), opad.size());
}

// A 96-bit GCM nonce from a per-thread buffer of RAND_bytes output (one RAND_bytes call costs
// about as much as the encryption itself). Empty on a failed refill.
bool NextNonce(uint8_t* nonce) {
  constexpr size_t kPerRefill = 256;
  thread_local std::array<uint8_t, kNonceSize * kPerRefill> buffer;
  thread_local size_t used = kPerRefill;
  if (used == kPerRefill) {
    if (RAND_bytes(buffer.data(), int(buffer.size())) != 1) return false;
    used = 0;
  }
  std::memcpy(nonce, buffer.data() + used * kNonceSize, kNonceSize);
  OPENSSL_cleanse(buffer.data() + used * kNonceSize, kNonceSize);
  ++used;
  return true;
}

}  // namespace

Pseudonymiser::Pseudonymiser(std::unique_ptr<Contexts> contexts) : contexts_(std::move(contexts)) {}
Pseudonymiser::Pseudonymiser(Pseudonymiser&&) noexcept = default;
Pseudonymiser& Pseudonymiser::operator=(Pseudonymiser&&) noexcept = default;
Pseudonymiser::~Pseudonymiser() = default;

Pseudonymiser Pseudonymiser::FromSecret(const Secret& secret) {
  auto contexts = std::make_unique<Contexts>();
  Secret mac_key = Derive(secret, "orp pseudonym hmac-sha256 v1");
  Secret enc_key = Derive(secret, "orp nhs-number aes-256-gcm v1");
  PrepareHmac(mac_key, contexts->hmac_inner, contexts->hmac_outer);
  ORP_CHECK(EVP_EncryptInit_ex(contexts->encrypt, EVP_aes_256_gcm(), nullptr, enc_key.data(),
                               nullptr) == 1 &&
            EVP_DecryptInit_ex(contexts->decrypt, EVP_aes_256_gcm(), nullptr, enc_key.data(),
                               nullptr) == 1);
  OPENSSL_cleanse(mac_key.data(), mac_key.size());
  OPENSSL_cleanse(enc_key.data(), enc_key.size());
  return Pseudonymiser(std::move(contexts));
}

Result<Pseudonymiser> Pseudonymiser::Open(const std::filesystem::path& key_file) {
  auto secret = ReadKeyFile(key_file);
  if (!secret) return std::unexpected(secret.error());
  Pseudonymiser p = FromSecret(*secret);
  OPENSSL_cleanse(secret->data(), secret->size());
  return p;
}

Result<Pseudonymiser> Pseudonymiser::OpenOrCreate(const std::filesystem::path& key_file,
                                                  bool* created) {
  auto made = CreateKeyFile(key_file);
  if (!made) return std::unexpected(made.error());
  if (created) *created = *made;
  return Open(key_file);
}

domain::Pseudonym Pseudonymiser::Pseudonymise(const domain::NhsNumber& nhs_number) const {
  domain::Pseudonym out;
  std::array<uint8_t, 32> inner{};
  unsigned int size = 0;
  const std::string& digits = nhs_number.digits();
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  // Copying prepared SHA-256 states cannot fail short of memory exhaustion or a broken OpenSSL.
  ORP_CHECK(md && EVP_MD_CTX_copy_ex(md.get(), contexts_->hmac_inner) == 1 &&
            EVP_DigestUpdate(md.get(), digits.data(), digits.size()) == 1 &&
            EVP_DigestFinal_ex(md.get(), inner.data(), &size) == 1 &&
            EVP_MD_CTX_copy_ex(md.get(), contexts_->hmac_outer) == 1 &&
            EVP_DigestUpdate(md.get(), inner.data(), inner.size()) == 1 &&
            EVP_DigestFinal_ex(md.get(), out.bytes.data(), &size) == 1 && size == out.bytes.size());
  return out;
}

namespace {

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

Result<domain::EncryptedNhsNumber> Pseudonymiser::Encrypt(
    const domain::NhsNumber& nhs_number, const domain::Pseudonym& pseudonym) const {
  std::span<const uint8_t> plain = Bytes(nhs_number.digits());
  std::string out(1 + kNonceSize + plain.size() + kTagSize, '\0');
  auto* bytes = reinterpret_cast<uint8_t*>(out.data());
  bytes[0] = kCipherVersion;
  uint8_t* nonce = bytes + 1;
  uint8_t* body = nonce + kNonceSize;
  if (!NextNonce(nonce)) return Unavailable("the random source failed");
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0, final_n = 0;
  bool ok =
      ctx && EVP_CIPHER_CTX_copy(ctx.get(), contexts_->encrypt) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, nullptr, nonce) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, pseudonym.bytes.data(),
                        int(pseudonym.bytes.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), body, &n, plain.data(), int(plain.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), body + n, &final_n) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, int(kTagSize), body + plain.size()) == 1;
  if (!ok) return Internal("AES-256-GCM encryption failed");
  return domain::EncryptedNhsNumber{std::move(out)};
}

Result<domain::NhsNumber> Pseudonymiser::Decrypt(const domain::EncryptedNhsNumber& ciphertext,
                                                 const domain::Pseudonym& pseudonym) const {
  std::span<const uint8_t> in = Bytes(ciphertext.bytes);
  if (in.size() <= 1 + kNonceSize + kTagSize || in[0] != kCipherVersion) {
    return DataLoss("encrypted NHS number has an unknown format");
  }
  std::span<const uint8_t> nonce = in.subspan(1, kNonceSize);
  std::span<const uint8_t> body = in.subspan(1 + kNonceSize, in.size() - 1 - kNonceSize - kTagSize);
  std::span<const uint8_t> tag = in.last(kTagSize);
  std::string plain(body.size(), '\0');
  auto* out = reinterpret_cast<uint8_t*>(plain.data());
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0, final_n = 0;
  bool ok = ctx && EVP_CIPHER_CTX_copy(ctx.get(), contexts_->decrypt) == 1 &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, nullptr, nonce.data()) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &n, pseudonym.bytes.data(),
                              int(pseudonym.bytes.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), out, &n, body.data(), int(body.size())) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, int(kTagSize),
                                const_cast<uint8_t*>(tag.data())) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), out + n, &final_n) == 1;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return DataLoss(
        "encrypted NHS number failed authentication (altered, another key, or another patient)");
  }
  auto nhs_number = domain::NhsNumber::Parse(plain);
  OPENSSL_cleanse(plain.data(), plain.size());
  if (!nhs_number) return DataLoss("decrypted NHS number is not valid");
  return nhs_number;
}

Result<std::pair<domain::Pseudonym, domain::EncryptedNhsNumber>> Pseudonymiser::Protect(
    const domain::NhsNumber& nhs_number) const {
  domain::Pseudonym pseudonym = Pseudonymise(nhs_number);
  auto ciphertext = Encrypt(nhs_number, pseudonym);
  if (!ciphertext) return std::unexpected(ciphertext.error());
  return std::pair{pseudonym, std::move(*ciphertext)};
}

}  // namespace orp::security
