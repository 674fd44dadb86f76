#include "orp/catalogue/compatibility.h"

#include <gtest/gtest.h>

namespace orp::catalogue {
namespace {

using domain::CompatibilityKind;
using domain::CompatibilityRule;
using domain::DeviceAttribute;

Date Ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

constexpr const char* kRound = "09506000134352";
constexpr const char* kRoundLarger = "09506000134369";
constexpr const char* kAnatomical = "09506000134376";
constexpr const char* kNucleus = "09506000134383";
constexpr const char* kKanso = "09506000134390";
constexpr const char* kSonnet = "09506000134406";
constexpr const char* kUnknown = "09506000134413";

class Compatibility : public ::testing::Test {
 protected:
  void SetUp() override {
    Add(kRound, "Acme Implants", "Contour", "Round 300", "breast implant");
    Add(kRoundLarger, "Acme Implants", "Contour", "Round 300", "breast implant");
    Add(kAnatomical, "Beta Medical", "Natural", "Anatomical 410", "breast implant");
    Add(kNucleus, "Cochlear", "Nucleus", "CI632", "cochlear_implant");
    Add(kKanso, "Cochlear", "Kanso", "Kanso 2", "sound_processor");
    Add(kSonnet, "MED-EL", "Sonnet", "Sonnet 2", "sound_processor");
    same_model_.id = "bilateral_pair_same_model";
    same_model_.message = "The two breast implants of a bilateral procedure must be the same model";
    same_model_.kind = CompatibilityKind::kSameAttribute;
    same_model_.device_types = {"breast_implant"};
    same_model_.attributes = {DeviceAttribute::kManufacturer, DeviceAttribute::kModel};
    pairs_.id = "implant_processor_compatible";
    pairs_.message = "The sound processor is not compatible with the cochlear implant";
    pairs_.kind = CompatibilityKind::kAllowedPairs;
    pairs_.severity = domain::Severity::kWarning;
    pairs_.device_types = {"cochlear_implant", "sound_processor"};
    pairs_.pair_attribute = DeviceAttribute::kManufacturer;
    pairs_.allowed_pairs = {{"Cochlear", "Cochlear"}, {"MED-EL", "MED-EL"}};
  }
  void Add(const char* di, const char* manufacturer, const char* brand, const char* model,
           const char* type) {
    DeviceModel m;
    m.di = di;
    m.manufacturer = manufacturer;
    m.brand = brand;
    m.model = model;
    m.device_type = type;
    m.effective_from = Ymd(2019, 1, 1);
    catalogue_.Add(m);
  }
  std::vector<CompatibilityFinding> Check(const CompatibilityRule& rule,
                                          std::vector<std::string> dis) {
    return CheckCompatibility(catalogue_, rule, dis, Ymd(2025, 3, 1));
  }
  Catalogue catalogue_;
  CompatibilityRule same_model_;
  CompatibilityRule pairs_;
};

TEST_F(Compatibility, PairOfOneModelInDifferentSizesPasses) {
  EXPECT_TRUE(Check(same_model_, {kRound, kRoundLarger}).empty());
}

TEST_F(Compatibility, PairOfDifferentModelsNamesBothDevicesAndTheRule) {
  auto findings = Check(same_model_, {kRound, kAnatomical});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "bilateral_pair_same_model");
  EXPECT_EQ(findings[0].severity, domain::Severity::kError);
  EXPECT_EQ(findings[0].devices, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(findings[0].dis, (std::vector<std::string>{kRound, kAnatomical}));
  EXPECT_EQ(findings[0].message,
            "The two breast implants of a bilateral procedure must be the same model: GTIN "
            "09506000134352 is Acme Implants / Round 300 but GTIN 09506000134376 is Beta Medical "
            "/ Anatomical 410 (manufacturer, model must match; rule bilateral_pair_same_model)");
}

TEST_F(Compatibility, SameAttributeIgnoresDevicesOfOtherTypes) {
  EXPECT_TRUE(Check(same_model_, {kRound, kNucleus, kRoundLarger}).empty());
}

TEST_F(Compatibility, SameAttributeSkipsUnknownAndMissingDevices) {
  EXPECT_TRUE(Check(same_model_, {kRound, kUnknown, ""}).empty());
}

TEST_F(Compatibility, SameAttributeNamesEveryDeviceThatDiffersFromTheFirst) {
  auto findings = Check(same_model_, {kRound, kAnatomical, kRoundLarger, kAnatomical});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].devices, (std::vector<size_t>{0, 1, 3}));
}

TEST_F(Compatibility, AllowedPairPasses) { EXPECT_TRUE(Check(pairs_, {kNucleus, kKanso}).empty()); }

TEST_F(Compatibility, PairNotInTheListIsReportedWithTheRuleSeverity) {
  auto findings = Check(pairs_, {kSonnet, kNucleus});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "implant_processor_compatible");
  EXPECT_EQ(findings[0].severity, domain::Severity::kWarning);
  EXPECT_EQ(findings[0].devices, (std::vector<size_t>{1, 0}));
  EXPECT_EQ(findings[0].message,
            "The sound processor is not compatible with the cochlear implant: cochlear_implant "
            "GTIN 09506000134383 (manufacturer 'Cochlear') with sound_processor GTIN "
            "09506000134406 (manufacturer 'MED-EL') is not an allowed pair (rule "
            "implant_processor_compatible)");
}

TEST_F(Compatibility, AllowedPairsSkipsUnknownDevices) {
  EXPECT_TRUE(Check(pairs_, {kNucleus, kUnknown}).empty());
}

TEST_F(Compatibility, AllowedPairsWithOnlyOneSideHasNothingToJudge) {
  EXPECT_TRUE(Check(pairs_, {kSonnet}).empty());
}

TEST_F(Compatibility, ModelFirstRecordedAfterTheProcedureIsStillJudged) {
  Add("09506000134420", "Gamma", "Late", "Late 1", "breast implant");
  // effective 2019 above; judge a procedure in 2018, before any version was in effect.
  auto findings = CheckCompatibility(
      catalogue_, same_model_, std::vector<std::string>{kRound, "09506000134420"}, Ymd(2018, 6, 1));
  EXPECT_EQ(findings.size(), 1u);
}

TEST(CompatibilityDeviceType, SpacesBecomeUnderscores) {
  EXPECT_EQ(DeviceTypeCode("breast implant"), "breast_implant");
  EXPECT_EQ(DeviceTypeCode("sound_processor"), "sound_processor");
}

}  // namespace
}  // namespace orp::catalogue
