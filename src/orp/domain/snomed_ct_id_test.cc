#include "orp/domain/snomed_ct_id.h"

#include <gtest/gtest.h>

namespace orp::domain {
namespace {

// Worked examples from uk-standards.md §2.6, plus two real concept ids (22298006 myocardial
// infarction, 71388002 procedure) that catch a mistyped Verhoeff p table.
TEST(SnomedCtId, AcceptsTheWorkedValidExamples) {
  for (const char* text : {"52734007", "24028007", "7771000", "51440002", "404684003",
                           "83821000000107", "22298006", "71388002"}) {
    auto id = SnomedCtId::Parse(text);
    ASSERT_TRUE(id.has_value()) << text << ": " << id.error().message();
    EXPECT_EQ(id->ToString(), text);
  }
}

TEST(SnomedCtId, VerhoeffCheckDigitRegeneratesEachExample) {
  for (std::string_view text : {"52734007", "24028007", "7771000", "51440002", "404684003",
                                "83821000000107", "22298006", "71388002"}) {
    EXPECT_EQ(SnomedCtId::VerhoeffCheckDigit(text.substr(0, text.size() - 1)), text.back() - '0')
        << text;
    EXPECT_TRUE(SnomedCtId::VerhoeffValid(text));
  }
}

TEST(SnomedCtId, VerhoeffCatchesEverySingleDigitErrorAndAdjacentSwap) {
  std::string id = "404684003";
  for (size_t i = 0; i < id.size(); ++i) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == id[i]) continue;
      std::string changed = id;
      changed[i] = d;
      EXPECT_FALSE(SnomedCtId::VerhoeffValid(changed)) << changed;
    }
    if (i + 1 < id.size() && id[i] != id[i + 1]) {
      std::string swapped = id;
      std::swap(swapped[i], swapped[i + 1]);
      EXPECT_FALSE(SnomedCtId::VerhoeffValid(swapped)) << swapped;
    }
  }
}

TEST(SnomedCtId, NamesTheExpectedCheckDigit) {
  EXPECT_EQ(SnomedCtId::Parse("52734008").error().message(),
            "SNOMED CT id '52734008' fails the Verhoeff check: the last digit should be 7, not 8");
}

TEST(SnomedCtId, RejectsLeadingZeroAndBadPartition) {
  EXPECT_EQ(SnomedCtId::Parse("012345").error().message(),
            "SNOMED CT id '012345' starts with 0, which no id does");
  EXPECT_EQ(SnomedCtId::Parse("123345").error().message(),
            "SNOMED CT id '123345' has partition 34 (the two digits before the last); it must be "
            "00, 01, 02, 10, 11 or 12");
}

// Appends the Verhoeff check digit, making an id whose other rules decide validity.
std::string WithCheckDigit(std::string payload) {
  return payload + char('0' + SnomedCtId::VerhoeffCheckDigit(payload));
}

TEST(SnomedCtId, RejectsLengthsOutsideSixToEighteen) {
  EXPECT_EQ(SnomedCtId::Parse("10003").error().message(),
            "SNOMED CT id '10003' has 5 digits; it must have 6 to 18");
  std::string eighteen = WithCheckDigit("1" + std::string(14, '0') + "00");
  ASSERT_EQ(eighteen.size(), 18u);
  EXPECT_TRUE(SnomedCtId::Parse(eighteen).has_value()) << eighteen;
  std::string nineteen = WithCheckDigit("1" + std::string(15, '0') + "00");
  EXPECT_FALSE(SnomedCtId::Parse(nineteen).has_value());
  EXPECT_FALSE(SnomedCtId::Parse("").has_value());
  EXPECT_FALSE(SnomedCtId::Parse("52734OO7").has_value());
  EXPECT_FALSE(SnomedCtId::Parse("-52734007").has_value());
}

TEST(SnomedCtId, RecognisesDescriptionAndRelationshipPartitions) {
  auto description = SnomedCtId::Parse(WithCheckDigit("123456701"));
  ASSERT_TRUE(description.has_value());
  EXPECT_TRUE(description->IsDescription());
  EXPECT_FALSE(description->IsConcept());
  auto relationship =
      SnomedCtId::Parse(WithCheckDigit("1234567"
                                       "1000000"
                                       "12"));
  ASSERT_TRUE(relationship.has_value());
  EXPECT_TRUE(relationship->IsRelationship());
  EXPECT_EQ(relationship->partition(), 12);
  EXPECT_EQ(relationship->namespace_id(), 1000000u);
}

TEST(SnomedCtId, RejectsLongFormatShorterThanEleven) {
  std::string id = WithCheckDigit("123410");  // partition 10 with no room for a namespace
  EXPECT_EQ(SnomedCtId::Parse(id).error().message(),
            "SNOMED CT id '" + id +
                "' has partition 10 (long format) but only 7 digits; the long format has at "
                "least 11");
}

TEST(SnomedCtId, ExposesPartitionAndNamespace) {
  auto concept_id = SnomedCtId::Parse("52734007").value();
  EXPECT_EQ(concept_id.partition(), 0);
  EXPECT_TRUE(concept_id.IsConcept());
  EXPECT_FALSE(concept_id.IsLongFormat());
  EXPECT_FALSE(concept_id.namespace_id().has_value());
  auto uk = SnomedCtId::Parse("83821000000107").value();
  EXPECT_EQ(uk.partition(), 10);
  EXPECT_TRUE(uk.IsConcept());
  EXPECT_EQ(uk.namespace_id(), 1000000u);
  EXPECT_EQ(uk.value(), 83821000000107u);
}

}  // namespace
}  // namespace orp::domain
