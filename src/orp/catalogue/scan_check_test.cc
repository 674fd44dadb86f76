#include "orp/catalogue/scan_check.h"

#include <gtest/gtest.h>

#include "orp/udi/parse.h"

namespace orp::catalogue {
namespace {

Date Ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

std::string Rules(const std::vector<udi::Finding>& findings) {
  std::string out;
  for (const auto& f : findings) out += (out.empty() ? "" : " ") + std::string(f.code);
  return out;
}

class ScanCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    DeviceModel implant;
    implant.di = "09506000134352";
    implant.manufacturer = "Example Medical Ltd";
    implant.brand = "Contour";
    implant.registries = {"MDOR", "BCIR"};
    implant.effective_from = Ymd(2019, 3, 1);
    catalogue_.Add(implant);
    implant.market_status = MarketStatus::kRecalled;
    implant.fsn_reference = "MHRA-FSN-1";
    implant.status_date = implant.effective_from = Ymd(2025, 6, 12);
    catalogue_.Add(implant);
  }
  udi::ParsedUdi Scan(std::string_view label) {
    return udi::ParseUdi(label, udi::ParseOptions{.today = Ymd(2025, 1, 1)});
  }
  Catalogue catalogue_;
};

TEST_F(ScanCheck, AKnownInDateDeviceInItsRegistryHasNoFindings) {
  auto findings = CheckScan(catalogue_, Scan("(01)09506000134352(17)261231(10)A"),
                            {.procedure_date = Ymd(2025, 1, 10), .registry = "BCIR"});
  EXPECT_EQ(Rules(findings), "");
}

TEST_F(ScanCheck, UnknownDiIsNamed) {
  auto findings =
      CheckScan(catalogue_, Scan("(01)09506000134369(10)A"), {.procedure_date = Ymd(2025, 1, 10)});
  EXPECT_EQ(Rules(findings), "catalogue.unknown_di");
}

TEST_F(ScanCheck, ExpiredOnTheProcedureDateIsAnError) {
  auto findings = CheckScan(catalogue_, Scan("(01)09506000134352(17)250105(10)A"),
                            {.procedure_date = Ymd(2025, 1, 10)});
  ASSERT_EQ(Rules(findings), "catalogue.expired");
  EXPECT_EQ(findings[0].severity, udi::Severity::kError);
}

TEST_F(ScanCheck, RecalledModelQuotesTheFieldSafetyNotice) {
  auto findings = CheckScan(catalogue_, Scan("(01)09506000134352(17)291231(10)A"),
                            {.procedure_date = Ymd(2025, 7, 1)});
  ASSERT_EQ(Rules(findings), "catalogue.recalled");
  EXPECT_NE(findings[0].message.find("MHRA-FSN-1"), std::string::npos) << findings[0].message;
  // Before the recall took effect the same scan was fine.
  EXPECT_EQ(Rules(CheckScan(catalogue_, Scan("(01)09506000134352(17)291231(10)A"),
                            {.procedure_date = Ymd(2025, 6, 11)})),
            "");
}

TEST_F(ScanCheck, WrongRegistryForTheProcedureIsWarned) {
  auto findings = CheckScan(catalogue_, Scan("(01)09506000134352(17)291231(10)A"),
                            {.procedure_date = Ymd(2025, 1, 10), .registry = "NRHI"});
  ASSERT_EQ(Rules(findings), "catalogue.wrong_registry");
  EXPECT_NE(findings[0].message.find("MDOR, BCIR, not NRHI"), std::string::npos);
}

TEST_F(ScanCheck, ModelKnownOnlyFromALaterRecordIsNeitherUnknownNorRecalledBeforeIt) {
  Catalogue later_only;
  DeviceModel m;
  m.di = "09506000134369";
  m.manufacturer = "Example Medical Ltd";
  m.market_status = MarketStatus::kRecalled;
  m.effective_from = Ymd(2025, 6, 12);
  later_only.Add(m);
  EXPECT_EQ(Rules(CheckScan(later_only, Scan("(01)09506000134369(17)291231(10)A"),
                            {.procedure_date = Ymd(2025, 1, 10)})),
            "");
}

}  // namespace
}  // namespace orp::catalogue
