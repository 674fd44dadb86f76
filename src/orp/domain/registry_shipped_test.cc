// The six registry definitions shipped in registries/ load, and their content says what the
// registries are (docs/registry-definitions.md; ../shared/specs/uk-standards.md §1).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "orp/core/suite_set_up.h"
#include "orp/domain/opcs4_code.h"
#include "orp/domain/registry_loader.h"
#include "orp/domain/snomed_ct_id.h"

namespace orp::domain {
namespace {

std::filesystem::path RegistriesDir() {
  const char* dir = std::getenv("ORP_SOURCE_DIR");
  return std::filesystem::path(dir != nullptr ? dir : ".") / "registries";
}

class ShippedRegistries : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    set_up_.Run([] {
      auto loaded = LoadRegistries(RegistriesDir());
      ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
      set_ = new RegistrySet(std::move(*loaded));
    });
  }
  static void TearDownTestSuite() { delete set_; }
  void SetUp() override { ASSERT_TRUE(set_up_.ok()) << set_up_.failures(); }
  const RegistryDefinition& Get(std::string_view code) {
    const RegistryDefinition* def = set_->Find(code);
    EXPECT_NE(def, nullptr) << code;
    return *def;
  }
  static RegistrySet* set_;
  static inline SuiteSetUp set_up_;
};
RegistrySet* ShippedRegistries::set_ = nullptr;

TEST_F(ShippedRegistries, AreExactlyTheSixRegistries) {
  std::vector<std::string> codes;
  for (const RegistryDefinition& def : set_->registries()) codes.push_back(def.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"BCIR", "MDOR", "NMTR", "NRHI", "OTR", "POPSUI"}));
  for (const RegistryDefinition& def : set_->registries()) {
    std::string file = std::filesystem::path(def.source).filename().string();
    std::string lower = def.code;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    EXPECT_EQ(file, lower + ".toml");
  }
}

// Every SNOMED CT id a definition carries, wherever it appears.
std::vector<std::string> SnomedIds(const RegistryDefinition& def) {
  std::vector<std::string> ids;
  for (const auto& pt : def.procedure_types)
    ids.insert(ids.end(), pt.snomed_codes.begin(), pt.snomed_codes.end());
  for (const auto& site : def.body_sites) ids.push_back(site.snomed);
  for (const auto& indication : def.indications) ids.push_back(indication.snomed);
  for (const auto& field : def.fields) {
    for (const auto& value : field.values) ids.push_back(value.snomed);
  }
  if (def.devices) {
    for (const auto& type : def.devices->types) ids.push_back(type.snomed);
  }
  std::erase(ids, "");
  return ids;
}

TEST_F(ShippedRegistries, CarryOnlyValidOpcs4AndSnomedConceptCodes) {
  int opcs = 0, snomed = 0;
  for (const RegistryDefinition& def : set_->registries()) {
    for (const auto& pt : def.procedure_types) {
      for (const std::string& code : pt.opcs_codes) {
        auto parsed = Opcs4Code::Parse(code);
        ASSERT_TRUE(parsed.has_value()) << def.code << ": " << parsed.error().message();
        EXPECT_EQ(parsed->code(), code) << def.code << ": stored in canonical form";
        ++opcs;
      }
    }
    for (const std::string& id : SnomedIds(def)) {
      auto parsed = SnomedCtId::Parse(id);
      ASSERT_TRUE(parsed.has_value()) << def.code << ": " << parsed.error().message();
      EXPECT_TRUE(parsed->IsConcept()) << def.code << ": " << id;
      ++snomed;
    }
  }
  EXPECT_GE(opcs, 15);
  EXPECT_GE(snomed, 10);
}

