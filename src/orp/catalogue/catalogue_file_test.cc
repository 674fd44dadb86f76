#include "orp/catalogue/catalogue_file.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace orp::catalogue {
namespace {

Date Ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

constexpr std::string_view kNative =
    "gtin,manufacturer,brand,model,catalogue_number,device_type,device_class,registries,"
    "market_status,status_date\n"
    "09506000134352,Example Medical Ltd,Contour,CX-350,REF-1234,breast implant,III,MDOR;BCIR,"
    "on-market,2019-03-01\n"
    "09506000134369,\"Example Medical, Ltd\",Contour,CX-400,REF-1240,breast implant,III,"
    "MDOR;BCIR,recalled,2025-06-12\r\n"
    "09506000134353,Bad Check Ltd,,,,,,,,\n"
    "09506000134376,Odd Registry Ltd,,,,,,MDOR;XYZ,,\n";

TEST(CatalogueFile, ImportsTheNativeFormatAndReportsBadRowsByLine) {
  Catalogue c;
  auto report = ImportCatalogue(kNative, Ymd(2026, 1, 1), c);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->format, CatalogueFormat::kOrp);
  EXPECT_EQ(report->rows, 4u);
  EXPECT_EQ(report->new_models, 2u);
  EXPECT_EQ(report->rejected, 2u);
  ASSERT_EQ(report->problems.size(), 2u);
  EXPECT_EQ(report->problems[0].row, 4u);
  EXPECT_EQ(report->problems[0].column, "gtin");
  EXPECT_NE(report->problems[0].message.find("check digit should be 2"), std::string::npos);
  EXPECT_EQ(report->problems[1].rule, "catalogue.registry");
  const DeviceModel* m = c.FindLatest("09506000134369");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->manufacturer, "Example Medical, Ltd");
  EXPECT_EQ(m->market_status, MarketStatus::kRecalled);
  EXPECT_EQ(m->effective_from, Ymd(2025, 6, 12));  // defaults to status_date
  EXPECT_EQ(m->registries, (std::vector<std::string>{"MDOR", "BCIR"}));
  EXPECT_EQ(m->device_class, DeviceClass::kIII);
}

TEST(CatalogueFile, ReimportKeepsHistoryAndAddsOnlyChanges) {
  Catalogue c;
  ASSERT_TRUE(ImportCatalogue(kNative, Ymd(2026, 1, 1), c).has_value());
  std::string update =
      "effective_from,gtin,manufacturer,market_status,status_date,fsn_reference\n"
      "2026-02-01,09506000134352,Example Medical Ltd,withdrawn,2026-02-01,\n";
  auto again = ImportCatalogue(kNative, Ymd(2026, 1, 2), c);
  EXPECT_EQ(again->unchanged, 2u);
  auto report = ImportCatalogue(update, Ymd(2026, 2, 3), c);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->new_versions, 1u);
  EXPECT_EQ(c.History("09506000134352").size(), 2u);
  EXPECT_EQ(c.FindAsOf("09506000134352", Ymd(2026, 1, 31))->market_status, MarketStatus::kOnMarket);
  EXPECT_EQ(c.FindAsOf("09506000134352", Ymd(2026, 2, 1))->market_status, MarketStatus::kWithdrawn);
}

TEST(CatalogueFile, ImportsAnAccessGudidDeviceExport) {
  std::string gudid =
      "PrimaryDI|publicDeviceRecordKey|publicVersionDate|deviceCommDistributionEndDate|"
      "deviceCommDistributionStatus|brandName|versionModelNumber|catalogNumber|companyName|"
      "deviceDescription\n"
      "00844588003288|abc|2019-05-02||In Commercial Distribution|Acme Hip|H-1|CAT-9|ACME INC|"
      "Hip femoral stem\n"
      "H7244003411|def|05/02/2019|01/31/2024|Not in Commercial Distribution|Old|O-1||OLDCO|x\n";
  Catalogue c;
  auto report = ImportCatalogue(gudid, Ymd(2026, 1, 1), c);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->format, CatalogueFormat::kGudid);
  EXPECT_EQ(report->new_models, 2u)
      << (report->problems.empty() ? "" : report->problems[0].message);
  const DeviceModel* hip = c.FindLatest("00844588003288");
  ASSERT_NE(hip, nullptr);
  EXPECT_EQ(hip->brand, "Acme Hip");
  EXPECT_EQ(hip->effective_from, Ymd(2019, 5, 2));
  const DeviceModel* old = c.FindLatest("H7244003411");
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(old->market_status, MarketStatus::kWithdrawn);
  EXPECT_EQ(old->status_date, Ymd(2024, 1, 31));
}

