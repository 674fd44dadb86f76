#include "orp/domain/sex.h"

#include <gtest/gtest.h>

namespace orp::domain {
namespace {

TEST(Sex, ParsesTheFourStatedGenderCodesAndRoundTrips) {
  EXPECT_EQ(ParseSex("1"), Sex::kMale);
  EXPECT_EQ(ParseSex("2"), Sex::kFemale);
  EXPECT_EQ(ParseSex("9"), Sex::kIndeterminate);
  EXPECT_EQ(ParseSex("X"), Sex::kNotKnown);
  EXPECT_EQ(ParseSex(" x "), Sex::kNotKnown);
  for (Sex sex : {Sex::kMale, Sex::kFemale, Sex::kIndeterminate, Sex::kNotKnown}) {
    EXPECT_EQ(ParseSex(SexCode(sex)), sex);
  }
}

TEST(Sex, MapsToFhirGender) {
  EXPECT_EQ(FhirGender(Sex::kIndeterminate), "other");
  EXPECT_EQ(FhirGender(Sex::kNotKnown), "unknown");
  EXPECT_EQ(SexName(Sex::kFemale), "female");
}

TEST(Sex, RefusesZeroPointingToX) {
  EXPECT_EQ(ParseSex("0").error().message(),
            "sex '0' is the not-known code of the older PERSON GENDER CODE CURRENT; PERSON "
            "STATED GENDER CODE uses X for not known");
}

TEST(Sex, RefusesWordsAndOtherCodes) {
  EXPECT_EQ(ParseSex("M").error().message(),
            "sex 'M' is not a PERSON STATED GENDER CODE; use 1 (male), 2 (female), 9 "
            "(indeterminate) or X (not known)");
  EXPECT_FALSE(ParseSex("male").has_value());
  EXPECT_FALSE(ParseSex("3").has_value());
  EXPECT_FALSE(ParseSex("").has_value());
  EXPECT_FALSE(ParseSex("12").has_value());
}

}  // namespace
}  // namespace orp::domain
