#include "orp/ingest/validator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>

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
  model.di = "09520012000498";
  model.manufacturer = "Beta Medical";
  model.model = "Anatomical 410";
  model.market_status = catalogue::MarketStatus::kOnMarket;
  model.status_date.reset();
  model.effective_from = Date{std::chrono::year{2010} / 1 / 1};
  cat.Add(model);
  return cat;
}

// The worked example's bilateral primary: clean, two implants, one scanned.
RawProcedure CleanPrimary() {
  RawProcedure p;
  p.row = 2;
  p.fields = {{"registry", "BCIR"},
              {"procedure_ref", "NT451-00000017"},
              {"provider_site", "NT451"},
              {"clinician_gmc", "4123456"},
              {"nhs_number", "9990001235"},
              {"date_of_birth", "1986-05-02"},
              {"sex", "2"},
              {"postcode", "LS6 2AB"},
              {"procedure_date", "2016-03-14"},
              {"procedure_type", "primary"},
              {"opcs_codes", "B30.1;Z94.1"},
              {"laterality", "B"},
              {"indication", "cosmetic_augmentation"},
              {"asa_grade", "1"},
              {"bmi", "22.8"},
              {"patient_consent", "true"},
              {"implant_plane", "dual_plane"},
              {"incision_site", "inframammary"}};
  for (int i = 0; i < 2; ++i) {
    RawDevice d;
    d.row = 2 + i;
    d.fields = {{"device_action", "implanted"},
                {"gtin", "09520012000375"},
                {"lot", "2316A"},
                {"serial", i == 0 ? "BCL0000451" : "BCL0000452"},
                {"expiry", "2018-10-31"}};
    p.devices.push_back(d);
  }
  p.devices[0].fields["device_scan"] =
      "]d2010952001200037517181031102316A\x1d"
      "21BCL0000451";
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
    if (out.findings.size() != 1) {
      for (const auto& f : out.findings) ADD_FAILURE() << f.rule << ": " << f.message;
    }
    return out.findings.empty() ? domain::Finding{} : out.findings.front();
  }
  // The finding of `raw` with this rule (others may accompany it); fails when there is none.
  domain::Finding FindingOf(const RawProcedure& raw, std::string_view rule) {
    ValidatedProcedure out = Make().Validate(raw);
    EXPECT_FALSE(out.accepted());
    for (const auto& f : out.findings) {
      if (f.rule == rule) return f;
    }
    ADD_FAILURE() << "no finding " << rule;
    return {};
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
  EXPECT_EQ(out.procedure.fields.at("implant_plane"), "dual_plane");
  EXPECT_EQ(out.procedure.indication, "cosmetic_augmentation");
  EXPECT_EQ(out.nhs_number->digits(), "9990001235");
}

struct RuleCase {
  std::string name;
  std::function<void(RawProcedure&)> mutate;
  std::string field;
  std::string rule;
  std::string message;
  int64_t row = 2;
};

void PrintTo(const RuleCase& c, std::ostream* os) { *os << c.name; }

class ValidatorRuleTest : public ValidatorTest, public ::testing::WithParamInterface<RuleCase> {};

TEST_P(ValidatorRuleTest, FindsTheDefectWithItsRuleAndMessage) {
  RawProcedure raw = CleanPrimary();
  GetParam().mutate(raw);
  domain::Finding f = FindingOf(raw, GetParam().rule);
  EXPECT_EQ(f.procedure_ref, raw.procedure_ref());
  EXPECT_EQ(f.field, GetParam().field);
  EXPECT_EQ(f.rule, GetParam().rule);
  EXPECT_EQ(f.message, GetParam().message);
  EXPECT_EQ(f.row, GetParam().row);
}

void Set(RawProcedure& p, const std::string& field, const std::string& value) {
  if (value.empty()) {
    p.fields.erase(field);
  } else {
    p.fields[field] = value;
  }
}