TEST(CatalogueFile, HeaderWithoutRequiredColumnIsAnError) {
  Catalogue c;
  auto report = ImportCatalogue("brand,model\nA,B\n", Ymd(2026, 1, 1), c);
  ASSERT_FALSE(report.has_value());
  EXPECT_NE(report.error().message().find("'gtin'"), std::string::npos);
  EXPECT_FALSE(ImportCatalogue("", Ymd(2026, 1, 1), c).has_value());
}

TEST(CatalogueFile, TabDelimitedAndCommentsAndUnknownColumnsAreHandled) {
  Catalogue c;
  auto report = ImportCatalogue(
      "# exported 2026-01-01\ngtin\tmanufacturer\tcolour\n09506000134352\tX Ltd\tblue\n",
      Ymd(2026, 1, 1), c);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->new_models, 1u);
  EXPECT_EQ(report->ignored_columns, (std::vector<std::string>{"colour"}));
}

TEST(CatalogueFile, TheDocumentedExampleImports) {
  const char* source = std::getenv("ORP_SOURCE_DIR");
  ASSERT_NE(source, nullptr);
  Catalogue c;
  auto report = ImportCatalogueFile(std::string(source) + "/src/orp/catalogue/testdata/example.csv",
                                    Ymd(2026, 1, 1), c);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->rejected, 0u);
  EXPECT_GE(report->new_models, 3u);
  EXPECT_FALSE(ImportCatalogueFile("/no/such/file.csv", Ymd(2026, 1, 1), c).has_value());
}

TEST(CatalogueFile, MalformedRecordIsReportedAndTheRestImported) {
  Catalogue c;
  auto report = ImportCatalogue(
      "gtin,manufacturer\n09506000134352,A \"quoted\" Ltd\n09506000134369,\"B, Ltd\"\n",
      Date{std::chrono::year{2026} / 1 / 1}, c);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->rejected, 1u);
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_EQ(report->problems[0].rule, "catalogue.csv");
  EXPECT_EQ(report->problems[0].row, 2u);
  EXPECT_EQ(c.FindLatest("09506000134369")->manufacturer, "B, Ltd");
}

}  // namespace
}  // namespace orp::catalogue

namespace orp::catalogue {
namespace {

// Issue #3: a catalogue row may name its DI's issuing agency; a HIBCC DI is a catalogue key.
TEST(CatalogueFile, IssuingAgencyColumnMustMatchTheDi) {
  Catalogue c;
  auto report = ImportCatalogue(
      "gtin,manufacturer,issuing_agency\n"
      "+A99912345,Example Ltd,HIBCC\n"
      "09506000134352,Example Ltd,gs1\n"
      "A123BJC5D6E71,Example Ltd,GS1\n",
      Ymd(2026, 1, 1), c);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->new_models, 2u);
  ASSERT_EQ(report->rejected, 1u);
  EXPECT_EQ(report->problems[0].row, 4u);
  EXPECT_EQ(report->problems[0].rule, "catalogue.agency");
  EXPECT_EQ(report->problems[0].message,
            "issuing_agency GS1 does not match DI A123BJC5D6E71, which is a HIBCC DI");
  EXPECT_EQ(c.FindLatest("A99912345")->manufacturer, "Example Ltd");
  EXPECT_TRUE(report->ignored_columns.empty());
}

}  // namespace
}  // namespace orp::catalogue
