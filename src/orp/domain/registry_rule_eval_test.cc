#include "orp/domain/registry_rule_eval.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace orp::domain {
namespace {

struct Record {
  std::map<std::string, std::string, std::less<>> values;
  int implants = 0;
  RuleRecordView View() const {
    return {[this](std::string_view f) -> std::string_view {
              auto it = values.find(f);
              return it == values.end() ? std::string_view() : std::string_view(it->second);
            },
            [this](std::string_view) { return implants; }};
  }
};

bool Eval(std::string_view text, const Record& record, bool* missing = nullptr) {
  Result<RuleExpr> expr = ParseRuleExpression(text);
  EXPECT_TRUE(expr.has_value()) << text;
  return EvaluateRule(*expr, record.View(), missing);
}

TEST(RegistryRuleEval, DatesCompareAsText) {
  Record r{{{"date_of_injury", "2019-07-08"}, {"procedure_date", "2019-07-09"}}};
  EXPECT_TRUE(Eval("date_of_injury <= procedure_date", r));
  EXPECT_FALSE(Eval("date_of_injury > procedure_date", r));
}

TEST(RegistryRuleEval, NumbersCompareAsNumbers) {
  Record r{{{"bmi", "9.5"}}};
  EXPECT_TRUE(Eval("bmi < 10", r));  // as text "9.5" > "10"
}

TEST(RegistryRuleEval, AbsentOperandIsFalseAndMarksMissing) {
  Record r;
  bool missing = false;
  EXPECT_FALSE(Eval("baker_grade >= 1", r, &missing));
  EXPECT_TRUE(missing);
}

TEST(RegistryRuleEval, ExistsTreatsEmptyAsAbsent) {
  Record r{{{"revision_reason", ""}}};
  EXPECT_FALSE(Eval("exists(revision_reason)", r));
  r.values["revision_reason"] = "rupture";
  EXPECT_TRUE(Eval("exists(revision_reason) and revision_reason in [\"rupture\", \"other\"]", r));
}

TEST(RegistryRuleEval, DeviceCountComesFromTheRecord) {
  Record r;
  r.implants = 2;
  EXPECT_TRUE(Eval("device_count(\"breast_implant\") == 2", r));
  r.implants = 1;
  EXPECT_FALSE(Eval("device_count(\"breast_implant\") == 2", r));
}

TEST(RegistryRuleEval, RuleIsNotApplicableWhenItsWhenIsFalseOrAValueIsAbsent) {
  Result<RuleExpr> when = ParseRuleExpression("laterality == \"B\"");
  Result<RuleExpr> check = ParseRuleExpression("device_count(\"breast_implant\") == 2");
  Result<RuleExpr> dates = ParseRuleExpression("date_of_injury <= procedure_date");
  ASSERT_TRUE(when && check && dates);
  Record r{{{"laterality", "B"}}};
  r.implants = 1;
  EXPECT_FALSE(RulePasses(*when, *check, r.View()));
  r.values["laterality"] = "L";
  EXPECT_TRUE(RulePasses(*when, *check, r.View()));
  EXPECT_TRUE(RulePasses(std::nullopt, *dates, r.View()));
}

}  // namespace
}  // namespace orp::domain
