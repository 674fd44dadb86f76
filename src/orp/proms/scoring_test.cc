#include "orp/proms/scoring.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "orp/proms/proms_test_util.h"

namespace orp::proms {
namespace {

using testing::Fixture;
using ::testing::HasSubstr;

Answers AllItems(const Instrument& instrument, int value) {
  Answers answers;
  for (const Item& item : instrument.items) answers[item.code] = value;
  return answers;
}

std::optional<double> Score(const Instrument& instrument, const std::string& code,
                            const Answers& answers) {
  return ComputeScore(instrument, *instrument.FindScore(code), answers).value;
}

TEST(OxfordStructure, AllBestAnswersScore48AndAllWorstScore0) {
  Instrument ohs = Fixture("ohs_structure.toml");
  EXPECT_EQ(Score(ohs, "total", AllItems(ohs, 4)), 48);
  EXPECT_EQ(Score(ohs, "total", AllItems(ohs, 0)), 0);
}

TEST(OxfordStructure, TwoMissingItemsCountAsTheMeanOfTheAnsweredOnes) {
  Instrument ohs = Fixture("ohs_structure.toml");
  Answers answers = AllItems(ohs, 3);
  answers["h1"] = 1;  // answered: 1 + 9 * 3 = 28 over 10 items
  answers.erase("h11");
  answers.erase("h12");
  ScoreResult total = ComputeScore(ohs, *ohs.FindScore("total"), answers);
  ASSERT_TRUE(total.value.has_value()) << total.reason;
  EXPECT_DOUBLE_EQ(*total.value, 28.0 * 12 / 10);
  EXPECT_TRUE(total.imputed);
  EXPECT_EQ(total.missing, 2);
}

TEST(OxfordStructure, ThreeMissingItemsLeaveTheScoreEmptyWithTheReason) {
  Instrument ohs = Fixture("ohs_structure.toml");
  Answers answers = AllItems(ohs, 2);
  for (const char* code : {"h2", "h5", "h9"}) answers.erase(code);
  ScoreResult total = ComputeScore(ohs, *ohs.FindScore("total"), answers);
  EXPECT_FALSE(total.value.has_value());
  EXPECT_EQ(total.reason, "3 of 12 items missing; at most 2 may be");
}

TEST(OxfordStructure, AScoreWithoutAMissingRuleNeedsEveryItem) {
  Instrument ohs = Fixture("ohs_structure.toml");
  Answers answers = AllItems(ohs, 2);
  answers.erase("h7");
  EXPECT_FALSE(Score(ohs, "strict_total", answers).has_value());
  EXPECT_TRUE(Score(ohs, "total", answers).has_value());
}

TEST(OxfordStructure, SubscalesSumOnlyTheirOwnItems) {
  Instrument oks = Fixture("oks_structure.toml");
  Answers answers = AllItems(oks, 1);
  answers["k1"] = 4;  // pain item
  answers["k2"] = 0;  // function item
  EXPECT_EQ(Score(oks, "pain", answers), 4 + 6 * 1);
  EXPECT_EQ(Score(oks, "function", answers), 0 + 4 * 1);
  EXPECT_EQ(Score(oks, "total", answers), 4 + 0 + 10 * 1);
}

// Expected values worked by hand from the fixture's made-up weights:
// index = 1 - decrements - 0.05 (not full health) - 0.10 (some item at level 5).
TEST(IndexValueSet, FullHealthIsOneAndTheWorstStateTakesEveryDecrement) {
  Instrument eq = Fixture("eq5d5l_structure.toml");
  Answers answers = AllItems(eq, 1);
  answers["vas"] = 80;
  EXPECT_DOUBLE_EQ(*Score(eq, "index", answers), 1.0);
  answers = AllItems(eq, 5);
  answers["vas"] = 5;
  EXPECT_NEAR(*Score(eq, "index", answers), 1 - (0.22 + 0.17 + 0.15 + 0.30 + 0.24) - 0.05 - 0.10,
              1e-12);
}

TEST(IndexValueSet, TheConstantAppliesOnceAnyDimensionIsNotAtLevelOne) {
  Instrument eq = Fixture("eq5d5l_structure.toml");
  Answers answers = AllItems(eq, 1);
  answers["mobility"] = 2;
  answers["pain_discomfort"] = 4;
  EXPECT_NEAR(*Score(eq, "index", answers), 1 - 0.04 - 0.20 - 0.05, 1e-12);
}

TEST(IndexValueSet, AnyMissingDimensionLeavesTheIndexEmptyButTheVasScored) {
  Instrument eq = Fixture("eq5d5l_structure.toml");
  Answers answers = AllItems(eq, 2);
  answers.erase("self_care");
  answers["vas"] = 70;
  auto scores = ScoreAnswers(eq, answers);
  ASSERT_TRUE(scores.has_value());
  EXPECT_FALSE((*scores)[0].value.has_value());
  EXPECT_THAT((*scores)[0].reason, HasSubstr("an index needs every item"));
  EXPECT_EQ((*scores)[1].value, 70);
}

TEST(CheckAnswers, RefusesAValueThatIsNotAnOption) {
  Instrument eq = Fixture("eq5d5l_structure.toml");
  Answers answers = AllItems(eq, 1);
  answers["mobility"] = 6;
  auto scores = ScoreAnswers(eq, answers);
  ASSERT_FALSE(scores.has_value());
  EXPECT_EQ(scores.error().message(),
            "EQ5D5L-FIXTURE: item 'mobility': 6 is not an option (1, 2, 3, 4, 5)");
}

TEST(CheckAnswers, RefusesAScaleValueOutOfRangeAndAnUnknownItem) {
  Instrument eq = Fixture("eq5d5l_structure.toml");
  EXPECT_THAT(CheckAnswers(eq, {{"vas", 101}}).error().message(),
              HasSubstr("item 'vas': 101 is outside 0..100"));
  EXPECT_THAT(CheckAnswers(eq, {{"walking", 1}}).error().message(), HasSubstr("no item 'walking'"));
}

TEST(ShippedInstruments, PainIsScoredAsAnsweredAndProblemsAreCounted) {
  auto set = LoadInstruments(testing::SourceDir() / "instruments");
  ASSERT_TRUE(set.has_value()) << set.error().message();
  const Instrument& pain = *set->Find("PAIN-NRS");
  EXPECT_EQ(Score(pain, "pain", {{"pain", 7}}), 7);
  EXPECT_FALSE(Score(pain, "pain", {}).has_value());
  const Instrument& problems = *set->Find("PROBLEMS");
  Answers answers = AllItems(problems, 0);
  answers["bleeding"] = 1;
  answers["readmitted"] = 1;
  EXPECT_EQ(Score(problems, "problems", answers), 2);
}

TEST(ShippedInstruments, AnOptionalPremItemIsNeverCountedAsMissing) {
  auto set = LoadInstruments(testing::SourceDir() / "instruments");
  ASSERT_TRUE(set.has_value());
  const Instrument& prem = *set->Find("PREM");
  Answers answers = AllItems(prem, 3);
  answers.erase("comments");
  ScoreResult experience = ComputeScore(prem, *prem.FindScore("experience"), answers);
  EXPECT_EQ(experience.value, 15);
  EXPECT_EQ(experience.missing, 0);
}

}  // namespace
}  // namespace orp::proms
