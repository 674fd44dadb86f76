#include "orp/proms/channel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "orp/proms/smtp.h"

namespace orp::proms {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

OutgoingMessage Sample() {
  return {"<prom-1@orp>",
          "reminder-1",
          "Pain numeric rating scale",
          "https://orp.invalid/proms/abc",
          Date{std::chrono::year{2025} / 9 / 13},
          Contact{"Ann Example", "ann@example.invalid", "07700900001", {"1 Test Street"}}};
}

TEST(FormatEmail, UsesCrlfAndDoublesALeadingDot) {
  OutgoingMessage m = Sample();
  m.contact.name = ".Ann";
  const std::string email = FormatEmail(SmtpOptions{}, m);
  EXPECT_THAT(email, HasSubstr("Subject: Reminder: how are you since your operation?\r\n"));
  EXPECT_THAT(email, HasSubstr("Message-ID: <prom-1@orp>\r\n"));
  EXPECT_THAT(email, HasSubstr("\r\n\r\nDear .Ann,"));
  EXPECT_THAT(email, Not(HasSubstr("\n\n")));
  EXPECT_THAT(email, HasSubstr("until 2025-09-13"));
}

TEST(CsvContactDirectory, FindsByPseudonymAndNamesTheLineOfABadRowWithoutQuotingIt) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto good = dir / "orp_proms_contacts_good.csv";
  const auto bad = dir / "orp_proms_contacts_bad.csv";
  domain::Pseudonym p;
  p.bytes.fill(0xab);
  std::ofstream(good) << "pseudonym,name,email,phone,address\n"
                      << p.Hex() << ",Ann,ann@example.invalid,0770,1 Street|Leeds\n";
  std::ofstream(bad) << "pseudonym,name,email,phone,address\nnot-hex,Bob,bob@x,1,\n";
  auto directory = CsvContactDirectory::Load(good);
  ASSERT_TRUE(directory.has_value()) << directory.error().message();
  auto found = (*directory)->Find(p);
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->address, (std::vector<std::string>{"1 Street", "Leeds"}));
  domain::Pseudonym other;
  EXPECT_FALSE((*directory)->Find(other)->has_value());
  auto refused = CsvContactDirectory::Load(bad);
  ASSERT_FALSE(refused.has_value());
  EXPECT_THAT(refused.error().message(), HasSubstr(":2: 'pseudonym' must be 64 hex digits"));
  EXPECT_THAT(refused.error().message(), Not(HasSubstr("bob")));
  std::filesystem::remove(good);
  std::filesystem::remove(bad);
}

TEST(SmsChannel, RefusesAPatientWithoutAMobileNumberAsPermanent) {
  SmsChannel sms(std::make_unique<FileSmsAdapter>("/nonexistent/never-written"));
  OutgoingMessage m = Sample();
  m.contact.phone.clear();
  auto sent = sms.Send(m);
  ASSERT_FALSE(sent.has_value());
  EXPECT_EQ(sent.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace orp::proms