TEST_F(ShippedRegistries, BcirIsConsentBasedBilateralWithAPairRule) {
  const RegistryDefinition& bcir = Get("BCIR");
  EXPECT_EQ(bcir.legal_basis.basis, LegalBasis::kConsent);
  EXPECT_EQ(bcir.legal_basis.without_consent, WithoutConsent::kAnonymous);
  EXPECT_TRUE(bcir.LateralityRequired());
  ASSERT_EQ(bcir.compatibility.size(), 1u);
  EXPECT_EQ(bcir.compatibility[0].kind, CompatibilityKind::kSameAttribute);
  EXPECT_EQ(bcir.compatibility[0].device_types, std::vector<std::string>{"breast_implant"});
}

TEST_F(ShippedRegistries, DeviceRegistriesListIndicationsForPrimariesAndRevisions) {
  for (const char* code : {"BCIR", "NRHI", "POPSUI", "OTR"}) {
    const RegistryDefinition& def = Get(code);
    bool primary = false, revision = false;
    for (const Indication& indication : def.indications) {
      for (ProcedureType type : indication.procedure_types) {
        primary |= type == ProcedureType::kPrimary;
        revision |= type == ProcedureType::kRevision;
      }
    }
    EXPECT_TRUE(primary && revision) << code;
  }
  auto indication = LookupRuleField(Get("BCIR"), "indication");
  ASSERT_TRUE(indication.has_value());
  EXPECT_EQ(indication->type, FieldType::kCode);
  // MDOR takes any device, so its indication stays free text.
  EXPECT_EQ(LookupRuleField(Get("MDOR"), "indication")->type, FieldType::kString);
}

TEST_F(ShippedRegistries, NrhiAsksForPromsAtOneAndFourYears) {
  const RegistryDefinition& nrhi = Get("NRHI");
  ASSERT_FALSE(nrhi.follow_up.empty());
  EXPECT_EQ(nrhi.follow_up[0].months, (std::vector<int>{12, 48}));
  EXPECT_TRUE(nrhi.follow_up[0].baseline);
  ASSERT_EQ(nrhi.compatibility.size(), 1u);
  EXPECT_EQ(nrhi.compatibility[0].kind, CompatibilityKind::kAllowedPairs);
  EXPECT_EQ(nrhi.compatibility[0].device_types,
            (std::vector<std::string>{"cochlear_implant", "sound_processor"}));
}

TEST_F(ShippedRegistries, NmtrIsAnOutcomeRegistryWithoutDevices) {
  const RegistryDefinition& nmtr = Get("NMTR");
  EXPECT_EQ(nmtr.kind, RegistryKind::kOutcome);
  EXPECT_FALSE(nmtr.devices.has_value());
  EXPECT_TRUE(nmtr.compatibility.empty());
  std::vector<std::string> outcomes;
  for (const OutcomeMeasure& o : nmtr.outcomes) outcomes.push_back(o.code);
  EXPECT_NE(std::find(outcomes.begin(), outcomes.end(), "survival_30d"), outcomes.end());
  EXPECT_NE(std::find(outcomes.begin(), outcomes.end(), "length_of_stay"), outcomes.end());
  for (const char* field : {"injury_severity_score", "gcs_on_arrival", "mechanism_of_injury"}) {
    EXPECT_NE(nmtr.FindField(field), nullptr) << field;
  }
}

TEST_F(ShippedRegistries, DeviceRegistriesCoverHighRiskClasses) {
  const RegistryDefinition& mdor = Get("MDOR");
  ASSERT_TRUE(mdor.devices.has_value());
  EXPECT_TRUE(mdor.devices->any_type);
  EXPECT_EQ(mdor.legal_basis.basis, LegalBasis::kMandated);
  for (const char* type : {"midurethral_tape", "prolapse_mesh_vaginal"}) {
    EXPECT_TRUE(Get("POPSUI").AllowsDeviceType(type)) << type;
  }
  for (const char* type :
       {"bone_plate", "intramedullary_nail", "bone_screw", "hemiarthroplasty_stem"}) {
    EXPECT_TRUE(Get("OTR").AllowsDeviceType(type)) << type;
  }
  EXPECT_NE(Get("OTR").FindField("date_of_injury"), nullptr);
  EXPECT_NE(Get("OTR").FindField("fracture_classification"), nullptr);
}

}  // namespace
}  // namespace orp::domain
