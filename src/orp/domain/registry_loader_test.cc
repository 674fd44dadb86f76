#include "orp/domain/registry_loader.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

namespace orp::domain {
namespace {

// A small valid definition; tests break one thing in it at a time. Line numbers matter.
constexpr std::string_view kValid = R"toml(code = "TEST"
name = "Test registry"
version = "1"
kind = "device"
analysis_unit = "implant"
grouping = ["model", "brand"]

[legal_basis]
basis = "consent"
instrument = "Patient consent"
consent_field = "consent_given"

[devices]
classes = ["III"]
[[devices.types]]
code = "breast_implant"
label = "Breast implant"

[[procedure_types]]
type = "primary"
label = "Insertion"
opcs = ["B30.1"]
snomed = ["302343007"]

[[body_sites]]
code = "breast"
label = "Breast"
laterality = "required"

[[fields]]
name = "consent_given"
label = "Consent"
type = "boolean"
required = true

[[fields]]
name = "implant_reason"
label = "Reason"
type = "code"
[[fields.values]]
code = "cosmetic"
label = "Cosmetic"
[[fields.values]]
code = "reconstruction"
label = "Reconstruction"

[[rules]]
id = "reason_for_primary"
message = "A primary records the reason"
when = 'procedure_type == "primary"'
check = "exists(implant_reason)"

[[compatibility]]
id = "pair_same_model"
kind = "same_attribute"
message = "One model per pair"
device_types = ["breast_implant"]
attributes = ["model"]

[[outcomes]]
code = "implant_survival"
label = "Survival"
source = "revision"
)toml";

std::string Replace(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  size_t at = out.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) out.replace(at, from.size(), to);
  return out;
}

std::string LoadError(const std::string& text) {
  auto def = ParseRegistryDefinition(text, "registries/test.toml");
  return def ? "loaded" : def.error().message();
}

TEST(RegistryLoader, LoadsAValidDefinition) {
  auto def = ParseRegistryDefinition(kValid, "registries/test.toml");
  ASSERT_TRUE(def.has_value()) << def.error().message();
  EXPECT_EQ(def->code, "TEST");
  EXPECT_EQ(def->legal_basis.basis, LegalBasis::kConsent);
  EXPECT_EQ(def->legal_basis.national_data_opt_out, OptOut::kNotApplicable);
  EXPECT_EQ(def->procedure_types[0].opcs_codes, std::vector<std::string>{"B30.1"});
  ASSERT_NE(def->FindField("implant_reason"), nullptr);
  EXPECT_EQ(def->FindField("implant_reason")->values.size(), 2u);
  EXPECT_TRUE(def->LateralityRequired());
  EXPECT_TRUE(def->AllowsDeviceType("breast_implant"));
  EXPECT_FALSE(def->AllowsDeviceType("stent"));
  ASSERT_EQ(def->rules.size(), 1u);
  EXPECT_EQ(FormatRuleExpression(def->rules[0].check), "exists(implant_reason)");
  EXPECT_EQ(def->rules[0].line, 47);
  EXPECT_EQ(def->compatibility[0].attributes,
            std::vector<DeviceAttribute>{DeviceAttribute::kModel});
}

TEST(RegistryLoader, NamesFileLineAndReasonForSemanticErrors) {
  EXPECT_EQ(LoadError(Replace(kValid, "code = \"reconstruction\"", "code = \"cosmetic\"")),
            "registries/test.toml:44: field 'implant_reason': value set code 'cosmetic' repeated");
  EXPECT_EQ(LoadError(Replace(kValid, "exists(implant_reason)", "exists(implant_reasn)")),
            "registries/test.toml:51: rule 'reason_for_primary': check: unknown field "
            "'implant_reasn'");
  EXPECT_EQ(
      LoadError(Replace(kValid, "\"primary\"'", "\"primry\"'")),
      "registries/test.toml:50: rule 'reason_for_primary': when: \"primry\" is not a code of field "
      "'procedure_type' (codes: primary, revision, explant, other)");
  EXPECT_EQ(LoadError(Replace(kValid, "device_types = [\"breast_implant\"]",
                              "device_types = [\"breast_implnt\"]")),
            "registries/test.toml:57: compatibility rule 'pair_same_model': unknown device type "
            "'breast_implnt' (declare it in [[devices.types]])");
}

