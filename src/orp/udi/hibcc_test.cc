#include "orp/udi/hibcc.h"

#include <gtest/gtest.h>

#include "orp/udi/parse.h"
#include "orp/udi/test_util.h"

namespace orp::udi {
namespace {

using testing::Codes;
using testing::FindingFor;
using testing::On2026;
using testing::Ymd;

TEST(HibccWorkedExample, H1PrimaryWithCheckCharacterSeven) {
  ParsedUdi u = ParseUdi("+A999123457", On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.issuer, Issuer::kHibcc);
  EXPECT_EQ(u.di, "A99912345");  // LIC A999, PCN 1234, U/M 5
  EXPECT_EQ(HibcCheckCharacter("+A99912345"), '7');
}

TEST(HibccWorkedExample, H2ConcatenatedWithJulianExpiryLotProductionAndSerial) {
  ParsedUdi u = ParseUdi("+A99912345/$$52001510X3/16D20111212/S77DE1G45-", On2026());
  EXPECT_EQ(u.di, "A99912345");
  EXPECT_EQ(u.expiry, Ymd(2020, 1, 15));
  EXPECT_EQ(u.lot, "10X3");
  EXPECT_EQ(u.production_date, Ymd(2011, 12, 12));
  EXPECT_EQ(u.serial, "77DE1G45");
  EXPECT_EQ(Codes(u), "udi.expired?");  // read in 2026, it expired in 2020
}

TEST(HibccWorkedExample, H3WrongCheckCharacterNamesTheExpectedOne) {
  ParsedUdi u = ParseUdi("+A99912345/$$52001510X3/16D20111212/S77DE1G45A", On2026());
  const Finding* f = FindingFor(u, "hibc.check_char");
  ASSERT_NE(f, nullptr) << Codes(u);
  EXPECT_NE(f->message.find("should be '-', not 'A'"), std::string::npos) << f->message;
  EXPECT_FALSE(u.ok());
}

TEST(HibccWorkedExample, H4AlphanumericProductCode) {
  ParsedUdi u = ParseUdi("+A123BJC5D6E71G", On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.di, "A123BJC5D6E71");  // LIC A123, PCN BJC5D6E7, U/M 1
}

TEST(Hibcc, Code39StartAndStopCharactersAreStripped) {
  ParsedUdi u = ParseUdi("*+A999123457*", On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.di, "A99912345");
  EXPECT_EQ(u.raw, "*+A999123457*");
}

TEST(Hibcc, StandaloneSecondaryHasLotAndDateButNoDi) {
  // "+$$3261231LOT1" + link character '7' (H1's check) + own check character.
  std::string body = "+$$3261231LOT17";
  ParsedUdi u = ParseUdi(body + HibcCheckCharacter(body), On2026());
  EXPECT_EQ(Codes(u), "hibc.secondary_only?");
  EXPECT_EQ(u.di, "");
  EXPECT_EQ(u.lot, "LOT1");
  EXPECT_EQ(u.expiry, Ymd(2026, 12, 31));
}

TEST(Hibcc, SecondaryDateFlagsAndQuantity) {
  struct Case {
    std::string secondary;
    Date expiry;
    std::string lot;
  };
  for (const Case& c : std::vector<Case>{{"$$0527LOTA", Ymd(2027, 5, 31), "LOTA"},
                                         {"$$2053127LOTB", Ymd(2027, 5, 31), "LOTB"},
                                         {"$$427053110LOTC", Ymd(2027, 5, 31), "LOTC"},
                                         {"$$62715106LOTD", Ymd(2027, 5, 31), "LOTD"},
                                         {"$$8103270531LOTE", Ymd(2027, 5, 31), "LOTE"}}) {
    std::string text = "+A99912345/" + c.secondary;
    text.push_back(HibcCheckCharacter(text));
    ParsedUdi u = ParseUdi(text, On2026());
    EXPECT_TRUE(u.findings.empty()) << text << ": " << Codes(u);
    EXPECT_EQ(u.expiry, c.expiry) << text;
    EXPECT_EQ(u.lot, c.lot) << text;
  }
}

TEST(Hibcc, SerialFormsAndNoDateFlag) {
  std::string text = "+A99912345/$+SER9";
  text.push_back(HibcCheckCharacter(text));
  ParsedUdi u = ParseUdi(text, On2026());
  EXPECT_EQ(u.serial, "SER9");
  text = "+A99912345/$$7LOT9";
  text.push_back(HibcCheckCharacter(text));
  u = ParseUdi(text, On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.lot, "LOT9");
  EXPECT_FALSE(u.expiry.has_value());
}

TEST(Hibcc, CharacterOutsideTheSetIsRejected) {
  ParsedUdi u = ParseUdi("+a999123457", On2026());
  EXPECT_TRUE(u.HasFinding("hibc.charset")) << Codes(u);
}

TEST(Hibcc, PrimaryMustStartWithALetter) {
  std::string text = "+_999123";  // '_' is not HIBC
  EXPECT_FALSE(ParseUdi(text, On2026()).ok());
  text = "+A9";
  text.push_back(HibcCheckCharacter(text));
  EXPECT_TRUE(ParseUdi(text, On2026()).HasFinding("hibc.syntax"));
}

}  // namespace
}  // namespace orp::udi
