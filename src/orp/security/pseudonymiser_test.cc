#include "orp/security/pseudonymiser.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

namespace orp::security {
namespace {

namespace fs = std::filesystem;
using domain::NhsNumber;

class PseudonymiserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("orp-keys-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static Pseudonymiser::Secret SecretOf(uint8_t fill) {
    Pseudonymiser::Secret s;
    s.fill(fill);
    return s;
  }

  fs::path dir_;
  NhsNumber nhs_ = *NhsNumber::Parse("9434765919");
  NhsNumber other_ = *NhsNumber::Parse("4010232137");
};

TEST_F(PseudonymiserTest, SameKeyAndNumberGiveTheSamePseudonym) {
  auto a = Pseudonymiser::FromSecret(SecretOf(1));
  auto b = Pseudonymiser::FromSecret(SecretOf(1));
  EXPECT_EQ(a.Pseudonymise(nhs_), b.Pseudonymise(nhs_));
  EXPECT_NE(a.Pseudonymise(nhs_), a.Pseudonymise(other_));
  EXPECT_NE(a.Pseudonymise(nhs_), Pseudonymiser::FromSecret(SecretOf(2)).Pseudonymise(nhs_));
}

// HMAC-SHA256 over the digits with a key derived by HKDF: the pseudonym is not the bare hash
// of the number (which anyone could compute for all 10^9 numbers).
TEST_F(PseudonymiserTest, PseudonymIsNotAPlainHashOfTheNumber) {
  auto p = Pseudonymiser::FromSecret(SecretOf(0));
  domain::Pseudonym plain_hash;
  SHA256(reinterpret_cast<const unsigned char*>(nhs_.digits().data()), nhs_.digits().size(),
         plain_hash.bytes.data());
  EXPECT_NE(p.Pseudonymise(nhs_), plain_hash);
  EXPECT_EQ(p.Pseudonymise(nhs_).Hex().size(), 64u);
}

// The pseudonym must never change for a given key file (every stored link depends on it), so it
// is checked against OpenSSL's own HKDF and one-shot HMAC rather than against our split HMAC.
TEST_F(PseudonymiserTest, PseudonymIsHmacSha256UnderTheHkdfDerivedKey) {
  Pseudonymiser::Secret secret = SecretOf(7);
  std::array<unsigned char, 32> key{};
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  char digest[] = "SHA256";
  char info[] = "orp pseudonym hmac-sha256 v1";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, secret.data(), secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, sizeof info - 1),
      OSSL_PARAM_construct_end()};
  ASSERT_EQ(EVP_KDF_derive(ctx, key.data(), key.size(), params), 1);
  EVP_KDF_CTX_free(ctx);
  EVP_KDF_free(kdf);
  domain::Pseudonym expected;
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), int(key.size()),
       reinterpret_cast<const unsigned char*>(nhs_.digits().data()), nhs_.digits().size(),
       expected.bytes.data(), &size);
  EXPECT_EQ(Pseudonymiser::FromSecret(secret).Pseudonymise(nhs_), expected);
}

TEST_F(PseudonymiserTest, EncryptionRoundTripsAndIsRandomised) {
  auto p = Pseudonymiser::FromSecret(SecretOf(3));
  auto [pseudonym, first] = *p.Protect(nhs_);
  auto second = p.Encrypt(nhs_, pseudonym);
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(first, *second);     // fresh nonce each time
  std::set<std::string> nonces;  // across several refills of the per-thread nonce buffer
  for (int i = 0; i < 1000; ++i) nonces.insert(p.Encrypt(nhs_, pseudonym)->bytes.substr(1, 12));
  EXPECT_EQ(nonces.size(), 1000u);
  EXPECT_EQ(first.bytes.size(), 1u + 12u + 10u + 16u);
  EXPECT_EQ(first.bytes.find("9434765919"), std::string::npos);
  EXPECT_EQ(*p.Decrypt(first, pseudonym), nhs_);
  EXPECT_EQ(*p.Decrypt(*second, pseudonym), nhs_);
}

TEST_F(PseudonymiserTest, TamperedCiphertextFailsAuthentication) {
  auto p = Pseudonymiser::FromSecret(SecretOf(4));
  auto [pseudonym, ciphertext] = *p.Protect(nhs_);
  for (size_t i = 1; i < ciphertext.bytes.size(); ++i) {
    domain::EncryptedNhsNumber altered = ciphertext;
    altered.bytes[i] ^= 0x01;
    auto decrypted = p.Decrypt(altered, pseudonym);
    ASSERT_FALSE(decrypted.has_value()) << "byte " << i;
    EXPECT_EQ(decrypted.error().code(), ErrorCode::kDataLoss);
  }
  domain::EncryptedNhsNumber truncated{ciphertext.bytes.substr(0, 20)};
  EXPECT_FALSE(p.Decrypt(truncated, pseudonym).has_value());
}

TEST_F(PseudonymiserTest, CiphertextMovedToAnotherPatientOrKeyDoesNotDecrypt) {
  auto p = Pseudonymiser::FromSecret(SecretOf(5));
  auto [pseudonym, ciphertext] = *p.Protect(nhs_);
  EXPECT_FALSE(p.Decrypt(ciphertext, p.Pseudonymise(other_)).has_value());
  EXPECT_FALSE(Pseudonymiser::FromSecret(SecretOf(6)).Decrypt(ciphertext, pseudonym).has_value());
}

TEST_F(PseudonymiserTest, ThreadsShareOnePseudonymiser) {
  auto p = Pseudonymiser::FromSecret(SecretOf(8));
  domain::Pseudonym expected = p.Pseudonymise(nhs_);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        auto [pseudonym, ciphertext] = *p.Protect(nhs_);
        if (pseudonym != expected || *p.Decrypt(ciphertext, pseudonym) != nhs_) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(PseudonymiserTest, KeyFileIsCreatedOnceWithModeSixHundred) {
  fs::path key = dir_ / "orp.key";
  bool created = false;
  auto first = Pseudonymiser::OpenOrCreate(key, &created);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_TRUE(created);
  struct stat st {};
  ASSERT_EQ(stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto second = Pseudonymiser::OpenOrCreate(key, &created);
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(created);
  EXPECT_EQ(first->Pseudonymise(nhs_), second->Pseudonymise(nhs_));
  auto [pseudonym, ciphertext] = *first->Protect(nhs_);
  EXPECT_EQ(*second->Decrypt(ciphertext, pseudonym), nhs_);
}

TEST_F(PseudonymiserTest, RefusesAKeyFileOthersCanRead) {
  fs::path key = dir_ / "orp.key";
  ASSERT_TRUE(Pseudonymiser::OpenOrCreate(key).has_value());
  ASSERT_EQ(chmod(key.c_str(), 0640), 0);
  auto opened = Pseudonymiser::Open(key);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(opened.error().message().find("mode 0640"), std::string::npos);
  EXPECT_NE(opened.error().message().find("chmod 600"), std::string::npos);
}

TEST_F(PseudonymiserTest, RejectsAMissingOrMalformedKeyFile) {
  EXPECT_EQ(Pseudonymiser::Open(dir_ / "absent.key").error().code(), ErrorCode::kNotFound);
  fs::path key = dir_ / "bad.key";
  { std::ofstream(key) << "orp-key-v1 not-hex\n"; }
  ASSERT_EQ(chmod(key.c_str(), 0600), 0);
  EXPECT_EQ(Pseudonymiser::Open(key).error().code(), ErrorCode::kDataLoss);
}

}  // namespace
}  // namespace orp::security
