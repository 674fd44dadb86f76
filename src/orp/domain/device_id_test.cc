#include "orp/domain/device_id.h"

#include <gtest/gtest.h>

#include "orp/domain/entities.h"

namespace orp::domain {
namespace {

TEST(DeviceId, DigitsAreAGtinNormalisedTo14) {
  auto id = DeviceId::Parse("9506000134352");
  ASSERT_TRUE(id.has_value()) << id.error().message();
  EXPECT_EQ(id->agency(), IssuingAgency::kGs1);
  EXPECT_EQ(id->text(), "09506000134352");
  EXPECT_EQ(id->gtin(), Gtin::Parse("09506000134352").value());
}

TEST(DeviceId, AGtinConvertsToTheGs1Case) {
  DeviceId id = *Gtin::Parse("09506000134352");
  EXPECT_EQ(id, DeviceId::Parse("09506000134352").value());
  EXPECT_EQ(Name(id.agency()), "GS1");
}

TEST(DeviceId, WrongGtinCheckDigitIsRejectedWithTheRule) {
  auto id = DeviceId::Parse("09506000134353");
  ASSERT_FALSE(id.has_value());
  EXPECT_NE(id.error().message().find("check digit should be 2"), std::string::npos);
}

TEST(DeviceId, HibccDiDropsThePlusAndKeepsLicPcnAndUnitOfMeasure) {
  auto id = DeviceId::Parse("+A99912345");  // uk-standards.md §3.6 H1 without its check char
  ASSERT_TRUE(id.has_value()) << id.error().message();
  EXPECT_EQ(id->agency(), IssuingAgency::kHibcc);
  EXPECT_EQ(id->text(), "A99912345");
  EXPECT_FALSE(id->gtin().has_value());
  EXPECT_EQ(Name(id->agency()), "HIBCC");
}

TEST(DeviceId, HibccDiMustStartWithALetterAndEndWithTheUnitDigit) {
  EXPECT_FALSE(DeviceId::Of(IssuingAgency::kHibcc, "1999A12345").has_value());
  auto no_unit = DeviceId::Parse("A999PCNX");
  ASSERT_FALSE(no_unit.has_value());
  EXPECT_NE(no_unit.error().message().find("unit-of-measure"), std::string::npos);
  EXPECT_FALSE(DeviceId::Parse("a99912345").has_value());  // HIBC is upper case
  EXPECT_FALSE(DeviceId::Parse("A9991").has_value());      // no product code
  EXPECT_FALSE(DeviceId::Parse("").has_value());
}

TEST(DeviceId, OfChecksTheTextAgainstTheNamedAgency) {
  EXPECT_FALSE(DeviceId::Of(IssuingAgency::kGs1, "A99912345").has_value());
  EXPECT_TRUE(DeviceId::Of(IssuingAgency::kHibcc, "A99912345").has_value());
  EXPECT_EQ(DeviceId::Of(IssuingAgency::kGs1, "09506000134352")->text(), "09506000134352");
}

TEST(DeviceId, AgencyNamesParseCaseInsensitively) {
  EXPECT_EQ(ParseIssuingAgency("hibcc").value(), IssuingAgency::kHibcc);
  EXPECT_EQ(ParseIssuingAgency(" GS1 ").value(), IssuingAgency::kGs1);
  EXPECT_FALSE(ParseIssuingAgency("ICCBBA").has_value());
}

TEST(DeviceId, AnImplantGivesWhicheverIdentifierItHas) {
  Implant implant;
  EXPECT_FALSE(DeviceIdOf(implant).has_value());
  implant.other_di = DeviceId::Parse("A99912345").value();
  EXPECT_EQ(DeviceIdOf(implant)->text(), "A99912345");
  implant.other_di.reset();
  implant.gtin = Gtin::Parse("09506000134352").value();
  EXPECT_EQ(DeviceIdOf(implant)->agency(), IssuingAgency::kGs1);
}

TEST(MarketStatus, NamesRoundTrip) {
  for (MarketStatus s :
       {MarketStatus::kOnMarket, MarketStatus::kWithdrawn, MarketStatus::kRecalled}) {
    EXPECT_EQ(ParseMarketStatus(Name(s)).value(), s);
  }
  EXPECT_FALSE(ParseMarketStatus("gone").has_value());
}

}  // namespace
}  // namespace orp::domain
