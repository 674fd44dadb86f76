#include "orp/domain/entities.h"

#include <gtest/gtest.h>

#include <cctype>

namespace orp::domain {
namespace {

TEST(Entities, EnumNamesRoundTripThroughParse) {
  for (auto t : {ProcedureType::kPrimary, ProcedureType::kRevision, ProcedureType::kExplant,
                 ProcedureType::kOther}) {
    EXPECT_EQ(*ParseProcedureType(Name(t)), t);
  }
  for (auto s : {SubmissionStatus::kPending, SubmissionStatus::kAccepted,
                 SubmissionStatus::kPartiallyAccepted, SubmissionStatus::kRejected}) {
    EXPECT_EQ(*ParseSubmissionStatus(Name(s)), s);
  }
  EXPECT_EQ(*ParseDeviceAction("explanted"), DeviceAction::kExplanted);
  EXPECT_EQ(*ParseOutcomeKind("death"), OutcomeKind::kDeath);
  EXPECT_EQ(*ParseSeverity("warning"), Severity::kWarning);
}

TEST(Entities, ParseNamesTheChoicesWhenTheValueIsUnknown) {
  auto t = ParseProcedureType("Primary");
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().message(),
            "procedure_type 'Primary' is not one of primary|revision|explant|other");
}

TEST(Entities, PseudonymHexIsLowercaseAndSixtyFourDigits) {
  Pseudonym p;
  p.bytes[0] = 0xAB;
  p.bytes[31] = 0x01;
  std::string hex = p.Hex();
  ASSERT_EQ(hex.size(), 64u);
  EXPECT_EQ(hex.substr(0, 2), "ab");
  EXPECT_EQ(hex.substr(62), "01");
}

TEST(Entities, RowIdsStartUnstored) {
  ProcedureId id;
  EXPECT_FALSE(id.stored());
  id.value = 7;
  EXPECT_TRUE(id.stored());
}

}  // namespace
TEST(Pseudonym, FromHexIsTheInverseOfHexAndRefusesAnythingElse) {
  Pseudonym p;
  for (size_t i = 0; i < p.bytes.size(); ++i) p.bytes[i] = static_cast<uint8_t>(i * 37 + 5);
  auto back = Pseudonym::FromHex(p.Hex());
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  EXPECT_EQ(*back, p);
  std::string upper = p.Hex();
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(Pseudonym::FromHex(upper).value(), p);
  EXPECT_FALSE(Pseudonym::FromHex(p.Hex().substr(1)).has_value());
  std::string bad = p.Hex();
  bad[10] = 'g';
  auto refused = Pseudonym::FromHex(bad);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace orp::domain