TEST(RegistryLoader, RejectsUnknownKeysToCatchTypos) {
  EXPECT_EQ(LoadError(Replace(kValid, "required = true", "requird = true")),
            "registries/test.toml:34: field 'consent_given': unknown key 'requird' (allowed: name, "
            "label, "
            "description, type, level, required, required_when, values, min, max, unit)");
  EXPECT_TRUE(LoadError(Replace(kValid, "version = \"1\"", "verison = \"1\""))
                  .starts_with("registries/test.toml:3: unknown key 'verison' (allowed: code, "));
}

TEST(RegistryLoader, RejectsWrongTypesAndUnknownWords) {
  EXPECT_EQ(LoadError(Replace(kValid, "kind = \"device\"", "kind = \"devise\"")),
            "registries/test.toml:4: 'kind' must be one of device, outcome; found 'devise'");
  EXPECT_EQ(LoadError(Replace(kValid, "version = \"1\"", "version = 1")),
            "registries/test.toml:3: 'version' must be a string, found an integer");
  EXPECT_EQ(LoadError(Replace(kValid, "type = \"boolean\"", "type = \"bool\"")),
            "registries/test.toml:33: field 'consent_given': 'type' must be one of string, "
            "integer, decimal, date, boolean, code, gtin; found 'bool'");
}

TEST(RegistryLoader, ValidatesProcedureCodes) {
  EXPECT_EQ(LoadError(Replace(kValid, "\"B30.1\"", "\"I30.1\"")),
            "registries/test.toml:22: procedure_types: OPCS-4 code 'I30.1' has no chapter 'I': "
            "chapters are the letters A-Z except I and O");
  EXPECT_EQ(LoadError(Replace(kValid, "\"302343007\"", "\"302343008\"")).substr(0, 74),
            "registries/test.toml:23: procedure_types: SNOMED CT id '302343008' fails t");
  EXPECT_EQ(LoadError(Replace(kValid, "\"302343007\"", "\"12345013\"")),
            "registries/test.toml:23: procedure_types: SNOMED CT id 12345013 is not a concept id "
            "(partition 01)");
  // Stored in canonical form whatever the spelling.
  auto def = ParseRegistryDefinition(Replace(kValid, "\"B30.1\"", "\"b301\""), "t.toml");
  ASSERT_TRUE(def.has_value()) << def.error().message();
  EXPECT_EQ(def->procedure_types[0].opcs_codes, std::vector<std::string>{"B30.1"});
}

TEST(RegistryLoader, ReportsTomlSyntaxErrorsWithTheirLine) {
  std::string error = LoadError(Replace(kValid, "label = \"Reason\"", "label = \"Reason"));
  EXPECT_TRUE(error.starts_with("registries/test.toml:38: ")) << error;
  EXPECT_NE(error.find("string"), std::string::npos) << error;
}

TEST(RegistryLoader, OptOutAtIngestDefaultsByBasisAndCanBeSetExplicitly) {
  auto consent = ParseRegistryDefinition(kValid, "registries/test.toml");
  ASSERT_TRUE(consent.has_value());
  EXPECT_EQ(consent->legal_basis.opt_out_at_ingest, OptOutAtIngest::kAccept);
  const std::string s251 =
      Replace(Replace(kValid, "basis = \"consent\"", "basis = \"section_251\""),
              "consent_field = \"consent_given\"\n", "");
  auto def = ParseRegistryDefinition(s251, "registries/test.toml");
  ASSERT_TRUE(def.has_value()) << def.error().message();
  EXPECT_EQ(def->legal_basis.basis, LegalBasis::kSection251);
  EXPECT_EQ(def->legal_basis.opt_out_at_ingest, OptOutAtIngest::kReject);
  auto exempt = ParseRegistryDefinition(
      Replace(s251, "instrument = \"Patient consent\"",
              "instrument = \"CAG 21/CAG/0001\"\nopt_out_at_ingest = \"pseudonymised\""),
      "registries/test.toml");
  ASSERT_TRUE(exempt.has_value()) << exempt.error().message();
  EXPECT_EQ(exempt->legal_basis.opt_out_at_ingest, OptOutAtIngest::kPseudonymised);
  EXPECT_NE(LoadError(Replace(kValid, "instrument = \"Patient consent\"",
                              "instrument = \"x\"\nopt_out_at_ingest = \"ignore\""))
                .find("opt_out_at_ingest"),
            std::string::npos);
}

