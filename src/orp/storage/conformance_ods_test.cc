// Store conformance: ODS reference data (ingest, #4).
#include <gmock/gmock.h>

#include "orp/storage/conformance_test.h"

namespace orp::storage::conformance {
namespace {

OdsRecord Org(const std::string& code, std::optional<Date> closed = std::nullopt) {
  return {OdsKind::kOrganisation, code, "Trust " + code, "", "", Day(1990, 4, 1), closed};
}
OdsRecord SiteOf(const std::string& code, const std::string& parent,
                 std::optional<Date> closed = std::nullopt) {
  return {OdsKind::kSite, code, "Hospital " + code, parent, "LS1 3EX", Day(2001, 1, 1), closed};
}
OdsLoad OdsLoadOf(int64_t records) {
  return {domain::Instant(std::chrono::seconds(5000)), std::string(64, 'b'), "operator", records};
}

Result<void> Put(Store& store, std::vector<OdsRecord> records) {
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  ORP_RETURN_IF_ERROR(
      (*tx)->PutOdsRecords(records, OdsLoadOf(static_cast<int64_t>(records.size()))));
  return (*tx)->Commit();
}

TEST_P(StoreConformance, OdsSitesRoundTripWithTheirDatesAndALoadIsRecorded) {
  EXPECT_FALSE(store_->LastOdsLoad()->has_value());
  ASSERT_TRUE(
      Put(*store_, {Org("RXF"), SiteOf("RXF05", "RXF"), SiteOf("RXF09", "RXF", Day(2019, 3, 31))})
          .has_value());
  auto site = store_->FindOdsSite("RXF09");
  ASSERT_TRUE(site.has_value() && site->has_value());
  EXPECT_EQ(**site, SiteOf("RXF09", "RXF", Day(2019, 3, 31)));
  EXPECT_FALSE(store_->FindOdsSite("RXF77")->has_value());
  EXPECT_EQ(*store_->LastOdsLoad(), std::optional<OdsLoad>(OdsLoadOf(3)));
  // The organisation is the one FindOrganisationOfSite (the --as check) sees.
  auto owner = store_->FindOrganisationOfSite(*domain::OdsSiteCode::Parse("RXF05"));
  ASSERT_TRUE(owner.has_value() && owner->has_value());
  EXPECT_EQ((*owner)->code.code(), "RXF");
}

TEST_P(StoreConformance, OdsReloadUpdatesASiteInPlace) {
  ASSERT_TRUE(Put(*store_, {Org("RXF"), SiteOf("RXF05", "RXF")}).has_value());
  ASSERT_TRUE(Put(*store_, {SiteOf("RXF05", "RXF", Day(2024, 6, 30))}).has_value());
  EXPECT_EQ((*store_->FindOdsSite("RXF05"))->closed, Day(2024, 6, 30));
}

TEST_P(StoreConformance, OdsSiteOfAnUnknownOrganisationIsRefusedNamingIt) {
  auto put = Put(*store_, {SiteOf("RZZ01", "RZZ")});
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(put.error().message(), ::testing::HasSubstr("RZZ"));
  EXPECT_FALSE(store_->FindOdsSite("RZZ01")->has_value());
}

}  // namespace
}  // namespace orp::storage::conformance
