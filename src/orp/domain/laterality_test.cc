#include "orp/domain/laterality.h"

#include <gtest/gtest.h>

namespace orp::domain {
namespace {

TEST(Laterality, ParsesTheFourCodesInEitherCase) {
  EXPECT_EQ(ParseLaterality("L"), Laterality::kLeft);
  EXPECT_EQ(ParseLaterality("r"), Laterality::kRight);
  EXPECT_EQ(ParseLaterality(" B "), Laterality::kBilateral);
  EXPECT_EQ(ParseLaterality("n"), Laterality::kNotApplicable);
  for (Laterality l : {Laterality::kLeft, Laterality::kRight, Laterality::kBilateral,
                       Laterality::kNotApplicable}) {
    EXPECT_EQ(ParseLaterality(LateralityCode(l)), l);
  }
  EXPECT_EQ(LateralityName(Laterality::kBilateral), "bilateral");
}

TEST(Laterality, RefusesWordsNamingTheCodes) {
  EXPECT_EQ(ParseLaterality("Left").error().message(),
            "laterality 'Left' is not a code; use L (left), R (right), B (bilateral) or N (not "
            "applicable)");
  EXPECT_FALSE(ParseLaterality("").has_value());
  EXPECT_FALSE(ParseLaterality("X").has_value());
}

}  // namespace
}  // namespace orp::domain
