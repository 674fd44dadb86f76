#include "orp/catalogue/procedure_scan.h"

#include <gtest/gtest.h>

#include "orp/domain/registry_rule.h"
#include "orp/udi/parse.h"

namespace orp::catalogue {
namespace {

using domain::CompatibilityKind;
using domain::CompatibilityRule;
using domain::DeviceAttribute;

Date Ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

constexpr const char* kRound = "09506000134352";
constexpr const char* kAnatomical = "09506000134376";
constexpr const char* kRecalled = "09506000134369";
constexpr const char* kNucleus = "09506000134383";
constexpr const char* kSonnet = "09506000134406";

class ProcedureScan : public ::testing::Test {
 protected:
  void SetUp() override {
    Add(kRound, "Acme Implants", "Round 300", "breast implant");
    Add(kAnatomical, "Beta Medical", "Anatomical 410", "breast implant");
    Add(kRecalled, "Acme Implants", "Round 300", "breast implant");
    DeviceModel recall = *catalogue_.FindLatest(kRecalled);
    recall.market_status = MarketStatus::kRecalled;
    recall.effective_from = recall.recorded_on = Ymd(2024, 6, 1);
    recall.fsn_reference = "MHRA-FSN-1";
    catalogue_.Add(recall);
    Add(kNucleus, "Cochlear", "CI632", "cochlear_implant");
    Add(kSonnet, "MED-EL", "Sonnet 2", "sound_processor");

    CompatibilityRule pair;
    pair.id = "bilateral_pair_same_model";
    pair.message = "The two breast implants of a bilateral procedure must be the same model";
    pair.kind = CompatibilityKind::kSameAttribute;
    pair.device_types = {"breast_implant"};
    pair.attributes = {DeviceAttribute::kManufacturer, DeviceAttribute::kModel};
    pair.when_text = "laterality == \"B\"";
    pair.when = *domain::ParseRuleExpression(pair.when_text);
    CompatibilityRule processor;
    processor.id = "implant_processor_compatible";
    processor.message = "The sound processor is not compatible with the cochlear implant";
    processor.kind = CompatibilityKind::kAllowedPairs;
    processor.severity = domain::Severity::kWarning;
    processor.device_types = {"cochlear_implant", "sound_processor"};
    processor.pair_attribute = DeviceAttribute::kManufacturer;
    processor.allowed_pairs = {{"Cochlear", "Cochlear"}, {"MED-EL", "MED-EL"}};
    registry_.code = "BCIR";
    registry_.compatibility = {pair, processor};
  }
  void Add(const char* di, const char* manufacturer, const char* model, const char* type) {
    DeviceModel m;
    m.di = di;
    m.manufacturer = manufacturer;
    m.model = model;
    m.device_type = type;
    m.effective_from = m.recorded_on = Ymd(2019, 1, 1);
    catalogue_.Add(m);
  }
  ProcedureScanResult Scan(std::vector<std::string> texts,
                           std::map<std::string, std::string, std::less<>> fields) {
    std::vector<udi::ParsedUdi> labels;
    for (const auto& text : texts) labels.push_back(udi::ParseUdi(text, {.today = kDay}));
    ProcedureScanContext context{kDay, &registry_, std::move(fields), std::nullopt};
    return CheckProcedureScan(catalogue_, labels, context);
  }
  static std::string Label(const char* gtin, const char* lot) {
    return std::string("(01)") + gtin + "(17)301231(10)" + lot;
  }
  static constexpr Date kDay = Date{std::chrono::year{2025} / 3 / 1};
  Catalogue catalogue_;
  domain::RegistryDefinition registry_;
};

TEST_F(ProcedureScan, BilateralPairOfTwoModelsFailsTheRuleNamingRuleAndDevices) {
  auto result = Scan({Label(kRound, "A1"), Label(kAnatomical, "B1")}, {{"laterality", "B"}});
  ASSERT_EQ(result.compatibility.size(), 1u);
  const CompatibilityFinding& f = result.compatibility[0];
  EXPECT_EQ(f.rule, "bilateral_pair_same_model");
  EXPECT_EQ(f.devices, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(f.dis, (std::vector<std::string>{kRound, kAnatomical}));
  EXPECT_NE(f.message.find("Beta Medical / Anatomical 410"), std::string::npos) << f.message;
  ASSERT_EQ(result.rules.size(), 2u);
  EXPECT_EQ(result.rules[0].verdict, RuleVerdict::kFailed);
  EXPECT_EQ(result.rules[1].verdict, RuleVerdict::kPassed);  // no cochlear devices
  EXPECT_TRUE(result.HasError());
  EXPECT_TRUE(result.label_findings[0].empty());
}

TEST_F(ProcedureScan, PairOfOneModelPasses) {
  auto result = Scan({Label(kRound, "A1"), Label(kRound, "A2")}, {{"laterality", "B"}});
  EXPECT_TRUE(result.compatibility.empty());
  EXPECT_EQ(result.rules[0].verdict, RuleVerdict::kPassed);
  EXPECT_FALSE(result.HasError());
}

TEST_F(ProcedureScan, RuleWhoseConditionNeedsAnAbsentFieldIsNotJudgedAndSaysWhichField) {
  auto result = Scan({Label(kRound, "A1"), Label(kAnatomical, "B1")}, {});
  EXPECT_TRUE(result.compatibility.empty());
  EXPECT_EQ(result.rules[0].verdict, RuleVerdict::kNotJudged);
  EXPECT_NE(result.rules[0].reason.find("laterality"), std::string::npos) << result.rules[0].reason;
  EXPECT_FALSE(result.HasError());
}

TEST_F(ProcedureScan, RuleWhoseConditionDoesNotHoldPasses) {
  auto result = Scan({Label(kRound, "A1"), Label(kAnatomical, "B1")}, {{"laterality", "L"}});
  EXPECT_TRUE(result.compatibility.empty());
  EXPECT_EQ(result.rules[0].verdict, RuleVerdict::kPassed);
}

TEST_F(ProcedureScan, IncompatibleProcessorIsAWarningNamingBothDevices) {
  auto result = Scan({Label(kNucleus, "C1"), Label(kSonnet, "S1")}, {});
  ASSERT_EQ(result.compatibility.size(), 1u);
  EXPECT_EQ(result.compatibility[0].rule, "implant_processor_compatible");
  EXPECT_EQ(result.compatibility[0].severity, domain::Severity::kWarning);
  EXPECT_EQ(result.compatibility[0].dis, (std::vector<std::string>{kNucleus, kSonnet}));
  EXPECT_FALSE(result.HasError());
}

TEST_F(ProcedureScan, EachLabelIsAlsoCheckedOnItsOwnAndABadLabelTakesNoPartInTheRules) {
  auto result = Scan({Label(kRecalled, "A1"), "(01)09506000134353(10)X", Label(kRound, "A2")},
                     {{"laterality", "B"}});
  ASSERT_EQ(result.label_findings.size(), 3u);
  ASSERT_EQ(result.label_findings[0].size(), 1u);
  EXPECT_EQ(result.label_findings[0][0].code, "catalogue.recalled");
  EXPECT_FALSE(result.label_findings[1].empty());  // check digit
  EXPECT_TRUE(result.compatibility.empty());       // the recalled model is the same model
  EXPECT_TRUE(result.HasError());
}

// Regression: the registry code passed to each label's check dangled (a temporary string), so
// catalogue.wrong_registry named garbage instead of the registry.
TEST_F(ProcedureScan, EachLabelIsCheckedAgainstTheProcedureRegistry) {
  DeviceModel hearing = *catalogue_.FindLatest(kNucleus);
  hearing.registries = {"NRHI"};
  hearing.effective_from = hearing.recorded_on = Ymd(2020, 1, 1);
  catalogue_.Add(hearing);
  auto result = Scan({Label(kNucleus, "C1")}, {});
  ASSERT_EQ(result.label_findings[0].size(), 1u);
  EXPECT_EQ(result.label_findings[0][0].code, "catalogue.wrong_registry");
  EXPECT_NE(result.label_findings[0][0].message.find("is declared for NRHI, not BCIR"),
            std::string::npos)
      << result.label_findings[0][0].message;
}

TEST_F(ProcedureScan, NoRegistryMeansNoRulesJudged) {
  std::vector<udi::ParsedUdi> labels{udi::ParseUdi(Label(kRound, "A1"), {.today = kDay})};
  ProcedureScanContext context;
  context.procedure_date = kDay;
  auto result = CheckProcedureScan(catalogue_, labels, context);
  EXPECT_TRUE(result.rules.empty());
  EXPECT_EQ(result.label_findings.size(), 1u);
}

}  // namespace
}  // namespace orp::catalogue
