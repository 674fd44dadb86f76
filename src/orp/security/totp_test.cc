#include "orp/security/totp.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "orp/security/secrets.h"

namespace orp::security {
namespace {

domain::Instant At(int64_t seconds) { return domain::Instant(std::chrono::seconds(seconds)); }

// RFC 6238 Appendix B, the SHA-1 column: seed "12345678901234567890", 8 digits.
TEST(Totp, MatchesTheRfc6238AppendixBVectors) {
  const std::string seed = "12345678901234567890";
  const std::pair<int64_t, std::string> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
  };
  for (const auto& [time, code] : vectors) {
    EXPECT_EQ(TotpCode(seed, At(time), 8), code) << time;
    EXPECT_EQ(TotpCode(seed, At(time)), code.substr(2)) << time;  // 6 digits: the low six
  }
}

// RFC 4226 Appendix D: HOTP of the same seed for counters 0..9.
TEST(Totp, HotpMatchesTheRfc4226AppendixDVectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(HotpCode("12345678901234567890", i), expected[i]);
}

TEST(Totp, AcceptsOneStepOfDriftEitherSideAndNoMore) {
  const std::string seed = "12345678901234567890";
  const std::string code = TotpCode(seed, At(1111111111));
  EXPECT_TRUE(VerifyTotp(seed, code, At(1111111111)));
  EXPECT_TRUE(VerifyTotp(seed, code, At(1111111111 + 30)));
  EXPECT_TRUE(VerifyTotp(seed, code, At(1111111111 - 30)));
  EXPECT_FALSE(VerifyTotp(seed, code, At(1111111111 + 90)));
  EXPECT_FALSE(VerifyTotp(seed, code, At(1111111111 - 90)));
  EXPECT_TRUE(VerifyTotp(seed, code.substr(0, 3) + " " + code.substr(3), At(1111111111)));
  EXPECT_FALSE(VerifyTotp(seed, "", At(1111111111)));
  EXPECT_FALSE(VerifyTotp(seed, code + "0", At(1111111111)));
  EXPECT_FALSE(VerifyTotp("", code, At(1111111111)));
}

TEST(Totp, NewSecretsAre160BitsOfBase32AndDiffer) {
  auto a = NewTotpSecret();
  auto b = NewTotpSecret();
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(Base32Decode(*a)->size(), 20u);
}

TEST(Totp, OtpauthUriNamesIssuerAccountAndSecret) {
  EXPECT_EQ(OtpauthUri("ORP", "alice@rrk", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/ORP:alice%40rrk?secret=JBSWY3DPEHPK3PXP&issuer=ORP&algorithm=SHA1&"
            "digits=6&period=30");
}

}  // namespace
}  // namespace orp::security