TEST(RegistryLoader, ChecksTheConsentFieldAndLegalBasis) {
  EXPECT_EQ(LoadError(Replace(kValid, "consent_field = \"consent_given\"", "")),
            "registries/test.toml:8: legal_basis: basis = \"consent\" needs consent_field naming "
            "the boolean field that records the patient's consent");
  EXPECT_EQ(LoadError(Replace(kValid, "type = \"boolean\"", "type = \"string\"")),
            "registries/test.toml:11: legal_basis: consent field 'consent_given' must be a "
            "required boolean procedure field");
  EXPECT_EQ(LoadError(Replace(kValid, "basis = \"consent\"", "basis = \"mandated\"")),
            "registries/test.toml:11: legal_basis: 'consent_field' applies only when basis = "
            "\"consent\"");
}

TEST(RegistryLoader, KeepsOutcomeRegistriesFreeOfDevices) {
  EXPECT_EQ(LoadError(Replace(kValid, "kind = \"device\"", "kind = \"outcome\"")),
            "registries/test.toml:5: an outcome registry has no implants to analyse; use "
            "\"procedure\" or \"episode\"");
}

TEST(RegistryLoader, TypesTheIndicationColumnByTheRegistrysIndications) {
  std::string with = Replace(kValid, "[[fields]]\nname = \"consent_given\"",
                             "[[indications]]\ncode = \"rupture\"\nlabel = \"Rupture\"\n"
                             "procedure_types = [\"primary\"]\n\n"
                             "[[fields]]\nname = \"consent_given\"");
  auto def = ParseRegistryDefinition(with, "registries/test.toml");
  ASSERT_TRUE(def.has_value()) << def.error().message();
  ASSERT_EQ(def->indications.size(), 1u);
  EXPECT_EQ(def->indications[0].procedure_types,
            std::vector<ProcedureType>{ProcedureType::kPrimary});
  EXPECT_EQ(LoadError(Replace(with, "check = \"exists(implant_reason)\"",
                              "check = 'indication == \"ruptur\"'")),
            "registries/test.toml:56: rule 'reason_for_primary': check: \"ruptur\" is not a code "
            "of field 'indication' (codes: rupture)");
  EXPECT_EQ(LoadError(Replace(with, "procedure_types = [\"primary\"]\n\n",
                              "procedure_types = [\"revision\"]\n\n")),
            "registries/test.toml:33: indication 'rupture': procedure type 'revision' is not "
            "declared in [[procedure_types]]");
}

TEST(RegistryLoader, RejectsCoreFieldNamesAndBadBounds) {
  EXPECT_EQ(LoadError(Replace(kValid, "name = \"implant_reason\"", "name = \"laterality\"")),
            "registries/test.toml:37: field 'laterality': is a core field name; registry fields "
            "need their own names");
  EXPECT_EQ(LoadError(Replace(kValid, "label = \"Reason\"", "label = \"Reason\"\nmin = 3")),
            "registries/test.toml:39: field 'implant_reason': 'min' applies only to integer and "
            "decimal fields");
}

// A directory of its own per test process and test (ctest runs tests in parallel).
std::filesystem::path WriteTemp(const std::string& name, std::string_view text) {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::temp_directory_path() /
             fmt::format("orp_registry_test_{}_{}", getpid(), test->name());
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name) << text;
  return dir;
}

constexpr std::string_view kFollowUp = R"toml(
[[follow_up]]
kind = "prom"
instrument = "PAIN-NRS"
baseline = true
months = [6, 12]
)toml";

