#include "orp/domain/ods_code.h"

#include <gtest/gtest.h>

namespace orp::domain {
namespace {

TEST(OdsCode, AcceptsThreeAndFiveCharacterOrganisationCodes) {
  for (const char* text : {"RXF", "RH8", "NT4", "8HA03", "G3Q3Z"}) {
    auto code = OdsCode::Parse(text);
    ASSERT_TRUE(code.has_value()) << text << ": " << code.error().message();
    EXPECT_EQ(code->code(), text);
  }
}

TEST(OdsCode, TrimsAndUpperCases) {
  EXPECT_EQ(OdsCode::Parse(" rxf\t")->code(), "RXF");
  EXPECT_EQ(OdsCode::Parse("8ha03")->code(), "8HA03");
}

TEST(OdsCode, RejectsOtherLengthsNamingThem) {
  EXPECT_EQ(OdsCode::Parse("RX").error().message(),
            "ODS organisation code 'RX' has 2 characters; it must have 3 (e.g. RXF) or 5 "
            "(e.g. 8HA03)");
  EXPECT_FALSE(OdsCode::Parse("RXF0").has_value());
  EXPECT_FALSE(OdsCode::Parse("RXF05A").has_value());
  EXPECT_EQ(OdsCode::Parse("  ").error().message(), "ODS organisation code is empty");
}

TEST(OdsCode, RejectsPunctuationAndInnerSpaces) {
  EXPECT_EQ(OdsCode::Parse("R-F").error().message(),
            "ODS organisation code 'R-F' has the character '-'; only letters A-Z and digits 0-9 "
            "are allowed");
  EXPECT_FALSE(OdsCode::Parse("R F").has_value());
  EXPECT_FALSE(OdsCode::Parse("RX\xC3\x89").has_value());
}

TEST(OdsSiteCode, AcceptsFiveToNineCharactersAndTheDefaults) {
  for (const char* text : {"RXF05", "RH802", "NT451", "89999", "89997", "RXF0500", "ABCDEFGH9"}) {
    auto code = OdsSiteCode::Parse(text);
    ASSERT_TRUE(code.has_value()) << text << ": " << code.error().message();
    EXPECT_EQ(code->code(), text);
  }
  EXPECT_TRUE(OdsSiteCode::Parse("89999")->IsDefaultCode());
  EXPECT_TRUE(OdsSiteCode::Parse("89997")->IsDefaultCode());
  EXPECT_FALSE(OdsSiteCode::Parse("89998")->IsDefaultCode());
}

TEST(OdsSiteCode, SaysAThreeCharacterValueLooksLikeAnOrganisation) {
  EXPECT_EQ(OdsSiteCode::Parse("rxf").error().message(),
            "ODS site code 'RXF' has 3 characters, like an organisation code; a site code has 5 "
            "(e.g. RXF05), or use 89999 for a non-NHS UK provider without a site code");
}

TEST(OdsSiteCode, RejectsFourAndTenCharacters) {
  EXPECT_EQ(OdsSiteCode::Parse("RXF0").error().message(),
            "ODS site code 'RXF0' has 4 characters; it must have 5 (e.g. RXF05), at most 9");
  EXPECT_FALSE(OdsSiteCode::Parse("ABCDEFGH90").has_value());
  EXPECT_FALSE(OdsSiteCode::Parse("").has_value());
}

TEST(OdsSiteCode, HeuristicParentIsTheFirstThreeCharactersOfAFiveCharacterSite) {
  EXPECT_EQ(OdsSiteCode::Parse("RXF05")->HeuristicParentPrefix()->code(), "RXF");
  EXPECT_EQ(OdsSiteCode::Parse("nt451")->HeuristicParentPrefix()->code(), "NT4");
  EXPECT_FALSE(OdsSiteCode::Parse("89999")->HeuristicParentPrefix().has_value());
  EXPECT_FALSE(OdsSiteCode::Parse("RXF0500")->HeuristicParentPrefix().has_value());
}

}  // namespace
}  // namespace orp::domain
