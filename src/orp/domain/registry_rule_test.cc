#include "orp/domain/registry_rule.h"

#include <gtest/gtest.h>

#include <map>

namespace orp::domain {
namespace {

std::string Canonical(std::string_view text) {
  auto expr = ParseRuleExpression(text);
  if (!expr) return "error: " + expr.error().message();
  return FormatRuleExpression(*expr);
}

std::string ParseError(std::string_view text) {
  auto expr = ParseRuleExpression(text);
  return expr ? "parsed" : expr.error().message();
}

TEST(RuleExpression, ParsesComparisonsOfFieldsAndLiterals) {
  EXPECT_EQ(Canonical("date_of_injury<=procedure_date"), "date_of_injury <= procedure_date");
  EXPECT_EQ(Canonical("procedure_type == \"revision\""), "procedure_type == \"revision\"");
  EXPECT_EQ(Canonical("gcs >= 3 and gcs <= 15"), "gcs >= 3 and gcs <= 15");
  EXPECT_EQ(Canonical("bmi > -1.5"), "bmi > -1.5");
}

TEST(RuleExpression, AndBindsTighterThanOr) {
  auto expr = ParseRuleExpression("a == 1 or b == 2 and c == 3");
  ASSERT_TRUE(expr.has_value());
  EXPECT_EQ(expr->kind, RuleExpr::Kind::kOr);
  ASSERT_EQ(expr->children.size(), 2u);
  EXPECT_EQ(expr->children[1].kind, RuleExpr::Kind::kAnd);
  EXPECT_EQ(Canonical("(a == 1 or b == 2) and c == 3"), "(a == 1 or b == 2) and c == 3");
  EXPECT_EQ(Canonical("not (a == 1 and b == 2)"), "not (a == 1 and b == 2)");
}

TEST(RuleExpression, ParsesInListsFunctionsAndEscapes) {
  EXPECT_EQ(Canonical("laterality in [\"L\", \"R\",\"B\"]"), "laterality in [\"L\", \"R\", \"B\"]");
  EXPECT_EQ(Canonical("not exists(revision_reason)"), "not exists(revision_reason)");
  EXPECT_EQ(Canonical("device_count(\"breast_implant\") == 2"),
            "device_count(\"breast_implant\") == 2");
  EXPECT_EQ(Canonical("note == \"say \\\"hi\\\"\""), "note == \"say \\\"hi\\\"\"");
}

TEST(RuleExpression, SyntaxErrorsNameTheColumnAndWhatWasExpected) {
  EXPECT_EQ(ParseError("a <= "),
            "column 6: expected a field or value after '<=', found end of rule");
  EXPECT_EQ(ParseError("a = 1"), "column 3: '=' is not an operator; use '==' or '!='");
  EXPECT_EQ(ParseError("(a == 1"), "column 8: expected ')' to close '(', found end of rule");
  EXPECT_EQ(ParseError("a == \"x"), "column 6: string is not closed with '\"'");
  EXPECT_EQ(ParseError("a == 1 b"), "column 8: expected 'and', 'or' or end of rule, found 'b'");
  EXPECT_EQ(ParseError("exists(\"a\")"), "column 8: exists() takes a field name, found \"a\"");
  EXPECT_EQ(ParseError("x in []"), "column 7: expected a string, number, true or false, found ']'");
  EXPECT_EQ(ParseError("A == 1"), "column 1: unexpected character 'A'");
  EXPECT_EQ(ParseError("  "), "the rule is empty");
}

TEST(RuleExpression, BoundsNestingSoNoRuleCanExhaustTheStack) {
  std::string deep = std::string(33, '(') + "a == 1" + std::string(33, ')');
  EXPECT_EQ(ParseError(deep), "column 33: nested more than 32 levels deep");
  std::string nots;
  for (int i = 0; i < 40; ++i) nots += "not ";
  EXPECT_EQ(ParseError(nots + "a"), "column 129: nested more than 32 levels deep");
  std::string ok = std::string(32, '(') + "a == 1" + std::string(32, ')');
  EXPECT_EQ(Canonical(ok), "a == 1");
}

class RuleTypeCheck : public ::testing::Test {
 protected:
  Result<void> Check(std::string_view text) {
    auto expr = ParseRuleExpression(text);
    if (!expr) return std::unexpected(expr.error());
    return CheckRuleExpression(
        *expr,
        [&](std::string_view name) -> std::optional<RuleOperandInfo> {
          auto it = fields_.find(std::string(name));
          if (it == fields_.end()) return std::nullopt;
          return it->second;
        },
        [](std::string_view type) { return type == "breast_implant"; });
  }
  std::string CheckError(std::string_view text) {
    auto checked = Check(text);
    return checked ? "ok" : checked.error().message();
  }

