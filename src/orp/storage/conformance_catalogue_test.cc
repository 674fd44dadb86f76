// Conformance: the device catalogue's market status, recorded dates and HIBCC device identifiers
// (issue #3). Every backend must keep them exactly as the SQLite backend does.
#include <gmock/gmock.h>

#include "orp/storage/conformance_test.h"

namespace orp::storage::conformance {
namespace {

using domain::IssuingAgency;
using domain::MarketStatus;

DeviceId HibccDi() { return *DeviceId::Parse("A99912345"); }  // uk-standards.md §3.6 H1

DeviceModel Recalled(DeviceModel model, Date on) {
  model.market_status = MarketStatus::kRecalled;
  model.status_date = on;
  model.fsn_reference = "MHRA-FSN-2025-0612";
  model.valid_from = on;
  model.recorded_on = Day(2025, 7, 1);
  return model;
}

void Put(Store& store, const std::vector<DeviceModel>& models) {
  auto txn = store.Begin();
  ASSERT_TRUE(txn.has_value()) << txn.error().ToString();
  for (const DeviceModel& m : models) {
    auto put = (*txn)->PutDeviceModel(m);
    ASSERT_TRUE(put.has_value()) << put.error().ToString();
  }
  ASSERT_TRUE((*txn)->Commit().has_value());
}

TEST_P(StoreConformance, MarketStatusStatusDateAndFsnRoundTrip) {
  DeviceModel v1 = SampleDeviceModel(SampleGtin(20), Day(2020, 1, 1));
  v1.recorded_on = Day(2020, 1, 2);
  DeviceModel v2 = Recalled(v1, Day(2025, 6, 12));
  Put(*store_, {v1, v2});
  auto history = store_->DeviceModelHistory(v1.device);
  ASSERT_TRUE(history.has_value()) << history.error().ToString();
  ASSERT_EQ(history->size(), 2u);
  v1.valid_to = v2.valid_from;
  EXPECT_EQ((*history)[0], v1);
  EXPECT_EQ((*history)[1], v2);
  EXPECT_EQ(store_->FindDeviceModel(v1.device, Day(2025, 1, 1))->value().market_status,
            MarketStatus::kOnMarket);
  auto recalled = store_->FindDeviceModel(v1.device, Day(2025, 7, 1));
  ASSERT_TRUE(recalled.has_value() && recalled->has_value());
  EXPECT_EQ((*recalled)->market_status, MarketStatus::kRecalled);
  EXPECT_EQ((*recalled)->status_date, Day(2025, 6, 12));
  EXPECT_EQ((*recalled)->fsn_reference, "MHRA-FSN-2025-0612");
}

TEST_P(StoreConformance, AStatusOnlyChangeOpensANewVersion) {
  DeviceModel v1 = SampleDeviceModel(SampleGtin(21), Day(2020, 1, 1));
  DeviceModel withdrawn = v1;
  withdrawn.market_status = MarketStatus::kWithdrawn;
  withdrawn.status_date = Day(2024, 11, 30);
  withdrawn.valid_from = Day(2024, 11, 30);
  Put(*store_, {v1, withdrawn});
  EXPECT_EQ(store_->DeviceModelHistory(v1.device)->size(), 2u);
  EXPECT_EQ(store_->FindDeviceModel(v1.device, std::nullopt)->value().market_status,
            MarketStatus::kWithdrawn);
}

TEST_P(StoreConformance, TheRecordedDateIsNotAnAttributeSoARepeatWritesNothing) {
  DeviceModel v1 = SampleDeviceModel(SampleGtin(22), Day(2020, 1, 1));
  v1.recorded_on = Day(2020, 1, 2);
  DeviceModel again = v1;
  again.recorded_on = Day(2026, 1, 1);
  again.valid_from = Day(2026, 1, 1);
  Put(*store_, {v1, again});
  auto history = store_->DeviceModelHistory(v1.device);
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].recorded_on, Day(2020, 1, 2));
}

TEST_P(StoreConformance, AVersionDatedBeforeTheCurrentOneIsRefused) {
  DeviceModel v1 = SampleDeviceModel(SampleGtin(23), Day(2022, 1, 1));
  Put(*store_, {v1});
  DeviceModel earlier = v1;
  earlier.brand = "Smooth II";
  earlier.valid_from = Day(2021, 1, 1);
  auto txn = store_->Begin();
  auto put = (*txn)->PutDeviceModel(earlier);
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, HibccDeviceModelIsKeptWithItsAgencyBesideGtins) {
  DeviceModel hibcc = SampleDeviceModel(HibccDi(), Day(2020, 1, 1));
  DeviceModel gs1 = SampleDeviceModel(SampleGtin(24), Day(2020, 1, 1));
  gs1.brand = "Other";
  Put(*store_, {hibcc, gs1});
  auto found = store_->FindDeviceModel(HibccDi(), Day(2021, 1, 1));
  ASSERT_TRUE(found.has_value() && found->has_value()) << found.error().ToString();
  EXPECT_EQ((*found)->device.agency(), IssuingAgency::kHibcc);
  EXPECT_EQ((*found)->device.text(), "A99912345");
  EXPECT_EQ(**found, hibcc);
  EXPECT_EQ(store_->FindDeviceModel(gs1.device, std::nullopt)->value().brand, "Other");
  std::vector<DeviceId> seen;
  ASSERT_TRUE(store_
                  ->ForEachDeviceModel([&](const DeviceModel& m) {
                    seen.push_back(m.device);
                    return true;
                  })
                  .has_value());
  EXPECT_THAT(seen, ::testing::UnorderedElementsAre(hibcc.device, gs1.device));
}

TEST_P(StoreConformance, ImplantWithAHibccDiRoundTripsAndIsFoundByIt) {
  PatientId patient = AddPatient(SamplePatient(9));
  Procedure p = SampleProcedure("H1", patient);
  Implant hibcc;
  hibcc.other_di = HibccDi();
  hibcc.lot = "10X3";
  hibcc.serial = "77DE1G45";
  hibcc.raw_scan = "+A99912345/$$52001510X3/16D20111212/S77DE1G45-";
  p.implants.push_back(hibcc);
  Submit("hibcc", {p});
  auto stored = store_->FindProcedure("BCIR", "H1");
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  ASSERT_EQ((*stored)->implants.size(), 2u);
  const Implant& got = (*stored)->implants[1];
  EXPECT_FALSE(got.gtin.has_value());
  EXPECT_EQ(got.other_di, HibccDi());
  EXPECT_EQ(domain::DeviceIdOf(got)->agency(), IssuingAgency::kHibcc);
  auto by_di = store_->FindImplantsByDevice(HibccDi(), "10X3", "");
  ASSERT_TRUE(by_di.has_value()) << by_di.error().ToString();
  ASSERT_EQ(by_di->size(), 1u);
  EXPECT_EQ((*by_di)[0].serial, "77DE1G45");
  EXPECT_EQ(store_->FindImplantsByDevice(SampleGtin(1), "", "")->size(), 1u);
}

}  // namespace
}  // namespace orp::storage::conformance
