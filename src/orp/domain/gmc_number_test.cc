#include "orp/domain/gmc_number.h"

#include <gtest/gtest.h>

namespace orp::domain {
namespace {

TEST(GmcNumber, AcceptsSevenDigits) {
  auto gmc = GmcNumber::Parse("1234567");
  ASSERT_TRUE(gmc.has_value());
  EXPECT_EQ(gmc->number(), "1234567");
  EXPECT_FALSE(gmc->IsLimitedRegistration());
  EXPECT_FALSE(gmc->IsDefaultCode());
  EXPECT_EQ(gmc->ConsultantCode(), "C1234567");
}

TEST(GmcNumber, NormalisesTheConsultantCodeFormToBareDigits) {
  EXPECT_EQ(GmcNumber::Parse("C1234567")->number(), "1234567");
  EXPECT_EQ(GmcNumber::Parse(" c7654321 ")->number(), "7654321");
  EXPECT_EQ(GmcNumber::Parse("C1234567"), GmcNumber::Parse("1234567"));
}

TEST(GmcNumber, KeepsLimitedRegistrationNumbers) {
  auto gmc = GmcNumber::Parse("l123456");
  ASSERT_TRUE(gmc.has_value());
  EXPECT_EQ(gmc->number(), "L123456");
  EXPECT_TRUE(gmc->IsLimitedRegistration());
  EXPECT_FALSE(gmc->ConsultantCode().has_value());
  EXPECT_FALSE(GmcNumber::Parse("L1234567").has_value());
  EXPECT_FALSE(GmcNumber::Parse("L12345").has_value());
}

TEST(GmcNumber, ParsesTheOverseasDoctorDefaultAndFlagsIt) {
  auto gmc = GmcNumber::Parse("C9999998");
  ASSERT_TRUE(gmc.has_value());
  EXPECT_TRUE(gmc->IsDefaultCode());
  EXPECT_EQ(gmc->ConsultantCode(), "C9999998");
}

TEST(GmcNumber, SaysADentalCodeIsNotAGmcNumber) {
  EXPECT_EQ(GmcNumber::Parse("D123456").error().message(),
            "'D123456' is a dental consultant code (Dental Practice Board number), not a GMC "
            "number; give the GMC number of a medical clinician");
}

TEST(GmcNumber, RejectsWrongLengthsNamingTheCount) {
  EXPECT_EQ(GmcNumber::Parse("123456").error().message(),
            "GMC number '123456' has 6 digits; a GMC number is 7 digits (e.g. 1234567), "
            "optionally written as the consultant code C1234567, or L and 6 digits for a limited "
            "registration");
  EXPECT_FALSE(GmcNumber::Parse("12345678").has_value());
  EXPECT_FALSE(GmcNumber::Parse("C123456").has_value());
  EXPECT_FALSE(GmcNumber::Parse("C12345678").has_value());
}

TEST(GmcNumber, RejectsOtherFormsAndEmptyText) {
  EXPECT_FALSE(GmcNumber::Parse("").has_value());
  EXPECT_FALSE(GmcNumber::Parse("C").has_value());
  EXPECT_FALSE(GmcNumber::Parse("123 4567").has_value());
  EXPECT_FALSE(GmcNumber::Parse("X1234567").has_value());
  EXPECT_FALSE(GmcNumber::Parse("NMC12345").has_value());
}

}  // namespace
}  // namespace orp::domain
