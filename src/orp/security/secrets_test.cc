#include "orp/security/secrets.h"

#include <gtest/gtest.h>

namespace orp::security {
namespace {

// RFC 4648 §10 test vectors.
TEST(Base32, MatchesTheRfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},           {"f", "MY"},           {"fo", "MZXQ"},           {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base32Encode(plain), encoded);
    EXPECT_EQ(Base32Decode(encoded), plain);
  }
  EXPECT_EQ(Base32Encode("foobar", true), "mzxw6ytboi");
  EXPECT_EQ(Base32Decode("mzxw6ytboi======"), "foobar");
  EXPECT_EQ(Base32Decode("MZ1W").error().code(), ErrorCode::kInvalidArgument);
}

TEST(Sha256Hex, MatchesTheFips180Example) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ConstantTimeEquals, ComparesLengthAndBytes) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(Password, HashIsArgon2idSaltedAndVerifies) {
  auto a = HashPassword("correct horse", PasswordCost::kMinimum);
  auto b = HashPassword("correct horse", PasswordCost::kMinimum);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_TRUE(a->starts_with("$argon2id$v=19$"));
  EXPECT_NE(*a, *b);  // a fresh salt each time
  EXPECT_TRUE(VerifyPassword(*a, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*a, "correct horsf"));
  EXPECT_FALSE(VerifyPassword("", "correct horse"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "correct horse"));
}

TEST(Password, InteractiveCostIsRecordedInTheHash) {
  auto h = HashPassword("pw", PasswordCost::kInteractive);
  ASSERT_TRUE(h.has_value());
  EXPECT_NE(h->find("m=65536,t=2"), std::string::npos) << *h;
  EXPECT_TRUE(VerifyPassword(*h, "pw"));
}

TEST(Password, EmptyAndOverlongPasswordsAreRefused) {
  EXPECT_EQ(HashPassword("", PasswordCost::kMinimum).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(HashPassword(std::string(1025, 'x'), PasswordCost::kMinimum).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST(RandomBytes, GivesTheLengthAskedAndDiffers) {
  auto a = RandomBytes(32);
  auto b = RandomBytes(32);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
}

}  // namespace
}  // namespace orp::security
