#include "orp/synth/label.h"

#include <gtest/gtest.h>

namespace orp::synth {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

// The worked examples G1, G2 and D1 of ../shared/specs/uk-standards.md §3.6.
DeviceLabel ExampleLabel() {
  return DeviceLabel{
      "09506000134352", "ABC123", "12345", Date{year{2026} / 12 / 31}, false, "", ""};
}

TEST(Label, BracketedFormMatchesWorkedExampleG1) {
  EXPECT_EQ(Gs1Bracketed(ExampleLabel()), "(01)09506000134352(17)261231(10)ABC123(21)12345");
}

TEST(Label, ElementStringMatchesWorkedExampleG2WithGroupSeparatorAfterTheLot) {
  EXPECT_EQ(Gs1ElementString(ExampleLabel(), true),
            "]d20109506000134352172612311"
            "0ABC123\x1d"
            "2112345");
  EXPECT_EQ(Gs1ElementString(ExampleLabel(), false).substr(0, 2), "01");
}

TEST(Label, DigitalLinkMatchesWorkedExampleD1) {
  EXPECT_EQ(Gs1DigitalLink(ExampleLabel()),
            "https://id.gs1.org/01/09506000134352/10/ABC123/21/12345?17=261231");
}

TEST(Label, DayZeroExpiryIsWrittenAsYymm00) {
  DeviceLabel label = ExampleLabel();
  label.expiry_day_zero = true;
  EXPECT_EQ(Gs1Date(label.expiry, true), "261200");
  EXPECT_NE(Gs1Bracketed(label).find("(17)261200"), std::string::npos);
}

TEST(Label, HibcCheckCharactersMatchWorkedExamples) {
  EXPECT_EQ(HibcCheckCharacter("+A99912345"), '7');                                     // H1
  EXPECT_EQ(HibcCheckCharacter("+A99912345/$$52001510X3/16D20111212/S77DE1G45"), '-');  // H2
  EXPECT_EQ(HibcCheckCharacter("+A123BJC5D6E71"), 'G');                                 // H4
}

TEST(Label, HibcConcatenatedCarriesLotSerialExpiryAndItsOwnCheck) {
  DeviceLabel label = ExampleLabel();
  label.hibc_lic = "E123";
  label.hibc_pcn = "BR4412";
  const std::string text = HibcConcatenated(label);
  EXPECT_EQ(text.substr(0, text.size() - 1), "+E123BR44120/$$3261231ABC123/S12345");
  EXPECT_EQ(text.back(), HibcCheckCharacter(text.substr(0, text.size() - 1)));
}

}  // namespace
}  // namespace orp::synth
