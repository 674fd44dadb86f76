#include "orp/udi/encode.h"

#include <gtest/gtest.h>

#include "orp/udi/parse.h"
#include "orp/udi/test_util.h"

namespace orp::udi {
namespace {

using testing::Codes;
using testing::On2026;
using testing::Ymd;

TEST(Gs1Encoder, PutsSeparatorsOnlyAfterVariableLengthValuesThatAreNotLast) {
  Gs1Field fields[] = {
      {"01", "09506000134352"}, {"17", "261231"}, {"10", "ABC123"}, {"21", "12345"}};
  auto text = EncodeGs1ElementString(fields);
  ASSERT_TRUE(text.has_value()) << text.error().message();
  EXPECT_EQ(*text,
            "]d2"
            "0109506000134352"
            "17261231"
            "10ABC123\x1d"
            "2112345");
  EXPECT_EQ(EncodeGs1Hri(fields), "(01)09506000134352(17)261231(10)ABC123(21)12345");
}

TEST(Gs1Encoder, RejectsUnknownAiAndWrongPredefinedLength) {
  Gs1Field unknown[] = {{"26", "X"}};
  EXPECT_FALSE(EncodeGs1ElementString(unknown).has_value());
  Gs1Field short_gtin[] = {{"01", "9506000134352"}};
  EXPECT_FALSE(EncodeGs1ElementString(short_gtin).has_value());
}

TEST(Encoders, EveryWriterRoundTripsThroughTheParser) {
  Date expiry = Ymd(2028, 2, 29);
  Gs1Field fields[] = {{"01", "09506000134352"}, {"10", "L/1"}, {"17", "280229"}, {"21", "S1"}};
  std::vector<std::string> labels = {
      *EncodeGs1ElementString(fields, "]C1"), EncodeGs1Hri(fields),
      EncodeDigitalLink("id.gs1.org", "09506000134352", "L/1", "S1", expiry)};
  for (const std::string& label : labels) {
    ParsedUdi u = ParseUdi(label, On2026());
    EXPECT_TRUE(u.findings.empty()) << label << ": " << Codes(u);
    EXPECT_EQ(u.di, "09506000134352") << label;
    EXPECT_EQ(u.lot, "L/1") << label;
    EXPECT_EQ(u.serial, "S1") << label;
    EXPECT_EQ(u.expiry, expiry) << label;
  }
  ParsedUdi h =
      ParseUdi(EncodeHibcConcatenated("A999", "1234", 5, "LOT7", expiry, "SN1"), On2026());
  EXPECT_TRUE(h.findings.empty()) << Codes(h);
  EXPECT_EQ(h.di, "A99912345");
  EXPECT_EQ(h.lot, "LOT7");
  EXPECT_EQ(h.serial, "SN1");
  EXPECT_EQ(h.expiry, expiry);
  EXPECT_EQ(EncodeHibcPrimary("A999", "1234", 5), "+A999123457");
}

}  // namespace
}  // namespace orp::udi
