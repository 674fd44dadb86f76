#include "orp/security/identifier_scan.h"

#include <gtest/gtest.h>

namespace orp::security {
namespace {

// 9434765919 is the NHS Data Dictionary's worked example (valid); 9434765918 fails the check.
TEST(FindNhsNumberShape, FindsAValidNumberInEachWrittenForm) {
  EXPECT_EQ(FindNhsNumberShape("patient 9434765919 signed in"), "9434765919");
  EXPECT_EQ(FindNhsNumberShape("nhs=943 476 5919;"), "943 476 5919");
  EXPECT_EQ(FindNhsNumberShape("943-476-5919"), "943-476-5919");
  EXPECT_EQ(FindNhsNumberShape("a 9434765918 b 9434765919"), "9434765919");
}

TEST(FindNhsNumberShape, IgnoresInvalidNumbersAndLongerDigitRuns) {
  EXPECT_FALSE(FindNhsNumberShape("9434765918"));       // wrong check digit
  EXPECT_FALSE(FindNhsNumberShape("4444444444"));       // repdigit
  EXPECT_FALSE(FindNhsNumberShape("09434765919"));      // part of 11 digits
  EXPECT_FALSE(FindNhsNumberShape("94347659190"));      // part of 11 digits
  EXPECT_FALSE(FindNhsNumberShape("(01)05012345678900"));  // a GTIN
  EXPECT_FALSE(FindNhsNumberShape("943 476-5919"));     // mixed separators
  EXPECT_FALSE(FindNhsNumberShape("943 476 59190"));
  EXPECT_FALSE(FindNhsNumberShape("2026-11-26T18:00:00Z seq 12 RRK"));
  EXPECT_FALSE(FindNhsNumberShape(""));
}

}  // namespace
}  // namespace orp::security
