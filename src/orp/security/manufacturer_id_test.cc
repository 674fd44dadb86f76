#include "orp/security/manufacturer_id.h"

#include <gtest/gtest.h>

#include "orp/security/policy.h"
#include "orp/security/principal.h"

namespace orp::security {
namespace {

TEST(ManufacturerId, FoldsANameWithSpacesAndPunctuationToAGrantableSlug) {
  EXPECT_EQ(ManufacturerId("Acme Orthopaedics plc"), "acme-orthopaedics-plc");
  EXPECT_EQ(ManufacturerId("  Smith & Nephew, Ltd. "), "smith-nephew-ltd");
  EXPECT_EQ(ManufacturerId("acme"), "acme");
  EXPECT_EQ(ManufacturerId("éclair Médical"), "clair-m-dical");  // non-ASCII bytes are gaps
  EXPECT_EQ(ManufacturerId(std::string(70, 'a') + " b").size(), 64u);
  // Every id is a scope ParseGrant accepts.
  EXPECT_TRUE(ParseGrant("manufacturer@" + ManufacturerId("Globex Implant Systems Ltd")));
}

TEST(ManufacturerId, AGrantNamingTheIdCoversTheCataloguesNameAndNoOther) {
  Principal maker{4, "maker", false, "", {Grant{Role::kManufacturer, "globex-implants-ltd"}}};
  Resource own{{}, "", "Globex Implants Ltd", ""};
  Resource other{{}, "", "Globex Implants plc", ""};
  EXPECT_TRUE(Decide(maker, Action::kRecallStatusRead, own).allowed);
  EXPECT_FALSE(Decide(maker, Action::kRecallStatusRead, other).allowed);
  EXPECT_TRUE(Decide(maker, Action::kAnalyticsAggregateRead, own).allowed);
}

}  // namespace
}  // namespace orp::security
