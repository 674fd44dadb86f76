#include "orp/domain/nhs_number.h"

#include <gtest/gtest.h>

namespace orp::domain {
namespace {

// Worked examples from ../shared/specs/uk-standards.md §2.1.
TEST(NhsNumber, AcceptsTheWorkedValidExamples) {
  for (const char* text : {"9434765919", "4010232137", "9990000050", "9990000018"}) {
    auto n = NhsNumber::Parse(text);
    ASSERT_TRUE(n.has_value()) << text << ": " << n.error().message();
    EXPECT_EQ(n->digits(), text);
  }
}

TEST(NhsNumber, AcceptsSpacesAndHyphensAndFormatsInThreeThreeFour) {
  auto n = NhsNumber::Parse("943 476-5919");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->Formatted(), "943 476 5919");
  EXPECT_FALSE(n->IsTestRange());
  EXPECT_TRUE(NhsNumber::Parse("9990000050")->IsTestRange());
}

TEST(NhsNumber, NamesTheExpectedCheckDigit) {
  auto n = NhsNumber::Parse("9434765918");
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().message(),
            "NHS number fails the modulus 11 check: the last digit should be 9, not 8");
}

TEST(NhsNumber, RejectsCheckValueTen) {
  EXPECT_FALSE(NhsNumber::Parse("1234567890").has_value());
  EXPECT_EQ(NhsNumber::CheckDigit("999000000"), -1);
  for (char last = '0'; last <= '9'; ++last) {
    EXPECT_FALSE(NhsNumber::Parse(std::string("999000000") + last).has_value());
  }
}

TEST(NhsNumber, RejectsRepdigitsThatPassModulus11) {
  EXPECT_FALSE(NhsNumber::Parse("0000000000").has_value());
  EXPECT_FALSE(NhsNumber::Parse("1111111111").has_value());
}

TEST(NhsNumber, RejectsWrongLengthAndLetters) {
  EXPECT_EQ(NhsNumber::Parse("94347659").error().message(),
            "NHS number has 8 digits; it must have 10");
  EXPECT_FALSE(NhsNumber::Parse("943476591X").has_value());
  EXPECT_FALSE(NhsNumber::Parse("").has_value());
}

TEST(NhsNumber, EchoesTheInputOnlyWhenAsked) {
  EXPECT_EQ(NhsNumber::Parse("9876544321", true).error().message(),
            "NHS number 9876544321 fails the modulus 11 check: the last digit should be 2, not 1");
  EXPECT_EQ(NhsNumber::Parse("9876544321").error().message().find("9876544321"), std::string::npos);
}

}  // namespace
}  // namespace orp::domain