INSTANTIATE_TEST_SUITE_P(
    EveryRule, ValidatorRuleTest,
    ::testing::Values(
        RuleCase{"RegistryRequired", [](RawProcedure& p) { Set(p, "registry", ""); }, "registry",
                 "registry.required", "registry is required and was not given"},
        RuleCase{"ProcedureRefFormat",
                 [](RawProcedure& p) { Set(p, "procedure_ref", "NT451 00000017"); },
                 "procedure_ref", "procedure_ref.format",
                 "procedure_ref 'NT451 00000017' must be 1-40 characters of A-Z a-z 0-9 - _ . /"},
        RuleCase{"ProviderSiteMissing", [](RawProcedure& p) { Set(p, "provider_site", ""); },
                 "provider_site", "provider_site.required",
                 "provider_site is required and was not given"},
        RuleCase{"ProcedureDateMissing", [](RawProcedure& p) { Set(p, "procedure_date", ""); },
                 "procedure_date", "procedure_date.required",
                 "procedure_date is required and was not given"},
        RuleCase{"ProcedureTypeMissing", [](RawProcedure& p) { Set(p, "procedure_type", ""); },
                 "procedure_type", "procedure_type.required",
                 "procedure_type is required and was not given"},
        RuleCase{"OpcsUnknownCode", [](RawProcedure& p) { Set(p, "opcs_codes", "B30.2;Z94.1"); },
                 "opcs_codes", "opcs_codes.unknown_code",
                 "opcs_codes: main code B30.2 is not one BCIR lists for a primary procedure "
                 "(expected one of B30.1)"},
        RuleCase{"LateralityRequired", [](RawProcedure& p) { Set(p, "laterality", ""); },
                 "laterality", "laterality.required", "laterality is required by BCIR: L, R or B"},
        RuleCase{"AsaGradeRange", [](RawProcedure& p) { Set(p, "asa_grade", "6"); }, "asa_grade",
                 "asa_grade.range", "asa_grade '6' must be 1 to 5"},
        RuleCase{"BmiRange", [](RawProcedure& p) { Set(p, "bmi", "8.0"); }, "bmi", "bmi.range",
                 "bmi '8.0' must be a number from 10.0 to 80.0"},
        RuleCase{"RegistryFieldRequired", [](RawProcedure& p) { Set(p, "patient_consent", ""); },
                 "patient_consent", "patient_consent.required",
                 "patient_consent is required and was not given"},
        RuleCase{"IndicationValueSet", [](RawProcedure& p) { Set(p, "indication", "cosmetic"); },
                 "indication", "indication.value_set",
                 "indication 'cosmetic' is not one of BCIR's indications"},
        RuleCase{"IndicationForTheProcedureType",
                 [](RawProcedure& p) { Set(p, "indication", "rupture"); }, "indication",
                 "indication.procedure_type",
                 "indication 'rupture' is not an indication for a primary procedure"},
        RuleCase{"RegistryFieldRequiredWhen", [](RawProcedure& p) { Set(p, "incision_site", ""); },
                 "incision_site", "incision_site.required",
                 "incision_site is required when procedure_type == \"primary\" and was not "
                 "given"},
        RuleCase{"RegistryFieldValueSet", [](RawProcedure& p) { Set(p, "incision_site", "navel"); },
                 "incision_site", "incision_site.value_set",
                 "incision_site 'navel' is not one of its codes"},
        RuleCase{"RegistryFieldType", [](RawProcedure& p) { Set(p, "patient_consent", "yes"); },
                 "patient_consent", "patient_consent.type",
                 "patient_consent 'yes' is not true or false"},
        RuleCase{"RegistryFieldRange", [](RawProcedure& p) { Set(p, "baker_grade", "7"); },
                 "baker_grade", "baker_grade.range", "baker_grade 7 is outside 1 to 4"},
        RuleCase{"CrossFieldRule", [](RawProcedure& p) { p.devices.pop_back(); }, "laterality",
                 "bilateral_augmentation_has_two_implants",
                 "A bilateral primary augmentation records two breast implants, one per side"},
        RuleCase{"LotDisagreesWithScan",
                 [](RawProcedure& p) { p.devices[0].fields["lot"] = "2316B"; }, "lot",
                 "lot.disagrees_with_device_scan",
                 "lot '2316B' disagrees with device_scan, which says '2316A'"},
        RuleCase{"DeviceActionRequired",
                 [](RawProcedure& p) { p.devices[1].fields.erase("device_action"); },
                 "device_action", "device_action.required",
                 "device_action is required on a device row: implanted or explanted", 3},
        RuleCase{"DeviceIdentifierMissing",
                 [](RawProcedure& p) { p.devices[1].fields.erase("gtin"); }, "gtin",
                 "device.identifier_missing", "a device row needs device_scan or gtin (or both)",
                 3},
        RuleCase{"LotFormat",
                 [](RawProcedure& p) { p.devices[1].fields["lot"] = "LOT WITH SPACE"; }, "lot",
                 "lot.format",
                 "lot 'LOT WITH SPACE' must be up to 20 characters of GS1 character set 82", 3}),
    [](const ::testing::TestParamInfo<RuleCase>& param) { return param.param.name; });

