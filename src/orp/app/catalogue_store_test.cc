// Catalogue import into a real (in-memory SQLite) store. Lives in app/ because only the
// composition root may use both catalogue/ and storage/sqlite/ (docs/architecture.md).
#include "orp/catalogue/catalogue_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "orp/domain/device_id.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp::catalogue {
namespace {

constexpr std::string_view kHeader =
    "gtin,manufacturer,brand,model,catalogue_number,device_type,device_class,registries,"
    "market_status,status_date,fsn_reference,effective_from\n";

std::filesystem::path WriteFile(const std::string& name, std::string_view rows) {
  auto path =
      std::filesystem::temp_directory_path() /
      (name + "_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".csv");
  std::ofstream(path) << kHeader << rows;
  return path;
}

std::unique_ptr<storage::Store> MemoryStore() {
  auto store = storage::sqlite::OpenStore(":memory:");
  EXPECT_TRUE(store.has_value());
  return std::move(*store);
}

Date Day(std::string_view iso) { return *ParseIsoDate(iso); }

constexpr std::string_view kContour =
    "09506000134352,Example Medical Ltd,Contour,CX-350,REF-1234,breast implant,III,MDOR;BCIR,"
    "on-market,,,2019-03-01\n";

TEST(CatalogueStore, ImportCountsNewModelsAndWritesThem) {
  auto store = MemoryStore();
  auto file = WriteFile("first", kContour);
  auto report = ImportCatalogueIntoStore(file, Day("2026-01-01"), *store);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->new_models, 1u);
  auto history = StoredHistory(*store, "09506000134352");
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].brand, "Contour");
  EXPECT_EQ((*history)[0].device_class, DeviceClass::kIII);
  EXPECT_EQ((*history)[0].effective_from, Day("2019-03-01"));
}

TEST(CatalogueStore, RepeatImportWritesNothing) {
  auto store = MemoryStore();
  auto file = WriteFile("repeat", kContour);
  ASSERT_TRUE(ImportCatalogueIntoStore(file, Day("2026-01-01"), *store).has_value());
  auto before = store->CountRows();
  auto again = ImportCatalogueIntoStore(file, Day("2026-02-01"), *store);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->unchanged, 1u);
  EXPECT_EQ(again->new_models + again->new_versions, 0u);
  EXPECT_EQ(*store->CountRows(), *before);
}

TEST(CatalogueStore, ChangedAttributeOpensANewVersionAndKeepsTheOld) {
  auto store = MemoryStore();
  ASSERT_TRUE(ImportCatalogueIntoStore(WriteFile("v1", kContour), Day("2026-01-01"), *store));
  auto changed = WriteFile(
      "v2",
      "09506000134352,Example Medical Ltd,Contour Plus,CX-350,REF-1234,breast implant,III,"
      "MDOR;BCIR,on-market,,,2026-03-01\n");
  auto report = ImportCatalogueIntoStore(changed, Day("2026-03-02"), *store);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->new_versions, 1u);
  auto history = StoredHistory(*store, "09506000134352");
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].brand, "Contour");
  EXPECT_EQ((*history)[1].brand, "Contour Plus");
  Catalogue loaded;
  ASSERT_EQ(LoadFromStore(*store, loaded).value_or(0), 2u);
  EXPECT_EQ(loaded.FindAsOf("09506000134352", Day("2025-01-01"))->brand, "Contour");
  EXPECT_EQ(loaded.FindLatest("09506000134352")->brand, "Contour Plus");
}

TEST(CatalogueStore, HibccRowIsStoredWithItsAgencyAndLoadsBack) {
  auto store = MemoryStore();
  auto file = WriteFile(
      "hibcc", std::string(kContour) +
                   "+A99912345,Example Ltd,B,M,R,hip stem,III,NRHI,on-market,,,2020-01-01\n");
  auto report = ImportCatalogueIntoStore(file, Day("2026-01-01"), *store);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->new_models, 2u);
  EXPECT_EQ(report->rejected, 0u);
  auto stored = store->FindDeviceModel(*domain::DeviceId::Parse("A99912345"), std::nullopt);
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_EQ((*stored)->device.agency(), domain::IssuingAgency::kHibcc);
  auto history = StoredHistory(*store, "+A99912345");
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].di, "A99912345");
  Catalogue loaded;
  ASSERT_EQ(LoadFromStore(*store, loaded).value_or(0), 2u);
  EXPECT_EQ(loaded.FindLatest("A99912345")->manufacturer, "Example Ltd");
}

// The gap issue #3 named: a status-only change used to write nothing, so a catalogue loaded from
// the store never said recalled.
TEST(CatalogueStore, RecallOnlyChangeIsStoredAndTheLoadedCatalogueSaysRecalled) {
  auto store = MemoryStore();
  ASSERT_TRUE(ImportCatalogueIntoStore(WriteFile("on", kContour), Day("2026-01-01"), *store));
  auto recall = WriteFile(
      "recall",
      "09506000134352,Example Medical Ltd,Contour,CX-350,REF-1234,breast implant,III,MDOR;BCIR,"
      "recalled,2026-02-10,MHRA-FSN-2026-0210,\n");
  auto report = ImportCatalogueIntoStore(recall, Day("2026-02-12"), *store);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->new_versions, 1u);
  auto history = StoredHistory(*store, "09506000134352");
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].recorded_on, Day("2026-01-01"));
  EXPECT_EQ((*history)[1].market_status, MarketStatus::kRecalled);
  EXPECT_EQ((*history)[1].status_date, Day("2026-02-10"));
  EXPECT_EQ((*history)[1].fsn_reference, "MHRA-FSN-2026-0210");
  EXPECT_EQ((*history)[1].effective_from, Day("2026-02-10"));
  EXPECT_EQ((*history)[1].recorded_on, Day("2026-02-12"));
  Catalogue loaded;
  ASSERT_TRUE(LoadFromStore(*store, loaded).has_value());
  EXPECT_EQ(loaded.FindAsOf("09506000134352", Day("2026-01-15"))->market_status,
            MarketStatus::kOnMarket);
  EXPECT_EQ(loaded.FindAsOf("09506000134352", Day("2026-03-01"))->market_status,
            MarketStatus::kRecalled);
  // What we knew when: before the recall was recorded the catalogue said on-market.
  EXPECT_EQ(loaded.FindAsOf("09506000134352", Day("2026-03-01"), Day("2026-02-11"))->market_status,
            MarketStatus::kOnMarket);
  auto again = ImportCatalogueIntoStore(recall, Day("2026-03-01"), *store);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->unchanged, 1u);
}

}  // namespace
}  // namespace orp::catalogue
