#include "orp/domain/opcs4_code.h"

#include <gtest/gtest.h>

namespace orp::domain {
namespace {

TEST(Opcs4Code, AcceptsDottedAndCompactFormsAndKeepsTheDot) {
  auto code = Opcs4Code::Parse("W37.1");
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(code->code(), "W37.1");
  EXPECT_EQ(code->Compact(), "W371");
  EXPECT_EQ(code->chapter(), 'W');
  EXPECT_EQ(code->category(), "W37");
  EXPECT_EQ(Opcs4Code::Parse("W371"), code);
  EXPECT_EQ(Opcs4Code::Parse(" w40.1 ")->code(), "W40.1");
}

TEST(Opcs4Code, AcceptsEveryChapterButIAndO) {
  for (char chapter = 'A'; chapter <= 'Z'; ++chapter) {
    std::string text = std::string(1, chapter) + "01.0";
    EXPECT_EQ(Opcs4Code::Parse(text).has_value(), chapter != 'I' && chapter != 'O') << text;
  }
  EXPECT_EQ(Opcs4Code::Parse("O12.3").error().message(),
            "OPCS-4 code 'O12.3' has no chapter 'O': chapters are the letters A-Z except I and O");
}

TEST(Opcs4Code, RejectsOtherShapes) {
  EXPECT_EQ(Opcs4Code::Parse("W37").error().message(),
            "OPCS-4 code 'W37' is not a code: a code is a chapter letter, two digits, a dot and "
            "one digit, e.g. W37.1 (or W371)");
  for (const char* text :
       {"", "W3.71", "W37.12", "W37-1", "WW37.1", "W3A.1", "W37.X", "737.1", "W37..", "W37 1"}) {
    EXPECT_FALSE(Opcs4Code::Parse(text).has_value()) << text;
  }
}

TEST(Opcs4Code, MapsZ94CodesToSides) {
  EXPECT_EQ(Opcs4Code::Parse("Z94.1")->LateralityFromZ94(), Laterality::kBilateral);
  EXPECT_EQ(Opcs4Code::Parse("Z942")->LateralityFromZ94(), Laterality::kRight);
  EXPECT_EQ(Opcs4Code::Parse("Z94.3")->LateralityFromZ94(), Laterality::kLeft);
  EXPECT_TRUE(Opcs4Code::Parse("Z94.4")->IsZ94());
  EXPECT_FALSE(Opcs4Code::Parse("Z94.4")->LateralityFromZ94().has_value());
  EXPECT_FALSE(Opcs4Code::Parse("Z94.9")->LateralityFromZ94().has_value());
  EXPECT_FALSE(Opcs4Code::Parse("W37.1")->IsZ94());
  EXPECT_FALSE(Opcs4Code::Parse("W37.1")->LateralityFromZ94().has_value());
}

TEST(Opcs4Code, Z94ForRoundTripsEachSide) {
  for (Laterality l : {Laterality::kLeft, Laterality::kRight, Laterality::kBilateral}) {
    auto code = Opcs4Code::Z94For(l);
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(code->LateralityFromZ94(), l);
  }
  EXPECT_EQ(Opcs4Code::Z94For(Laterality::kLeft)->code(), "Z94.3");
  EXPECT_FALSE(Opcs4Code::Z94For(Laterality::kNotApplicable).has_value());
}

}  // namespace
}  // namespace orp::domain
