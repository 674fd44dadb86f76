#include "orp/recall/criteria.h"

#include <gmock/gmock.h>

namespace orp::recall {
namespace {

using ::testing::HasSubstr;

Date Day(int y, unsigned m, unsigned d) {
  return Date(std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d});
}

std::string ErrorOf(std::string_view json) {
  auto parsed = ParseCriteriaJson(json);
  EXPECT_FALSE(parsed.has_value()) << json;
  if (parsed) return "";
  EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
  return parsed.error().message();
}

TEST(CompareNatural, DigitRunsCompareByValue) {
  EXPECT_LT(CompareNatural("SN9", "SN10"), 0);
  EXPECT_GT(CompareNatural("SN10", "SN9"), 0);
  EXPECT_LT(CompareNatural("A2B9", "A2B10"), 0);
  EXPECT_LT(CompareNatural("BCL0000451", "BCL0000452"), 0);
  EXPECT_EQ(CompareNatural("X42", "X42"), 0);
  EXPECT_LT(CompareNatural("42", "042"), 0);  // equal value: fewer leading zeros first
  EXPECT_LT(CompareNatural("ABC", "ABD"), 0);
  EXPECT_LT(CompareNatural("AB", "AB1"), 0);
}

TEST(SerialRange, NaturalOrderIncludesTenInOneToTwentyButTextOrderDoesNot) {
  SerialRange natural{"SN1", "SN20", SerialOrder::kNatural};
  SerialRange text{"SN1", "SN20", SerialOrder::kText};
  EXPECT_TRUE(InSerialRange("SN10", natural));
  EXPECT_TRUE(InSerialRange("SN10", text));  // "SN10" < "SN20" bytewise too
  EXPECT_TRUE(InSerialRange("SN3", natural));
  EXPECT_FALSE(InSerialRange("SN3", text));  // "SN3" > "SN20" bytewise
  EXPECT_FALSE(InSerialRange("SN21", natural));
  EXPECT_TRUE(InSerialRange("SN20", natural));  // inclusive
  EXPECT_TRUE(MatchesSerials("anything", {}));
  EXPECT_TRUE(MatchesSerials("SN3", {text, natural}));
}

TEST(Criteria, JsonRoundTripsThroughItsCanonicalForm) {
  auto c = ParseCriteriaJson(R"({"devices": ["9506000134352"], "lots": ["L1", "L2"],
      "catalogue_numbers": ["REF-1"],
      "serials": [{"from": "SN1", "to": "SN20"}, {"from": "A", "to": "B", "order": "text"}],
      "expiry": {"from": "2026-01-01"}, "production": {"to": "2025-06-30"},
      "implanted": {"from": "2020-01-01", "to": "2024-12-31"}})");
  ASSERT_TRUE(c.has_value()) << c.error().message();
  EXPECT_EQ(c->device_ids, std::vector<std::string>{"09506000134352"});  // GTIN-13 padded
  EXPECT_EQ(c->serials[0].order, SerialOrder::kNatural);
  EXPECT_EQ(c->serials[1].order, SerialOrder::kText);
  EXPECT_EQ(c->expiry.from, Day(2026, 1, 1));
  EXPECT_FALSE(c->expiry.to.has_value());
  EXPECT_EQ(c->implanted.to, Day(2024, 12, 31));
  auto again = ParseCriteriaJson(CriteriaJson(*c));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, *c);
}

TEST(Criteria, ErrorsNameTheFieldAndTheRule) {
  EXPECT_THAT(ErrorOf(R"({"lots": ["L1"]})"),
              HasSubstr("criteria.devices: a recall names at least one device model"));
  EXPECT_THAT(ErrorOf(R"({"devices": ["09506000134353"]})"), HasSubstr("criteria.devices[0]"));
  EXPECT_THAT(ErrorOf(R"({"devices": ["09506000134352"], "lot": ["L1"]})"),
              HasSubstr("criteria.lot: unknown member"));
  EXPECT_THAT(ErrorOf(R"({"devices": ["09506000134352"], "lots": "L1"})"),
              HasSubstr("criteria.lots: must be an array of strings"));
  EXPECT_THAT(
      ErrorOf(R"({"devices": ["09506000134352"], "serials": [{"from": "SN20", "to": "SN3"}]})"),
      HasSubstr("criteria.serials[0]: from 'SN20' sorts after to 'SN3' in natural order"));
  EXPECT_THAT(ErrorOf(R"({"devices": ["09506000134352"], "serials": [{"from": "SN1"}]})"),
              HasSubstr("criteria.serials[0]: a serial range needs both from and to"));
  EXPECT_THAT(ErrorOf(R"({"devices": ["09506000134352"], "serials": [{"from": "1", "to": "2",
      "order": "numeric"}]})"),
              HasSubstr("serials[0].order: 'numeric' is not a serial order"));
  EXPECT_THAT(ErrorOf(R"({"devices": ["09506000134352"], "implanted": {"from": "2025-02-30"}})"),
              HasSubstr("criteria.implanted.from"));
  EXPECT_THAT(ErrorOf(R"({"devices": ["09506000134352"],
      "expiry": {"from": "2026-01-01", "to": "2025-01-01"}})"),
              HasSubstr("criteria.expiry: from 2026-01-01 is after to 2025-01-01"));
  EXPECT_THAT(ErrorOf(R"({"devices": ["09506000134352"], "expiry": {"since": "2026-01-01"}})"),
              HasSubstr("criteria.expiry.since: unknown member"));
  EXPECT_THAT(ErrorOf("[1]"), HasSubstr("criteria: not a JSON object"));
}

TEST(Criteria, ACatalogueNumberAloneNamesADeviceModel) {
  Criteria c;
  c.catalogue_numbers = {"REF-1"};
  EXPECT_TRUE(Validate(c).has_value());
  c.lots = {""};
  auto bad = Validate(c);
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.error().message(), HasSubstr("criteria.lots[0]: must be 1 to 64 characters"));
}

TEST(Criteria, AHibccDeviceIdentifierLosesItsLeadingPlus) {
  Criteria c;
  c.device_ids = {"+A999123455"};
  auto v = Validate(c);
  ASSERT_TRUE(v.has_value()) << v.error().message();
  EXPECT_EQ(v->device_ids[0].front(), 'A');
}

}  // namespace
}  // namespace orp::recall