TEST_F(ValidatorTest, ParserMessagesNameTheFieldAndNeverTheNhsNumber) {
  RawProcedure raw = CleanPrimary();
  raw.fields["nhs_number"] = "9990001236";
  domain::Finding f = OnlyFinding(raw);
  EXPECT_EQ(f.rule, "nhs_number.invalid");
  EXPECT_EQ(f.field, "nhs_number");
  EXPECT_TRUE(f.message.starts_with("nhs_number: ")) << f.message;
  EXPECT_EQ(f.message.find("9990001236"), std::string::npos) << f.message;
}

TEST_F(ValidatorTest, DatesInTheFutureOrBirthAfterProcedureAreErrors) {
  RawProcedure raw = CleanPrimary();
  raw.fields["procedure_date"] = "2096-03-14";
  EXPECT_EQ(FindingOf(raw, "procedure_date.in_future").message,
            "procedure_date: procedure date 2096-03-14 is after today (2026-11-26); a procedure "
            "date cannot be in the future");
  EXPECT_EQ(FindingOf(raw, "catalogue.expired").field, "expiry");
  raw = CleanPrimary();
  raw.fields["date_of_birth"] = "2017-01-01";
  domain::Finding f = OnlyFinding(raw);
  EXPECT_EQ(f.rule, "date_of_birth.after_procedure_date");
  EXPECT_EQ(f.field, "date_of_birth");
}

TEST_F(ValidatorTest, GtinCheckDigitIsAnError) {
  RawProcedure raw = CleanPrimary();
  raw.devices[1].fields["gtin"] = "09520012000376";
  domain::Finding f = FindingOf(raw, "gtin.invalid");
  EXPECT_EQ(f.message, "gtin: GTIN 09520012000376 check digit should be 5, not 6");
  EXPECT_EQ(f.field, "gtin");
  EXPECT_EQ(f.row, 3);
}

TEST_F(ValidatorTest, CatalogueFindsUnknownAndRecalledDevicesButNotOnExplants) {
  RawProcedure raw = CleanPrimary();
  raw.devices[1].fields["gtin"] = "09520012000559";
  EXPECT_EQ(FindingOf(raw, "catalogue.unknown_di").severity, domain::Severity::kWarning);
  raw = CleanPrimary();
  raw.fields["registry"] = "XYZ";
  EXPECT_EQ(FindingOf(raw, "registry.unknown").message,
            "registry 'XYZ' is not a registry ORP hosts");
  raw = CleanPrimary();
  raw.fields["procedure_date"] = "2021-03-14";
  for (auto& d : raw.devices) {
    d.fields["gtin"] = "09520012000542";
    d.fields["expiry"] = "2025-01-31";
    d.fields.erase("device_scan");
  }
  ValidatedProcedure out = Make().Validate(raw);
  ASSERT_EQ(out.findings.size(), 2u);
  EXPECT_EQ(out.findings[0].rule, "catalogue.recalled");
  EXPECT_FALSE(out.accepted());
  for (auto& d : raw.devices) d.fields["device_action"] = "explanted";
  raw.fields["procedure_type"] = "explant";
  raw.fields["opcs_codes"] = "B30.3;Z94.1";
  raw.fields["indication"] = "rupture";
  raw.fields.erase("incision_site");
  raw.fields.erase("implant_plane");
  EXPECT_THAT(Make().Validate(raw).findings, IsEmpty());
}

