#include "orp/domain/postcode.h"

#include <gtest/gtest.h>

namespace orp::domain {
namespace {

TEST(Postcode, AcceptsEveryOutwardShape) {
  // A9, A99, A9A, AA9, AA99, AA9A.
  for (const char* text : {"M1 1AA", "B33 8TH", "W1A 0AX", "CR2 6XH", "DN55 1PT", "EC1A 1BB"}) {
    auto postcode = Postcode::Parse(text);
    ASSERT_TRUE(postcode.has_value()) << text << ": " << postcode.error().message();
    EXPECT_EQ(postcode->canonical(), text);
    EXPECT_FALSE(postcode->IsPseudo());
  }
}

TEST(Postcode, CanonicalisesCaseAndSpacing) {
  EXPECT_EQ(Postcode::Parse("sw1a1aa")->canonical(), "SW1A 1AA");
  EXPECT_EQ(Postcode::Parse("  ls1 4ht ")->canonical(), "LS1 4HT");
  EXPECT_EQ(Postcode::Parse("M11AA")->canonical(), "M1 1AA");
}

TEST(Postcode, SplitsOutwardAndInward) {
  auto postcode = Postcode::Parse("EC1A1BB");
  ASSERT_TRUE(postcode.has_value());
  EXPECT_EQ(postcode->outward(), "EC1A");
  EXPECT_EQ(postcode->inward(), "1BB");
  EXPECT_EQ(Postcode::Parse("M1 1AA")->outward(), "M1");
}

TEST(Postcode, AcceptsGirobank) { EXPECT_EQ(Postcode::Parse("gir0aa")->canonical(), "GIR 0AA"); }

TEST(Postcode, AcceptsZz99PseudoPostcodesThatBreakTheLetterRules) {
  for (const char* text : {"ZZ99 3CZ", "ZZ99 3VZ", "ZZ99 3WZ", "ZZ99 1WZ", "ZZ99 6CZ"}) {
    auto postcode = Postcode::Parse(text);
    ASSERT_TRUE(postcode.has_value()) << text << ": " << postcode.error().message();
    EXPECT_TRUE(postcode->IsPseudo());
  }
  EXPECT_EQ(
      Postcode::Parse("ZZ993AA").error().message(),
      "postcode: a ZZ99 pseudo-postcode must end with a digit, a letter and Z (e.g. ZZ99 3VZ)");
  // Only ZZ99 is special: other ZZ outward codes fail the second-letter rule.
  EXPECT_FALSE(Postcode::Parse("ZZ1 3CZ").has_value());
}

TEST(Postcode, EnforcesTheLetterRulesByPosition) {
  EXPECT_EQ(Postcode::Parse("QA1 1AA").error().message(),
            "postcode: the first letter cannot be Q, V or X");
  EXPECT_EQ(Postcode::Parse("AI1 1AA").error().message(),
            "postcode: the second letter of the outward code cannot be I, J or Z");
  EXPECT_FALSE(Postcode::Parse("W1L 1AA").has_value());   // A9A third letter
  EXPECT_FALSE(Postcode::Parse("EC1C 1BB").has_value());  // AA9A fourth letter
  EXPECT_TRUE(Postcode::Parse("EC1V 1BB").has_value());
  EXPECT_EQ(Postcode::Parse("M1 1AC").error().message(),
            "postcode: the inward code cannot contain the letters C, I, K, M, O or V");
  EXPECT_FALSE(Postcode::Parse("M1 AAA").has_value());
  EXPECT_FALSE(Postcode::Parse("11 1AA").has_value());
  EXPECT_FALSE(Postcode::Parse("M12A 1AA").has_value());  // A99 + letter
  EXPECT_FALSE(Postcode::Parse("AB 1AA").has_value());
}

TEST(Postcode, RejectsBadSpacingAndLength) {
  EXPECT_EQ(Postcode::Parse("LS1  4HT").error().message(),
            "postcode has more than one space; write it with one, e.g. LS1 4HT");
  EXPECT_EQ(Postcode::Parse("LS 14HT").error().message(),
            "postcode has its space in the wrong place; the space goes before the last three "
            "characters (the inward code)");
  EXPECT_EQ(Postcode::Parse("M1 1A").error().message(),
            "postcode has 4 letters and digits; a postcode has 5 to 7 (e.g. M1 1AA, SW1A 1AA)");
  EXPECT_FALSE(Postcode::Parse("SW1A1AAA").has_value());
  EXPECT_FALSE(Postcode::Parse("M1-1AA").has_value());
  EXPECT_EQ(Postcode::Parse(" ").error().message(), "postcode is empty");
}

TEST(Postcode, EchoesTheTextOnlyWhenAsked) {
  EXPECT_EQ(Postcode::Parse("qa1 1aa", true).error().message(),
            "postcode 'qa1 1aa': the first letter cannot be Q, V or X");
  EXPECT_EQ(Postcode::Parse("qa1 1aa").error().message().find("1aa"), std::string::npos);
}

}  // namespace
}  // namespace orp::domain
