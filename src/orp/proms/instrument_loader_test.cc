#include "orp/proms/instrument_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "orp/proms/proms_test_util.h"

namespace orp::proms {
namespace {

using testing::Fixture;
using ::testing::HasSubstr;
using testing::SourceDir;

constexpr const char* kHeader = R"(code = "T-1"
name = "Test"
version = "1"
licence = "test"
)";

// The message of a definition that must fail to load.
std::string LoadError(const std::string& body) {
  auto parsed = ParseInstrument(std::string(kHeader) + body, "t.toml");
  EXPECT_FALSE(parsed.has_value()) << "loaded a bad definition:\n" << body;
  return parsed ? "" : parsed.error().message();
}

constexpr const char* kTwoItems = R"(
[[items]]
code = "a"
text = "A?"
options = [{ value = 0, label = "No" }, { value = 1, label = "Yes" }]

[[items]]
code = "b"
text = "B?"
min = 0
max = 10
)";

TEST(InstrumentLoader, ShippedInstrumentsLoad) {
  auto set = LoadInstruments(SourceDir() / "instruments");
  ASSERT_TRUE(set.has_value()) << set.error().message();
  for (const char* code : {"PAIN-NRS", "PREM", "PROBLEMS", "SATISFACTION"}) {
    EXPECT_NE(set->Find(code), nullptr) << code;
  }
  EXPECT_EQ(set->Find("PREM")->kind, InstrumentKind::kPrem);
}

TEST(InstrumentLoader, LicensedStructuresLoadFromTheirFixtures) {
  Instrument ohs = Fixture("ohs_structure.toml");
  EXPECT_EQ(ohs.items.size(), 12u);
  EXPECT_EQ(ohs.FindScore("total")->max, 48);
  Instrument oks = Fixture("oks_structure.toml");
  EXPECT_EQ(oks.FindScore("pain")->items.size(), 7u);
  Instrument eq = Fixture("eq5d5l_structure.toml");
  EXPECT_NEAR(eq.FindScore("index")->min, -0.23, 1e-12);
  EXPECT_EQ(eq.FindItem("vas")->max, 100);
}

TEST(InstrumentLoader, ScoreUsesEveryRequiredItemWhenItNamesNone) {
  auto parsed = ParseInstrument(
      std::string(kHeader) + kTwoItems + "[[scores]]\ncode = \"s\"\nlabel = \"S\"\n", "t.toml");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  EXPECT_EQ(parsed->scores[0].items, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(parsed->scores[0].max, 11);
}

TEST(InstrumentLoader, RejectsADeclaredRangeTheItemsCannotGiveWithFileAndLine) {
  std::string message = LoadError(std::string(kTwoItems) +
                                  "[[scores]]\ncode = \"s\"\nlabel = \"S\"\nrange = [0, 12]\n");
  EXPECT_THAT(message, HasSubstr("t.toml:19: score 's': declared range [0, 12] but the items "
                                 "give [0, 11]"));
}

TEST(InstrumentLoader, RejectsARepeatedOptionValue) {
  EXPECT_THAT(LoadError("[[items]]\ncode = \"a\"\ntext = \"A\"\noptions = [{ value = 1, label = "
                        "\"x\" }, { value = 1, label = \"y\" }]\n[[scores]]\ncode = \"s\"\n"
                        "label = \"S\"\n"),
              HasSubstr("t.toml:8: item 'a': option value 1 repeated"));
}

TEST(InstrumentLoader, RejectsUnknownKeysAndWrongTypes) {
  EXPECT_THAT(LoadError("colour = \"red\"\n"), HasSubstr("t.toml:5: unknown key 'colour'"));
  EXPECT_THAT(LoadError(std::string(kTwoItems) + "[[scores]]\ncode = \"s\"\nlabel = 3\n"),
              HasSubstr("score 's': 'label' must be a string"));
}

TEST(InstrumentLoader, RejectsAScoreNamingAnUnknownItem) {
  EXPECT_THAT(LoadError(std::string(kTwoItems) +
                        "[[scores]]\ncode = \"s\"\nlabel = \"S\"\nitems = [\"a\", \"z\"]\n"),
              HasSubstr("score 's': no item 'z'"));
}

TEST(InstrumentLoader, RejectsAMissingRuleThatWouldImputeEveryItem) {
  EXPECT_THAT(LoadError(std::string(kTwoItems) +
                        "[[scores]]\ncode = \"s\"\nlabel = \"S\"\nmissing = \"mean_of_answered\"\n"
                        "max_missing = 2\n"),
              HasSubstr("'max_missing' must be 1..1"));
}

TEST(InstrumentLoader, RejectsAValueSetWithTheWrongNumberOfDecrements) {
  std::string body = std::string(kTwoItems) +
                     "[[value_sets]]\ncode = \"v\"\n[value_sets.decrements]\na = [0, 0.1, 0.2]\n";
  EXPECT_THAT(LoadError(body + "[[scores]]\ncode = \"s\"\nlabel = \"S\"\n"),
              HasSubstr("decrements for 'a' list 3 numbers; the item has 2 options"));
}

TEST(InstrumentLoader, RejectsAnIndexOverAScaleItem) {
  std::string body = std::string(kTwoItems) +
                     "[[value_sets]]\ncode = \"v\"\n[value_sets.decrements]\na = [0, 0.1]\n";
  EXPECT_THAT(LoadError(body + "[[scores]]\ncode = \"s\"\nlabel = \"S\"\nmethod = \"index\"\n"
                               "value_set = \"v\"\n"),
              HasSubstr("an index scores choice items; 'b' is a scale"));
}

TEST(InstrumentLoader, RejectsABadCodeAndAnInstrumentWithoutItems) {
  auto bad_code = ParseInstrument(
      "code = \"eq 5d\"\nname = \"x\"\nversion = \"1\"\nlicence = "
      "\"x\"\n",
      "t.toml");
  ASSERT_FALSE(bad_code.has_value());
  EXPECT_THAT(bad_code.error().message(), HasSubstr("t.toml:1: code 'eq 5d' must be"));
  EXPECT_THAT(LoadError(""), HasSubstr("needs at least one [[items]]"));
}

TEST(InstrumentLoader, RejectsTwoFilesDefiningOneCode) {
  Instrument a = Fixture("ohs_structure.toml");
  Instrument b = a;
  b.source = "copy.toml";
  auto set = InstrumentSet::Create({a, b});
  ASSERT_FALSE(set.has_value());
  EXPECT_THAT(set.error().message(), HasSubstr("copy.toml"));
}

TEST(InstrumentLoader, ReportsTomlSyntaxErrorsWithTheirLine) {
  EXPECT_THAT(LoadError("[[items]\n"), HasSubstr("t.toml:5:"));
}

}  // namespace
}  // namespace orp::proms
