#include "orp/security/principal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace orp::security {
namespace {

using testing::HasSubstr;

TEST(ParseGrant, ScopedRolesNormaliseTheirScope) {
  EXPECT_EQ(ParseGrant("provider@rrk"), (Grant{Role::kProvider, "RRK"}));
  EXPECT_EQ(ParseGrant(" submitter@8HA03 "), (Grant{Role::kSubmitter, "8HA03"}));
  EXPECT_EQ(ParseGrant("clinician@C1234567"), (Grant{Role::kClinician, "1234567"}));
  EXPECT_EQ(ParseGrant("manufacturer@acme-uk.ltd"), (Grant{Role::kManufacturer, "acme-uk.ltd"}));
  EXPECT_EQ(ParseGrant("patient@self"), (Grant{Role::kPatient, "self"}));
}

TEST(ParseGrant, NationalRolesTakeNoScope) {
  EXPECT_EQ(ParseGrant("analyst"), (Grant{Role::kAnalyst, ""}));
  EXPECT_EQ(ParseGrant("regulator"), (Grant{Role::kRegulator, ""}));
  EXPECT_EQ(ParseGrant("admin"), (Grant{Role::kAdmin, ""}));
  auto scoped = ParseGrant("analyst@RRK");
  ASSERT_FALSE(scoped.has_value());
  EXPECT_THAT(scoped.error().message(), HasSubstr("national and takes no scope"));
}

TEST(ParseGrant, ARoleMissingItsScopeNamesTheRule) {
  auto missing = ParseGrant("provider");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(missing.error().message(), HasSubstr("needs a scope: provider@<ODS code>"));
  EXPECT_THAT(ParseGrant("clinician").error().message(), HasSubstr("clinician@<GMC number>"));
  EXPECT_THAT(ParseGrant("patient").error().message(), HasSubstr("patient@self"));
}

TEST(ParseGrant, BadScopesAndRolesAreRefused) {
  EXPECT_THAT(ParseGrant("provider@R-K").error().message(), HasSubstr("<ODS code>"));
  EXPECT_THAT(ParseGrant("clinician@D123456").error().message(), HasSubstr("<GMC number>"));
  EXPECT_THAT(ParseGrant("manufacturer@a b").error().message(), HasSubstr("manufacturer id"));
  EXPECT_THAT(ParseGrant("patient@someone").error().message(), HasSubstr("'self'"));
  EXPECT_THAT(ParseGrant("superuser").error().message(), HasSubstr("is not one of"));
  EXPECT_FALSE(ParseGrant("provider@").has_value());
  EXPECT_FALSE(ParseGrant("").has_value());
}

TEST(FormatGrant, IsTheInverseOfParseGrant) {
  for (std::string text : {"submitter@RRK", "provider@8HA03", "clinician@1234567",
                           "clinician@L123456", "manufacturer@acme", "patient@self", "analyst",
                           "regulator", "admin"}) {
    auto grant = ParseGrant(text);
    ASSERT_TRUE(grant.has_value()) << text;
    EXPECT_EQ(FormatGrant(*grant), text);
  }
  EXPECT_EQ(FormatGrants({{Role::kProvider, "RRK"}, {Role::kAnalyst, ""}}),
            "provider@RRK, analyst");
}

}  // namespace
}  // namespace orp::security