TEST(RegistryLoader, FollowUpWindowsDefaultWhenAnExistingDefinitionOmitsThem) {
  auto def = ParseRegistryDefinition(std::string(kValid) + std::string(kFollowUp), "t.toml");
  ASSERT_TRUE(def.has_value()) << def.error().message();
  ASSERT_EQ(def->follow_up.size(), 1u);
  EXPECT_EQ(def->follow_up[0].baseline_days, 90);
  EXPECT_EQ(def->follow_up[0].window_days, 60);
  EXPECT_EQ(def->follow_up[0].reminder_days, (std::vector<int>{14, 28}));
}

TEST(RegistryLoader, ReadsFollowUpWindowsAndRejectsAReminderAfterTheLinkCloses) {
  std::string text = std::string(kValid) + std::string(kFollowUp) +
                     "window_days = 42\nreminder_days = [10]\nbaseline_days = 30\n";
  auto def = ParseRegistryDefinition(text, "t.toml");
  ASSERT_TRUE(def.has_value()) << def.error().message();
  EXPECT_EQ(def->follow_up[0].window_days, 42);
  EXPECT_EQ(def->follow_up[0].reminder_days, std::vector<int>{10});
  EXPECT_EQ(def->follow_up[0].baseline_days, 30);
  EXPECT_EQ(LoadError(Replace(text, "[10]", "[10, 42]")),
            "registries/test.toml:71: follow_up: 'reminder_days' must be ascending days after the "
            "invitation, 1 to window_days - 1 (41)");
  EXPECT_EQ(LoadError(Replace(text, "window_days = 42", "window_days = 0")),
            "registries/test.toml:70: follow_up: 'window_days' must be 1-365 days");
}

TEST(RegistrySet, RejectsDuplicateCodesAcrossFiles) {
  auto dir = WriteTemp("a.toml", kValid);
  WriteTemp("b.toml", kValid);
  auto set = LoadRegistries(dir);
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().message(),
            fmt::format("{}:1: registry code 'TEST' is already defined in {}:1",
                        (dir / "b.toml").string(), (dir / "a.toml").string()));
  std::filesystem::remove_all(dir);
}

TEST(RegistrySet, ReportsAMissingDirectory) {
  auto set = LoadRegistries("/nonexistent/registries");
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().code(), ErrorCode::kNotFound);
}

// The lookup order of FindRegistriesDirectory: ./registries, then $ORP_REGISTRIES, then
// <dir of the executable>/../registries. Restores the working directory and environment.
TEST(RegistrySet, FindsTheDirectoryInTheDocumentedOrder) {
  namespace fs = std::filesystem;
  fs::path root = WriteTemp("unused.txt", "");
  fs::path saved_cwd = fs::current_path();
  const char* saved_env = std::getenv("ORP_REGISTRIES");
  std::optional<std::string> saved =
      saved_env ? std::optional<std::string>(saved_env) : std::nullopt;
  fs::create_directories(root / "work");
  fs::create_directories(root / "env");
  fs::create_directories(root / "registries");
  fs::current_path(root / "work");
  fs::path exe = root / "bin" / "orp";

  setenv("ORP_REGISTRIES", (root / "env").c_str(), 1);
  EXPECT_EQ(FindRegistriesDirectory(exe).value_or("?"), (root / "env").lexically_normal());
  unsetenv("ORP_REGISTRIES");
  EXPECT_EQ(FindRegistriesDirectory(exe).value_or("?"), (root / "registries").lexically_normal());
  fs::create_directories(root / "work" / "registries");
  EXPECT_EQ(FindRegistriesDirectory(exe).value_or("?"), fs::path("registries"));
  fs::remove_all(root / "work" / "registries");
  fs::remove_all(root / "registries");
  auto none = FindRegistriesDirectory(exe);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(none.error().message().find("pass --dir or set ORP_REGISTRIES"), std::string::npos);

  fs::current_path(saved_cwd);
  if (saved) setenv("ORP_REGISTRIES", saved->c_str(), 1);
  fs::remove_all(root);
}

}  // namespace
}  // namespace orp::domain
