#include "orp/udi/gs1.h"

#include <gtest/gtest.h>

#include "orp/udi/parse.h"
#include "orp/udi/test_util.h"

namespace orp::udi {
namespace {

using testing::Codes;
using testing::FindingFor;
using testing::On2026;
using testing::Ymd;

const std::string kGs = "\x1d";

// --- Worked examples G1-G19 of ../shared/specs/uk-standards.md §3.6 ---

TEST(Gs1WorkedExample, G1HriGivesGtinExpiryLotAndSerial) {
  ParsedUdi u = ParseUdi("(01)09506000134352(17)261231(10)ABC123(21)12345", On2026());
  EXPECT_TRUE(u.ok()) << Codes(u);
  EXPECT_EQ(u.issuer, Issuer::kGs1);
  EXPECT_EQ(u.format, Format::kGs1Hri);
  EXPECT_EQ(u.di, "09506000134352");
  EXPECT_EQ(u.expiry, Ymd(2026, 12, 31));
  EXPECT_EQ(u.lot, "ABC123");
  EXPECT_EQ(u.serial, "12345");
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
}

TEST(Gs1WorkedExample, G2ElementStringNeedsNoSeparatorAfterPredefinedLengths) {
  const std::string scan =
      "]d20109506000134352"
      "17261231"
      "10ABC123" +
      kGs + "2112345";
  ParsedUdi u = ParseUdi(scan, On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.format, Format::kGs1ElementString);
  EXPECT_EQ(u.di, "09506000134352");
  EXPECT_EQ(u.expiry, Ymd(2026, 12, 31));
  EXPECT_EQ(u.lot, "ABC123");
  EXPECT_EQ(u.serial, "12345");
  EXPECT_EQ(u.raw, scan);
}

TEST(Gs1WorkedExample, G3DayZeroIsTheLastDayOfTheMonthAndLastFieldNeedsNoSeparator) {
  ParsedUdi u = ParseUdi(
      "0109506000134352"
      "17261200"
      "1012345",
      On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.expiry, Ymd(2026, 12, 31));
  EXPECT_EQ(u.lot, "12345");
}

TEST(Gs1WorkedExample, G4NamesTheExpectedCheckDigit) {
  ParsedUdi u = ParseUdi("(01)09506000134353(10)A1", On2026());
  EXPECT_FALSE(u.ok());
  const Finding* f = FindingFor(u, "gs1.check_digit");
  ASSERT_NE(f, nullptr) << Codes(u);
  EXPECT_EQ(f->field, "01");
  EXPECT_NE(f->message.find("should be 2, not 3"), std::string::npos) << f->message;
}

TEST(Gs1WorkedExample, G5RejectsThirtiethOfFebruary) {
  ParsedUdi u = ParseUdi("(01)09506000134352(17)260230(10)A1", On2026());
  const Finding* f = FindingFor(u, "gs1.date");
  ASSERT_NE(f, nullptr) << Codes(u);
  EXPECT_EQ(f->field, "17");
  EXPECT_NE(f->message.find("day 30 is not in February 2026"), std::string::npos) << f->message;
  EXPECT_FALSE(u.expiry.has_value());
}

TEST(Gs1WorkedExample, G6RejectsMonthThirteen) {
  ParsedUdi u = ParseUdi("(01)09506000134352(17)261310", On2026());
  const Finding* f = FindingFor(u, "gs1.date");
  ASSERT_NE(f, nullptr) << Codes(u);
  EXPECT_NE(f->message.find("month 13"), std::string::npos) << f->message;
}

TEST(Gs1WorkedExample, G7RejectsALotOfTwentyOneCharacters) {
  ParsedUdi u = ParseUdi("(01)09506000134352(10)ABCDEFGHIJKLMNOPQRSTU", On2026());
  const Finding* f = FindingFor(u, "gs1.length");
  ASSERT_NE(f, nullptr) << Codes(u);
  EXPECT_EQ(f->field, "10");
  EXPECT_NE(f->message.find("length 21 is outside 1..20"), std::string::npos) << f->message;
}

TEST(Gs1WorkedExample, G8RejectsHashOutsideCset82) {
  ParsedUdi u = ParseUdi("(01)09506000134352(21)AB#12", On2026());
  const Finding* f = FindingFor(u, "gs1.charset");
  ASSERT_NE(f, nullptr) << Codes(u);
  EXPECT_EQ(f->field, "21");
  EXPECT_NE(f->message.find("'#'"), std::string::npos) << f->message;
}

TEST(Gs1WorkedExample, G9DroppedSeparatorMergesSerialIntoLotAndIsWarned) {
  ParsedUdi u = ParseUdi(
      "0109506000134352"
      "10ABC123"
      "2112345",
      On2026());
  EXPECT_TRUE(u.ok()) << Codes(u);  // syntactically valid
  EXPECT_EQ(u.lot, "ABC1232112345");
  EXPECT_EQ(u.serial, "");
  const Finding* f = FindingFor(u, "gs1.missing_separator");
  ASSERT_NE(f, nullptr) << Codes(u);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_NE(f->message.find("(10)ABC123(21)12345"), std::string::npos) << f->message;
}

TEST(Gs1WorkedExample, G10ReadsProductionAndExpiry) {
  ParsedUdi u = ParseUdi("(01)09506000134352(11)250115(17)300114(10)LOT1", On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.production_date, Ymd(2025, 1, 15));
  EXPECT_EQ(u.expiry, Ymd(2030, 1, 14));
  EXPECT_EQ(u.lot, "LOT1");
}

TEST(Gs1WorkedExample, G11RejectsAThirteenDigitGtinInAi01) {
  ParsedUdi u = ParseUdi("(01)9506000134352(10)X", On2026());
  const Finding* f = FindingFor(u, "gs1.length");
  ASSERT_NE(f, nullptr) << Codes(u);
  EXPECT_EQ(f->field, "01");
  EXPECT_NE(f->message.find("must be 14 digits, got 13"), std::string::npos) << f->message;
}

TEST(Gs1WorkedExample, G12ReadsAdditionalIdAndSerial) {
  ParsedUdi u = ParseUdi("(01)09506000134352(240)REF-1234(21)SN001", On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.additional_id, "REF-1234");
  EXPECT_EQ(u.serial, "SN001");
}

TEST(Gs1WorkedExample, G13ExpiryDateTimeIsNotPredefinedSoNeedsASeparator) {
  ParsedUdi u = ParseUdi(
      "0109506000134352"
      "70032612311530" +
          kGs + "10B1",
      On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.expiry, Ymd(2026, 12, 31));
  EXPECT_EQ(u.expiry_time, std::chrono::minutes(15 * 60 + 30));
  EXPECT_EQ(u.lot, "B1");
}

TEST(Gs1WorkedExample, G14ReadsSoftwareVersionAndSerial) {
  ParsedUdi u = ParseUdi(
      "0109506000134352"
      "8012v2.1.0" +
          kGs + "21ABC",
      On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.software_version, "v2.1.0");
  EXPECT_EQ(u.serial, "ABC");
}

TEST(Gs1WorkedExample, G15FhirExampleParsesAndWarnsThatItHasExpired) {
  ParsedUdi u = ParseUdi(
      "0100844588003288"
      "17141120"
      "107654321D" +
          kGs + "2110987654d321",
      On2026());
  EXPECT_TRUE(u.ok()) << Codes(u);
  EXPECT_EQ(u.di, "00844588003288");
  EXPECT_EQ(u.expiry, Ymd(2014, 11, 20));
  EXPECT_EQ(u.lot, "7654321D");
  EXPECT_EQ(u.serial, "10987654d321");
  const Finding* f = FindingFor(u, "udi.expired");
  ASSERT_NE(f, nullptr) << Codes(u);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_EQ(u.findings.size(), 1u) << Codes(u);
}

TEST(Gs1WorkedExample, G16Gs1128WithSlashInLotAndDayZeroExpiry) {
  ParsedUdi u = ParseUdi(
      "]C10105012345678900"
      "11240501"
      "17290500"
      "10B2024/05" +
          kGs + "21SN-0001",
      On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.production_date, Ymd(2024, 5, 1));
  EXPECT_EQ(u.expiry, Ymd(2029, 5, 31));
  EXPECT_EQ(u.lot, "B2024/05");
  EXPECT_EQ(u.serial, "SN-0001");
}

TEST(Gs1WorkedExample, G17ExpiryAndLotRequireAGtin) {
  ParsedUdi u = ParseUdi("(17)261231(10)ABC", On2026());
  EXPECT_FALSE(u.ok());
  int requires_findings = 0;
  for (const Finding& f : u.findings) {
    if (f.code != "gs1.requires") continue;
    ++requires_findings;
    EXPECT_NE(f.message.find("requires AI01 or 02 or 8006 or 8026"), std::string::npos)
        << f.message;
  }
  EXPECT_EQ(requires_findings, 2) << Codes(u);
}

TEST(Gs1WorkedExample, G18RejectsDuplicateSerialWithDifferentValues) {
  ParsedUdi u = ParseUdi("(01)09506000134352(21)123(21)456", On2026());
  const Finding* f = FindingFor(u, "gs1.duplicate_ai");
  ASSERT_NE(f, nullptr) << Codes(u);
  EXPECT_EQ(f->field, "21");
  EXPECT_EQ(u.serial, "123");
}

TEST(Gs1WorkedExample, G19RejectsUnknownAi26) {
  ParsedUdi u = ParseUdi("(01)09506000134352(26)X", On2026());
  const Finding* f = FindingFor(u, "gs1.unknown_ai");
  ASSERT_NE(f, nullptr) << Codes(u);
  EXPECT_EQ(f->field, "26");
  EXPECT_EQ(u.di, "09506000134352");
}

// --- Further cases ---

TEST(Gs1ElementString, UnknownAiInElementStringStopsAndNamesThePosition) {
  ParsedUdi u = ParseGs1ElementString(
      "0109506000134352"
      "26X",
      On2026());
  const Finding* f = FindingFor(u, "gs1.unknown_ai");
  ASSERT_NE(f, nullptr) << Codes(u);
  EXPECT_EQ(f->position, 16);
  EXPECT_EQ(u.di, "09506000134352");
}

TEST(Gs1ElementString, AcceptsEveryGs1SymbologyIdentifierAndALeadingFnc1) {
  for (std::string prefix : {"]C1", "]d2", "]Q3", "]e0", "]J1", "\x1d", "]d2\x1d"}) {
    ParsedUdi u = ParseUdi(prefix +
                               "0109506000134352"
                               "17261231",
                           On2026());
    EXPECT_TRUE(u.findings.empty()) << prefix << ": " << Codes(u);
    EXPECT_EQ(u.expiry, Ymd(2026, 12, 31)) << prefix;
  }
}

TEST(Gs1ElementString, ASeparatorAfterAPredefinedLengthValueIsHarmless) {
  ParsedUdi u = ParseUdi(
      "0109506000134352\x1d"
      "17261231\x1d"
      "10A",
      On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.lot, "A");
}

TEST(Gs1ElementString, TruncatedPredefinedValueIsALengthError) {
  ParsedUdi u = ParseGs1ElementString("01095060001343", On2026());
  EXPECT_TRUE(u.HasFinding("gs1.length")) << Codes(u);
}

TEST(Gs1ElementString, NonGs1SymbologyIdentifierIsRejectedByTheElementStringParser) {
  ParsedUdi u = ParseGs1ElementString("]d10109506000134352", On2026());
  EXPECT_TRUE(u.HasFinding("gs1.symbology")) << Codes(u);
}

TEST(Gs1ElementString, SameAiTwiceWithTheSameValueIsAccepted) {
  ParsedUdi u = ParseUdi("(01)09506000134352(10)A(10)A", On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
}

TEST(Gs1ElementString, AiTwoThreeFiveExcludesSerial) {
  ParsedUdi u = ParseUdi("(01)09506000134352(235)XYZ(21)1", On2026());
  EXPECT_TRUE(u.HasFinding("gs1.excludes")) << Codes(u);
}

TEST(Gs1ElementString, ExpiryBeforeProductionIsAnError) {
  ParsedUdi u = ParseUdi("(01)09506000134352(11)300114(17)250115", On2026());
  EXPECT_TRUE(u.HasFinding("gs1.expiry_before_production")) << Codes(u);
}

TEST(Gs1ElementString, OtherAisAreKeptInLabelOrder) {
  ParsedUdi u = ParseUdi(
      "0109506000134352"
      "422826" +
          kGs + "22V1" + kGs + "10L" + kGs + "3103000123",
      On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  ASSERT_EQ(u.other_ais.size(), 3u);
  EXPECT_EQ(u.other_ais[0], (AiValue{"422", "826"}));
  EXPECT_EQ(u.other_ais[1], (AiValue{"22", "V1"}));
  EXPECT_EQ(u.other_ais[2], (AiValue{"3103", "000123"}));
}

TEST(Gs1ElementString, SwallowedSerialWarningIsNotRaisedWhenTheLotWasEndedBySeparator) {
  ParsedUdi u = ParseUdi(
      "0109506000134352"
      "10ABC12321" +
          kGs + "17261231",
      On2026());
  EXPECT_FALSE(u.HasFinding("gs1.missing_separator")) << Codes(u);
}

TEST(Gs1ElementString, SevenThousandThreeRejectsAnImpossibleTime) {
  ParsedUdi u = ParseUdi(
      "0109506000134352"
      "70032612312460",
      On2026());
  EXPECT_TRUE(u.HasFinding("gs1.date")) << Codes(u);
}

TEST(Gs1ElementString, IndicatorDigitNineIsWarnedAsVariableMeasure) {
  ParsedUdi u = ParseUdi("(01)99506000134355(10)A", On2026());
  EXPECT_EQ(Codes(u), "gs1.variable_measure?");
  EXPECT_EQ(u.di, "99506000134355");
}

TEST(Gs1Hri, ValueMayContainParenthesesThatAreNotAnAi) {
  ParsedUdi u = ParseUdi("(01)09506000134352(10)A(B)C(21)X(7)", On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.lot, "A(B)C");
  EXPECT_EQ(u.serial, "X(7)");
}

TEST(Gs1Hri, SpacesAroundValuesAreIgnored) {
  ParsedUdi u = ParseUdi("(01) 09506000134352 (17) 261231", On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.expiry, Ymd(2026, 12, 31));
}

TEST(Gs1Hri, TextBeforeTheFirstAiIsASyntaxError) {
  ParsedUdi u = ParseGs1Hri("x(01)09506000134352", On2026());
  EXPECT_TRUE(u.HasFinding("gs1.hri_syntax")) << Codes(u);
}

}  // namespace
}  // namespace orp::udi
