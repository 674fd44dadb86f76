#include "orp/proms/bulk.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "orp/proms/proms_test_util.h"

namespace orp::proms {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

const Date kToday{std::chrono::year{2026} / 6 / 1};

BulkParse Parse(const std::string& text) {
  auto set = LoadInstruments(testing::SourceDir() / "instruments");
  EXPECT_TRUE(set.has_value());
  std::istringstream in(text);
  auto parsed = ParseBulkResponses(in, *set, kToday);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message();
  return parsed ? *parsed : BulkParse();
}

TEST(BulkResponses, ReadsMixedInstrumentsWithUnansweredItemsLeftOut) {
  BulkParse p = Parse(
      "registry,procedure_ref,instrument,months,completed,pain,satisfaction\n"
      "NJR,H1,PAIN-NRS,0,2025-01-02,7,\n"
      "NJR,H1,SATISFACTION,6,2025-07-20,,4\n");
  ASSERT_EQ(p.responses.size(), 2u);
  EXPECT_TRUE(p.findings.empty());
  EXPECT_EQ(p.responses[0].answers, (Answers{{"pain", 7}}));
  EXPECT_EQ(p.responses[1].months, 6);
  EXPECT_EQ(p.responses[1].answers, (Answers{{"satisfaction", 4}}));
}

TEST(BulkResponses, EachBadRowIsAFindingWithRowFieldAndRule) {
  BulkParse p = Parse(
      "registry,procedure_ref,instrument,months,completed,pain,satisfaction\n"
      "NJR,H1,PAIN-NRS,0,2025-01-02,11,\n"
      "NJR,H2,PAIN-NRS,x,2025-01-02,3,\n"
      "NJR,H3,EQ-5D-5L,6,2025-01-02,3,\n"
      "NJR,H4,PAIN-NRS,6,2027-01-01,3,\n"
      "NJR,H5,PAIN-NRS,6,2025-01-02,3,5\n"
      "NJR,H6,PAIN-NRS,6,2025-01-02,,\n"
      "NJR,H7,PAIN-NRS,6,2025-01-02,two,\n");
  EXPECT_TRUE(p.responses.empty());
  EXPECT_THAT(p.findings, ElementsAre(Field(&domain::Finding::rule, "answer.not_allowed"),
                                      Field(&domain::Finding::rule, "months.invalid"),
                                      Field(&domain::Finding::rule, "instrument.unknown"),
                                      Field(&domain::Finding::rule, "completed.in_future"),
                                      Field(&domain::Finding::rule, "answer.not_an_item"),
                                      Field(&domain::Finding::rule, "answers.none"),
                                      Field(&domain::Finding::rule, "answer.not_integer")));
  EXPECT_EQ(p.findings[0].row, 2);
  EXPECT_EQ(p.findings[0].field, "pain");
  EXPECT_EQ(p.findings[0].procedure_ref, "H1");
  EXPECT_EQ(p.findings[0].message, "11 is not an allowed answer (0..10)");
}

TEST(BulkResponses, RefusesAFileWithoutTheRequiredColumns) {
  auto set = LoadInstruments(testing::SourceDir() / "instruments");
  std::istringstream in("procedure_ref,pain\nH1,3\n");
  auto parsed = ParseBulkResponses(in, *set, kToday);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
}

TEST(BulkResponses, AnswersRoundTripThroughTheirStoredText) {
  auto set = LoadInstruments(testing::SourceDir() / "instruments");
  const Instrument& prem = *set->Find("PREM");
  Answers answers{{"dignity", 3}, {"information", 1}};
  EXPECT_EQ(FormatAnswers(prem, answers), "information=1;dignity=3");
  EXPECT_EQ(*ParseAnswers("information=1;dignity=3"), answers);
  EXPECT_FALSE(ParseAnswers("information").has_value());
}

}  // namespace
}  // namespace orp::proms
