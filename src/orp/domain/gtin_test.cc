#include "orp/domain/gtin.h"

#include <gtest/gtest.h>

namespace orp::domain {
namespace {

TEST(Gtin, AcceptsGtin14AndNormalisesShorterFormsTo14Digits) {
  EXPECT_EQ(Gtin::Parse("09506000134352")->digits(), "09506000134352");
  EXPECT_EQ(Gtin::Parse("9506000134352")->digits(), "09506000134352");  // GTIN-13
  EXPECT_EQ(Gtin::Parse("00844588003288")->digits(), "00844588003288");
  EXPECT_EQ(Gtin::Parse("96385074")->digits(), "00000096385074");      // GTIN-8
  EXPECT_EQ(Gtin::Parse("036000291452")->digits(), "00036000291452");  // GTIN-12 (UPC-A)
}

TEST(Gtin, NamesTheExpectedCheckDigit) {
  auto g = Gtin::Parse("09506000134353");
  ASSERT_FALSE(g.has_value());
  EXPECT_EQ(g.error().message(), "GTIN 09506000134353 check digit should be 2, not 3");
}

TEST(Gtin, RejectsOtherLengthsAndNonDigits) {
  EXPECT_FALSE(Gtin::Parse("0950600013435").has_value());  // 13 digits, wrong check
  EXPECT_FALSE(Gtin::Parse("123456789").has_value());
  EXPECT_FALSE(Gtin::Parse("0950600013435A").has_value());
  EXPECT_FALSE(Gtin::Parse("").has_value());
}

}  // namespace
}  // namespace orp::domain
