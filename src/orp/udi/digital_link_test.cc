#include "orp/udi/digital_link.h"

#include <gtest/gtest.h>

#include "orp/udi/parse.h"
#include "orp/udi/test_util.h"

namespace orp::udi {
namespace {

using testing::Codes;
using testing::FindingFor;
using testing::On2026;
using testing::Ymd;

TEST(DigitalLinkWorkedExample, D1GivesTheSameDataAsG1) {
  ParsedUdi u =
      ParseUdi("https://id.gs1.org/01/09506000134352/10/ABC123/21/12345?17=261231", On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.format, Format::kGs1DigitalLink);
  EXPECT_EQ(u.di, "09506000134352");
  EXPECT_EQ(u.expiry, Ymd(2026, 12, 31));
  EXPECT_EQ(u.lot, "ABC123");
  EXPECT_EQ(u.serial, "12345");
}

TEST(DigitalLinkWorkedExample, D2AllowsAPathPrefixAndPercentDecodesValues) {
  ParsedUdi u = ParseUdi("https://example.com/dl/01/09506000134352/10/A%2FB", On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.lot, "A/B");
}

TEST(DigitalLinkWorkedExample, D3RejectsSerialBeforeLot) {
  ParsedUdi u = ParseUdi("https://id.gs1.org/01/09506000134352/21/12345/10/ABC123", On2026());
  const Finding* f = FindingFor(u, "dl.qualifier_order");
  ASSERT_NE(f, nullptr) << Codes(u);
  EXPECT_NE(f->message.find("AI10 is out of order"), std::string::npos) << f->message;
}

TEST(DigitalLinkWorkedExample, D4RejectsTwoThreeFiveWithSerial) {
  ParsedUdi u = ParseUdi("https://id.gs1.org/01/09506000134352/235/XYZ/21/1", On2026());
  const Finding* f = FindingFor(u, "gs1.excludes");
  ASSERT_NE(f, nullptr) << Codes(u);
  EXPECT_NE(f->message.find("AI235"), std::string::npos);
  EXPECT_NE(f->message.find("AI21"), std::string::npos);
}

TEST(DigitalLink, NormalisesGtin13And8And12To14Digits) {
  EXPECT_EQ(ParseUdi("https://id.gs1.org/01/9506000134352", On2026()).di, "09506000134352");
  EXPECT_EQ(ParseUdi("https://id.gs1.org/01/96385074", On2026()).di, "00000096385074");
  EXPECT_EQ(ParseUdi("https://id.gs1.org/01/036000291452", On2026()).di, "00036000291452");
}

TEST(DigitalLink, TwoThreeFiveAloneIsAccepted) {
  ParsedUdi u = ParseUdi("https://id.gs1.org/01/09506000134352/235/XYZ", On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  ASSERT_EQ(u.other_ais.size(), 1u);
  EXPECT_EQ(u.other_ais[0], (AiValue{"235", "XYZ"}));
}

TEST(DigitalLink, QueryAttributesAreReadAndNonGs1ParametersIgnored) {
  ParsedUdi u = ParseUdi(
      "HTTPS://resolver.example.nhs.uk/a/b/01/09506000134352/22/V%201/10/L1?linkType=gs1:pip"
      "&11=250115&17=300100&8012=v1.2&240=REF%2D9#frag",
      On2026());
  EXPECT_EQ(Codes(u), "gs1.charset!");  // "V 1": space is not in CSET 82
  EXPECT_EQ(u.lot, "L1");
  EXPECT_EQ(u.production_date, Ymd(2025, 1, 15));
  EXPECT_EQ(u.expiry, Ymd(2030, 1, 31));
  EXPECT_EQ(u.software_version, "v1.2");
  EXPECT_EQ(u.additional_id, "REF-9");
}

TEST(DigitalLink, BadPercentEscapeIsASyntaxError) {
  ParsedUdi u = ParseUdi("https://id.gs1.org/01/09506000134352/10/A%2", On2026());
  EXPECT_TRUE(u.HasFinding("dl.syntax")) << Codes(u);
}

TEST(DigitalLink, MissingPrimaryKeyIsNamed) {
  EXPECT_TRUE(ParseUdi("https://example.com/products/123", On2026()).HasFinding("dl.primary_key"));
  EXPECT_TRUE(ParseUdi("https://example.com", On2026()).HasFinding("dl.primary_key"));
}

TEST(DigitalLink, WrongCheckDigitInThePathIsReported) {
  ParsedUdi u = ParseUdi("https://id.gs1.org/01/09506000134353/10/A", On2026());
  EXPECT_TRUE(u.HasFinding("gs1.check_digit")) << Codes(u);
}

TEST(DigitalLink, QualifierInTheQueryIsAcceptedWithAWarning) {
  ParsedUdi u = ParseUdi("https://id.gs1.org/01/09506000134352?10=LOT9", On2026());
  EXPECT_EQ(Codes(u), "dl.qualifier_in_query?");
  EXPECT_EQ(u.lot, "LOT9");
}

TEST(DigitalLink, UnknownQualifierAndDanglingQualifierAreErrors) {
  EXPECT_TRUE(ParseUdi("https://id.gs1.org/01/09506000134352/17/261231", On2026())
                  .HasFinding("dl.qualifier_order"));
  EXPECT_TRUE(
      ParseUdi("https://id.gs1.org/01/09506000134352/10", On2026()).HasFinding("dl.syntax"));
}

}  // namespace
}  // namespace orp::udi
