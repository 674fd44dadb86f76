#include "orp/udi/parse.h"

#include <gtest/gtest.h>

#include "orp/udi/test_util.h"

namespace orp::udi {
namespace {

using testing::Codes;
using testing::On2026;

TEST(IccbbaWorkedExample, I1IsKeptRawAndNeedsManualEntry) {
  ParsedUdi u = ParseUdi("=)1TE123456A&)RZ12345678", On2026());
  EXPECT_EQ(u.issuer, Issuer::kIccbba);
  EXPECT_EQ(u.format, Format::kIccbba);
  EXPECT_EQ(u.raw, "=)1TE123456A&)RZ12345678");
  EXPECT_EQ(Codes(u), "iccbba.manual_entry?");
  EXPECT_EQ(u.di, "");
}

TEST(FormatSniffing, RecognisesEachCarrier) {
  EXPECT_EQ(DetectFormat("]d20109506000134352"), Format::kGs1ElementString);
  EXPECT_EQ(DetectFormat("0109506000134352"), Format::kGs1ElementString);
  EXPECT_EQ(DetectFormat("\x1d"
                         "0109506000134352"),
            Format::kGs1ElementString);
  EXPECT_EQ(DetectFormat("(01)09506000134352"), Format::kGs1Hri);
  EXPECT_EQ(DetectFormat("https://id.gs1.org/01/09506000134352"), Format::kGs1DigitalLink);
  EXPECT_EQ(DetectFormat("]Q1https://id.gs1.org/01/09506000134352"), Format::kGs1DigitalLink);
  EXPECT_EQ(DetectFormat("+A999123457"), Format::kHibcc);
  EXPECT_EQ(DetectFormat("]d1+A999123457"), Format::kHibcc);
  EXPECT_EQ(DetectFormat("*+A999123457*"), Format::kHibcc);
  EXPECT_EQ(DetectFormat("&)RZ12345678"), Format::kIccbba);
  EXPECT_EQ(DetectFormat("[)>\x1e"
                         "06\x1d"
                         "9N110375286414\x1e\x04"),
            Format::kIso15434);
  EXPECT_EQ(DetectFormat("hello"), Format::kUnknown);
  EXPECT_EQ(DetectFormat(""), Format::kUnknown);
}

TEST(FormatSniffing, HibcAfterANonGs1SymbologyIdentifierParses) {
  ParsedUdi u = ParseUdi("]d1+A999123457\r\n", On2026());
  EXPECT_TRUE(u.findings.empty()) << Codes(u);
  EXPECT_EQ(u.di, "A99912345");
  EXPECT_EQ(u.raw, "]d1+A999123457");
}

TEST(FormatSniffing, Iso15434EnvelopeIsKeptRawAndFlaggedUnsupported) {
  std::string envelope =
      "[)>\x1e"
      "06\x1d"
      "9N110375286414\x1d"
      "1T12345\x1e\x04";
  ParsedUdi u = ParseUdi(envelope, On2026());
  EXPECT_EQ(u.format, Format::kIso15434);
  EXPECT_EQ(Codes(u), "iso15434.unsupported?");
  EXPECT_EQ(u.raw, envelope);
}

TEST(FormatSniffing, UnknownTextIsAnErrorThatKeepsTheRawText) {
  ParsedUdi u = ParseUdi("  not a label ", On2026());
  EXPECT_EQ(Codes(u), "udi.unknown_format!");
  EXPECT_EQ(u.raw, "not a label");
}

TEST(ParsedUdiNames, AreStable) {
  EXPECT_EQ(IssuerName(Issuer::kGs1), "GS1");
  EXPECT_EQ(IssuerName(Issuer::kHibcc), "HIBCC");
  EXPECT_EQ(IssuerName(Issuer::kIccbba), "ICCBBA");
  EXPECT_EQ(FormatName(Format::kGs1DigitalLink), "gs1-digital-link");
  EXPECT_EQ(SeverityName(Severity::kWarning), "warning");
}

}  // namespace
}  // namespace orp::udi
