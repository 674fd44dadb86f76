#include "orp/catalogue/catalogue.h"

#include <gtest/gtest.h>

namespace orp::catalogue {
namespace {

Date Ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

DeviceModel Model(MarketStatus status, Date effective, Date recorded) {
  DeviceModel m;
  m.di = "09506000134352";
  m.manufacturer = "Example Medical Ltd";
  m.brand = "Contour";
  m.market_status = status;
  m.effective_from = effective;
  m.recorded_on = recorded;
  return m;
}

TEST(Catalogue, NormalisesGtinsAndHibccDis) {
  EXPECT_EQ(NormaliseDi("9506000134352"), "09506000134352");
  EXPECT_EQ(NormaliseDi(" 09506000134352 "), "09506000134352");
  EXPECT_EQ(NormaliseDi("+A99912345"), "A99912345");
  EXPECT_FALSE(NormaliseDi("09506000134353").has_value());  // check digit
  EXPECT_FALSE(NormaliseDi("a-b").has_value());
}

TEST(Catalogue, ReAddingTheSameAttributesChangesNothing) {
  Catalogue c;
  EXPECT_EQ(c.Add(Model(MarketStatus::kOnMarket, Ymd(2020, 1, 1), Ymd(2020, 1, 1))),
            Catalogue::AddOutcome::kNewModel);
  EXPECT_EQ(c.Add(Model(MarketStatus::kOnMarket, Ymd(2020, 1, 1), Ymd(2024, 5, 1))),
            Catalogue::AddOutcome::kUnchanged);
  EXPECT_EQ(c.History("09506000134352").size(), 1u);
}

TEST(Catalogue, AnswersWhatWasInEffectOnADate) {
  Catalogue c;
  c.Add(Model(MarketStatus::kOnMarket, Ymd(2020, 1, 1), Ymd(2020, 1, 1)));
  EXPECT_EQ(c.Add(Model(MarketStatus::kRecalled, Ymd(2025, 6, 12), Ymd(2025, 6, 20))),
            Catalogue::AddOutcome::kNewVersion);
  EXPECT_EQ(c.FindAsOf("09506000134352", Ymd(2019, 12, 31)), nullptr);
  EXPECT_EQ(c.FindAsOf("09506000134352", Ymd(2025, 6, 11))->market_status, MarketStatus::kOnMarket);
  EXPECT_EQ(c.FindAsOf("09506000134352", Ymd(2025, 6, 12))->market_status, MarketStatus::kRecalled);
  EXPECT_EQ(c.FindLatest("09506000134352")->market_status, MarketStatus::kRecalled);
  EXPECT_EQ(c.FindAsOf("00000000000000", Ymd(2025, 6, 12)), nullptr);
}

TEST(Catalogue, WhatWeKnewWhenIgnoresLaterRecordedVersions) {
  Catalogue c;
  c.Add(Model(MarketStatus::kOnMarket, Ymd(2020, 1, 1), Ymd(2020, 1, 1)));
  // The recall took effect on 12 June but ORP learned of it on 20 June.
  c.Add(Model(MarketStatus::kRecalled, Ymd(2025, 6, 12), Ymd(2025, 6, 20)));
  const DeviceModel* told_then = c.FindAsOf("09506000134352", Ymd(2025, 6, 15), Ymd(2025, 6, 15));
  ASSERT_NE(told_then, nullptr);
  EXPECT_EQ(told_then->market_status, MarketStatus::kOnMarket);
  EXPECT_EQ(c.FindAsOf("09506000134352", Ymd(2025, 6, 15))->market_status, MarketStatus::kRecalled);
}

TEST(Catalogue, NamesAndParsesStatusesAndClasses) {
  EXPECT_EQ(ParseMarketStatus("Recalled"), MarketStatus::kRecalled);
  EXPECT_EQ(ParseMarketStatus(""), MarketStatus::kOnMarket);
  EXPECT_EQ(ParseMarketStatus("on_market"), MarketStatus::kOnMarket);  // as orp synth writes it
  EXPECT_EQ(ParseMarketStatus("On market"), MarketStatus::kOnMarket);
  EXPECT_EQ(ParseMarketStatus("recalled-fsn"), MarketStatus::kRecalled);
  EXPECT_FALSE(ParseMarketStatus("gone").has_value());
  EXPECT_EQ(MarketStatusName(MarketStatus::kWithdrawn), "withdrawn");
  EXPECT_EQ(ParseDeviceClass("iib"), DeviceClass::kIIb);
  EXPECT_EQ(DeviceClassName(DeviceClass::kAimd), "AIMD");
  EXPECT_FALSE(ParseDeviceClass("IV").has_value());
}

}  // namespace
}  // namespace orp::catalogue