TEST_F(ValidatorTest, BilateralPairOfDifferentModelsBreaksTheCompatibilityRule) {
  RawProcedure raw = CleanPrimary();
  raw.devices[1].fields["gtin"] = "09520012000498";
  domain::Finding f = OnlyFinding(raw);
  EXPECT_EQ(f.rule, "bilateral_pair_same_model");
  EXPECT_EQ(f.severity, domain::Severity::kError);
  EXPECT_EQ(f.field, "gtin");
  EXPECT_EQ(f.row, 3);
  EXPECT_EQ(f.message,
            "The two breast implants of a bilateral procedure must be the same model: GTIN "
            "09520012000375 is Acme / Round 325 but GTIN 09520012000498 is Beta Medical / "
            "Anatomical 410 (manufacturer, model must match; rule bilateral_pair_same_model)");
  EXPECT_FALSE(Make().Validate(raw).accepted());
}

TEST_F(ValidatorTest, CompatibilityRuleAppliesOnlyWhenItsConditionHolds) {
  RawProcedure raw = CleanPrimary();
  raw.devices[1].fields["gtin"] = "09520012000498";
  raw.fields["laterality"] = "L";
  raw.fields["indication"] = "reconstruction_after_mastectomy";
  // One side with two implants: only the count warning, no pair rule (when laterality == "B").
  domain::Finding f = OnlyFinding(raw);
  EXPECT_EQ(f.rule, "unilateral_has_at_most_one_implant");
}

TEST_F(ValidatorTest, CompatibilityRuleSkipsADeviceUnknownToTheCatalogue) {
  RawProcedure raw = CleanPrimary();
  raw.devices[1].fields["gtin"] = "09520012000559";
  std::vector<std::string> rules;
  for (const domain::Finding& f : Make().Validate(raw).findings) rules.push_back(f.rule);
  EXPECT_THAT(rules, ::testing::Contains("catalogue.unknown_di"));
  EXPECT_THAT(rules, ::testing::Not(::testing::Contains("bilateral_pair_same_model")));
}

TEST_F(ValidatorTest, WarningsDoNotBlock) {
  RawProcedure raw = CleanPrimary();
  raw.fields["laterality"] = "L";
  raw.fields["indication"] = "reconstruction_after_mastectomy";
  ValidatedProcedure out = Make().Validate(raw);
  ASSERT_EQ(out.findings.size(), 1u);
  EXPECT_EQ(out.findings[0].rule, "unilateral_has_at_most_one_implant");
  EXPECT_EQ(out.findings[0].severity, domain::Severity::kWarning);
  EXPECT_TRUE(out.accepted());
}

TEST_F(ValidatorTest, AsOdsAcceptsOnlyTheProvidersOwnSites) {
  ValidatorOptions options;
  options.as_ods = *domain::OdsCode::Parse("RXF");
  domain::Finding f = OnlyFinding(CleanPrimary(), options);
  EXPECT_EQ(f.rule, "provider_site.not_own_site");
  EXPECT_EQ(f.message, "provider_site NT451 is not a site of RXF, the submitting provider");
}

