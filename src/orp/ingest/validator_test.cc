#include "orp/ingest/validator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace orp::ingest {
namespace {

using ::testing::IsEmpty;

constexpr Date kToday = Date{std::chrono::year{2026} / 11 / 26};

domain::RegistrySet ShippedRegistries() {
  const char* source = std::getenv("ORP_SOURCE_DIR");
  std::filesystem::path dir = std::filesystem::path(source ? source : ".") / "registries";
  Result<domain::RegistrySet> set = domain::LoadRegistries(dir);
  EXPECT_TRUE(set.has_value()) << (set ? "" : set.error().message());
  return set ? *set : domain::RegistrySet();
}

catalogue::Catalogue TestCatalogue() {
  catalogue::Catalogue cat;
  catalogue::DeviceModel model;
  model.di = "09520012000375";
  model.manufacturer = "Acme";
  model.model = "Round 325";
  model.catalogue_number = "R325";
  model.device_type = "breast implant";
  model.registries = {"BCIR"};
  model.effective_from = Date{std::chrono::year{2010} / 1 / 1};
  cat.Add(model);
  model.di = "09520012000542";
  model.model = "Round 350";
  model.market_status = catalogue::MarketStatus::kRecalled;
  model.effective_from = Date{std::chrono::year{2020} / 1 / 1};
  model.status_date = model.effective_from;
  cat.Add(model);
  return cat;
}

// The worked example's left revision... as a clean bilateral primary with two implants.
RawProcedure CleanPrimary() {
  RawProcedure p;
  p.row = 2;
  p.fields = {{"registry", "BCIR"},          {"procedure_ref", "NT451-00000017"},
              {"provider_site", "NT451"},    {"clinician_gmc", "4123456"},
              {"nhs_number", "9990001235"},  {"date_of_birth", "1986-05-02"},
              {"sex", "2"},                  {"postcode", "LS6 2AB"},
              {"procedure_date", "2016-03-14"}, {"procedure_type", "primary"},
              {"opcs_codes", "B30.1;Z94.1"}, {"laterality", "B"},
              {"indication", "cosmetic"},    {"asa_grade", "1"},
              {"bmi", "22.8"},               {"patient_consent", "true"},
              {"procedure_reason", "cosmetic_augmentation"},
              {"incision_site", "inframammary"}};
  for (int i = 0; i < 2; ++i) {
    RawDevice d;
    d.row = 2 + i;
    d.fields = {{"device_action", "implanted"}, {"gtin", "09520012000375"}, {"lot", "2316A"},
                {"serial", i == 0 ? "BCL0000451" : "BCL0000452"}, {"expiry", "2018-10-31"},
                {"implant_position", "dual_plane"}, {"implant_volume_ml", "325"}};
    p.devices.push_back(d);
  }
  p.devices[0].fields["device_scan"] = "]d2010952001200037517181031102316A\x1d" "21BCL0000451";
  return p;
}

class ValidatorTest : public ::testing::Test {
 protected:
  ValidatorTest() : catalogue_(TestCatalogue()) {}
  Validator Make(ValidatorOptions options = {}) {
    options.today = kToday;
    options.catalogue = &catalogue_;
    Result<Validator> v = Validator::Create(ShippedRegistries(), options);
    EXPECT_TRUE(v.has_value());
    return std::move(*v);
  }
  // The one finding of `raw`, which must have exactly one.
  domain::Finding OnlyFinding(const RawProcedure& raw, ValidatorOptions options = {}) {
    ValidatedProcedure out = Make(options).Validate(raw);
    EXPECT_EQ(out.findings.size(), 1u);
    for (const auto& f : out.findings) ADD_FAILURE() << f.rule << ": " << f.message;
    return out.findings.empty() ? domain::Finding{} : out.findings.front();
  }
  catalogue::Catalogue catalogue_;
};

TEST_F(ValidatorTest, CleanProcedureHasNoFindingsAndIsBuilt) {
  ValidatedProcedure out = Make().Validate(CleanPrimary());
  EXPECT_THAT(out.findings, IsEmpty());
  ASSERT_TRUE(out.accepted());
  EXPECT_EQ(out.procedure.registry, "BCIR");
  EXPECT_EQ(out.procedure.body_site, "breast");
  ASSERT_EQ(out.procedure.implants.size(), 2u);
  EXPECT_EQ(out.procedure.implants[0].gtin->digits(), "09520012000375");
  EXPECT_EQ(out.procedure.fields.at("procedure_reason"), "cosmetic_augmentation");
  EXPECT_EQ(out.nhs_number->digits(), "9990001235");
}

}  // namespace
}  // namespace orp::ingest