  std::map<std::string, RuleOperandInfo> fields_ = {
      {"procedure_date", {FieldType::kDate, {}}},
      {"date_of_injury", {FieldType::kDate, {}}},
      {"procedure_type", {FieldType::kCode, {"primary", "revision"}}},
      {"gcs", {FieldType::kInteger, {}}},
      {"bmi", {FieldType::kDecimal, {}}},
      {"consent", {FieldType::kBoolean, {}}},
      {"notes", {FieldType::kString, {}}},
  };
};

TEST_F(RuleTypeCheck, AcceptsWellTypedRules) {
  for (const char* ok :
       {"date_of_injury <= procedure_date", "procedure_type == \"revision\"",
        "gcs >= 3 and bmi < 60.5", "consent", "consent == true", "procedure_date >= \"2016-10-01\"",
        "procedure_type in [\"primary\"]", "device_count(\"breast_implant\") <= 2", "3 <= gcs",
        "not exists(notes) or notes != \"\""}) {
    EXPECT_TRUE(Check(ok).has_value()) << ok << ": " << CheckError(ok);
  }
}

TEST_F(RuleTypeCheck, RejectsUnknownFieldsAndDeviceTypes) {
  EXPECT_EQ(CheckError("date_of_injry <= procedure_date"), "unknown field 'date_of_injry'");
  EXPECT_EQ(CheckError("exists(revision_reason)"), "unknown field 'revision_reason'");
  EXPECT_EQ(CheckError("device_count(\"stent\") == 1"),
            "device_count(\"stent\"): unknown device type 'stent'");
}

TEST_F(RuleTypeCheck, RejectsCodesOutsideTheValueSet) {
  EXPECT_EQ(CheckError("procedure_type == \"revison\""),
            "\"revison\" is not a code of field 'procedure_type' (codes: primary, revision)");
  EXPECT_EQ(CheckError("procedure_type in [\"primary\", \"other\"]"),
            "\"other\" is not a code of field 'procedure_type' (codes: primary, revision)");
}

TEST_F(RuleTypeCheck, RejectsIncomparableOperands) {
  EXPECT_EQ(CheckError("procedure_date <= 3"),
            "cannot compare date field 'procedure_date' with number 3 using '<='");
  EXPECT_EQ(CheckError("notes < \"b\""),
            "cannot compare string field 'notes' with string \"b\" using '<'");
  EXPECT_EQ(CheckError("gcs == bmi and gcs == procedure_date"),
            "cannot compare integer field 'gcs' with date field 'procedure_date' using '=='");
  EXPECT_EQ(CheckError("gcs == 3.5"), "integer field 'gcs' compared with decimal 3.5");
  EXPECT_EQ(CheckError("1 == 1"), "'1 == 1' compares two constants");
  EXPECT_EQ(CheckError("procedure_date > \"2024-02-30\""),
            "date literal for 'procedure_date': 2024-02-30: February 2024 has 29 days");
}

TEST_F(RuleTypeCheck, RequiresConditionsNotBareValues) {
  EXPECT_EQ(CheckError("gcs"),
            "integer field 'gcs' is not a condition: compare it with a value or use exists(gcs)");
  EXPECT_EQ(CheckError("(gcs == 3) == true"), "'gcs == 3' is a condition, not a value to compare");
}

TEST(RuleExpression, ListsTheFieldsItReads) {
  auto expr = ParseRuleExpression("a == b or (exists(c) and a > 1)");
  ASSERT_TRUE(expr.has_value());
  EXPECT_EQ(RuleFieldsRead(*expr), (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace orp::domain