// The ODS reference data decides when it knows the site; the code prefix only when it does not.
TEST_F(ValidatorTest, AsOdsFollowsTheReferenceDataOfSiteOwners) {
  ValidatorOptions options;
  options.as_ods = *domain::OdsCode::Parse("NT4");
  SiteOwnerLookup owners =
      [](const domain::OdsSiteCode& site) -> Result<std::optional<domain::OdsCode>> {
    if (site.code() == "NT451") return std::optional(*domain::OdsCode::Parse("RXF"));
    return std::nullopt;
  };
  ValidatedProcedure out = Make(options).Validate(CleanPrimary(), owners);
  ASSERT_EQ(out.findings.size(), 1u);
  const domain::Finding& f = out.findings[0];
  EXPECT_EQ(f.rule, "provider_site.not_own_site");
  EXPECT_EQ(f.field, "provider_site");
  EXPECT_EQ(f.row, CleanPrimary().row);
  EXPECT_EQ(f.message, "provider_site NT451 is a site of RXF, not of NT4, the submitting provider");
  // Owned by the submitter in the reference data although its code has another prefix.
  options.as_ods = *domain::OdsCode::Parse("RXF");
  EXPECT_TRUE(Make(options).Validate(CleanPrimary(), owners).accepted());
  // Not in the reference data: the prefix rule.
  RawProcedure elsewhere = CleanPrimary();
  elsewhere.fields["provider_site"] = "RXF05";
  EXPECT_TRUE(Make(options).Validate(elsewhere, owners).accepted());
  elsewhere.fields["provider_site"] = "RRK05";
  EXPECT_FALSE(Make(options).Validate(elsewhere, owners).accepted());
}

TEST_F(ValidatorTest, AsOdsRejectsWhatItCannotCheck) {
  ValidatorOptions options;
  options.as_ods = *domain::OdsCode::Parse("NT4");
  SiteOwnerLookup broken =
      [](const domain::OdsSiteCode&) -> Result<std::optional<domain::OdsCode>> {
    return Unavailable("database is locked");
  };
  ValidatedProcedure out = Make(options).Validate(CleanPrimary(), broken);
  ASSERT_EQ(out.findings.size(), 1u);
  EXPECT_EQ(out.findings[0].rule, "provider_site.reference_data_unavailable");
  EXPECT_EQ(out.findings[0].severity, domain::Severity::kError);
}

TEST_F(ValidatorTest, UnknownColumnsAreWarnings) {
  std::vector<std::string> columns = {"registry", "procedure_ref", "implant_plane", "colour"};
  std::vector<domain::Finding> found = Make().CheckColumns(columns);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].field, "colour");
  EXPECT_EQ(found[0].severity, domain::Severity::kWarning);
}

}  // namespace
}  // namespace orp::ingest

namespace orp::ingest {
namespace {

// Issue #3: a device identified only by a HIBCC label is matched in the catalogue by its HIBCC
// DI (the same model under its HIBCC label) and keeps that DI on the implant.
TEST_F(ValidatorTest, HibccScanWithoutAGtinIsMatchedAndKeepsTheHibccDeviceIdentifier) {
  catalogue::DeviceModel hibcc = *catalogue_.FindLatest("09520012000375");
  hibcc.di = "A99912345";
  catalogue_.Add(hibcc);
  RawProcedure raw = CleanPrimary();
  RawDevice& d = raw.devices[1];
  for (const char* field : {"gtin", "lot", "serial", "expiry"}) d.fields.erase(field);
  d.fields["device_scan"] = "+A999123457";  // uk-standards.md §3.6 H1
  ValidatedProcedure out = Make().Validate(raw);
  for (const auto& f : out.findings) ADD_FAILURE() << f.rule << ": " << f.message;
  ASSERT_TRUE(out.accepted());
  const domain::Implant& implant = out.procedure.implants[1];
  EXPECT_FALSE(implant.gtin.has_value());
  ASSERT_TRUE(implant.other_di.has_value());
  EXPECT_EQ(implant.other_di->agency(), domain::IssuingAgency::kHibcc);
  EXPECT_EQ(implant.other_di->text(), "A99912345");
}

}  // namespace
}  // namespace orp::ingest
