// The daily PROMs run over a real SQLite store: who is invited, reminders and expiry, and the
// outbox delivering through a real SMTP conversation with a sink the test starts (a failing sink
// drives retries and the dead-letter list), a letter batch and an SMS file (issue 11).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "http_sink.h"
#include "orp/proms/answer.h"
#include "orp/proms/http_sms.h"
#include "orp/proms/run.h"
#include "orp/proms/smtp.h"
#include "orp/security/secrets.h"
#include "orp/storage/sqlite/sqlite_store.h"
#include "smtp_sink.h"

namespace orp::proms {
namespace {

using storage::PromInvitationStatus;
using storage::PromMessageStatus;
using ::testing::HasSubstr;

Date D(int y, unsigned m, unsigned d) {
  return Date(std::chrono::year_month_day(std::chrono::year(y), std::chrono::month(m),
                                          std::chrono::day(d)));
}

domain::Pseudonym PseudonymOf(uint8_t seed) {
  domain::Pseudonym p;
  p.bytes.fill(seed);
  return p;
}

class PromsRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*storage::sqlite::OpenStore(":memory:"));
    dir_ = std::filesystem::temp_directory_path() /
           ("orp_proms_run_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const char* source = std::getenv("ORP_SOURCE_DIR");
    instruments_ = *LoadInstruments(std::filesystem::path(source ? source : ".") / "instruments");
    domain::RegistryDefinition registry;
    registry.code = "BCIR";
    domain::FollowUpSchedule pain;
    pain.instrument = "PAIN-NRS";
    pain.months = {6};
    pain.window_days = 60;
    pain.reminder_days = {14};
    registry.follow_up = {pain};
    registries_ = *domain::RegistrySet::Create({registry});
    Populate();
    WriteContacts();
    options_.today = D(2025, 7, 15);
    options_.now = domain::Instant(std::chrono::seconds(1'752'570'000));
    options_.retry.max_attempts = 3;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Patients 1 (well), 2 (died), 3 (opted out), 4 (implant removed); primaries on 15 Jan 2025.
  void Populate() {
    auto start = store_->BeginSubmission({"k1", "RRK", "BCIR", {}});
    storage::Transaction& tx = *start->transaction;
    for (uint8_t seed = 1; seed <= 4; ++seed) {
      domain::Patient patient;
      patient.pseudonym = PseudonymOf(seed);
      if (seed == 2) patient.date_of_death = D(2025, 3, 1);
      patient.opted_out = seed == 3;
      domain::Procedure p;
      p.registry = "BCIR";
      p.procedure_ref = "P" + std::to_string(seed);
      p.patient = *tx.PutPatient(patient);
      p.date = D(2025, 1, 15);
      p.implants.emplace_back();
      ASSERT_TRUE(tx.PutProcedure(p).has_value());
      if (seed == 4) {
        domain::ImplantId implant = p.implants[0].id;
        ASSERT_TRUE(tx.MarkImplantsRemoved({&implant, 1}, p.id, D(2025, 4, 1)).has_value());
      }
    }
    ASSERT_TRUE(tx.FinishSubmission({domain::SubmissionStatus::kAccepted, 4, 4, 0, "{}"}));
    ASSERT_TRUE(tx.Commit().has_value());
  }

  void WriteContacts() {
    std::ofstream out(dir_ / "contacts.csv");
    out << "pseudonym,name,email,phone,address\n";
    out << PseudonymOf(1).Hex() << ",Ann Example,ann@example.invalid,07700900001,"
        << "1 Test Street|Leeds|LS1 1AA\n";
  }

  std::unique_ptr<ContactDirectory> Contacts() {
    return std::move(*CsvContactDirectory::Load(dir_ / "contacts.csv"));
  }

  Channels Smtp(int port) {
    Channels channels;
    SmtpOptions smtp;
    smtp.port = port;
    smtp.timeout = std::chrono::milliseconds(2000);
    channels["email"] = std::make_unique<SmtpChannel>(smtp);
    return channels;
  }

  RunReport Plan() {
    RunReport report;
    auto done = PlanInvitations(*store_, registries_, instruments_, options_, report);
    EXPECT_TRUE(done.has_value()) << done.error().ToString();
    return report;
  }

  RunReport Deliver(Channels& channels) {
    RunReport report;
    auto contacts = Contacts();
    auto done = DeliverMessages(*store_, instruments_, channels, *contacts, options_, report);
    EXPECT_TRUE(done.has_value()) << done.error().ToString();
    return report;
  }

  std::unique_ptr<storage::Store> store_;
  std::filesystem::path dir_;
  InstrumentSet instruments_;
  domain::RegistrySet registries_;
  RunOptions options_;
};

TEST_F(PromsRunTest, InvitesOnlyTheLivingWhoDidNotOptOutAndStillHaveTheImplant) {
  RunReport report = Plan();
  EXPECT_EQ(report.invited, 1);
  EXPECT_EQ(report.not_invited["died"], 1);
  EXPECT_EQ(report.not_invited["opted-out"], 1);
  EXPECT_EQ(report.not_invited["implant-removed"], 1);
  auto invitations = store_->ListPromInvitations({});
  ASSERT_EQ(invitations->size(), 1u);
  EXPECT_EQ((*invitations)[0].due, D(2025, 7, 15));
  EXPECT_EQ((*invitations)[0].expires, D(2025, 9, 13));
  EXPECT_EQ(Plan().invited, 0) << "a second run the same day invites nobody again";
  EXPECT_EQ(store_->ListPromMessages(PromMessageStatus::kPending, std::nullopt)->size(), 1u);
}

TEST_F(PromsRunTest, SendsTheInvitationOverSmtpWithALinkWhoseTokenIsStoredOnlyHashed) {
  Plan();
  testing::SmtpSink sink;
  Channels channels = Smtp(sink.port());
  RunReport report = Deliver(channels);
  EXPECT_EQ(report.sent, 1);
  ASSERT_EQ(sink.messages().size(), 1u);
  const std::string mail = sink.messages()[0];
  EXPECT_THAT(mail, HasSubstr("To: ann@example.invalid"));
  EXPECT_THAT(mail, HasSubstr("Dear Ann Example,"));
  EXPECT_THAT(sink.commands(), ::testing::Contains("RCPT TO:<ann@example.invalid>"));
  std::smatch link;
  ASSERT_TRUE(std::regex_search(mail, link, std::regex("proms/([a-z2-7]+)")));
  const std::string token = link[1];
  auto found = store_->FindPromInvitationByToken(security::Sha256Hex(token));
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_FALSE(store_->FindPromInvitationByToken(token)->has_value());
  EXPECT_EQ(Deliver(channels).sent, 0) << "nothing is sent twice";
  EXPECT_EQ(sink.messages().size(), 1u);
}

TEST_F(PromsRunTest, TheLinkOpensTheQuestionnaireAcceptsOneAnswerAndRefusesASecondUse) {
  Plan();
  testing::SmtpSink sink;
  Channels channels = Smtp(sink.port());
  Deliver(channels);
  std::smatch link;
  const std::string mail = sink.messages().at(0);
  ASSERT_TRUE(std::regex_search(mail, link, std::regex("proms/([a-z2-7]+)")));
  const std::string token = link[1];
  const Date answered_on = D(2025, 7, 20);
  auto opened = OpenInvitation(*store_, instruments_, token, answered_on);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  EXPECT_EQ(opened->instrument->code, "PAIN-NRS");
  EXPECT_EQ(
      AnswerInvitation(*store_, instruments_, token, {{"pain", 11}}, answered_on).error().code(),
      ErrorCode::kInvalidArgument);
  auto stored = AnswerInvitation(*store_, instruments_, token, {{"pain", 3}}, answered_on);
  ASSERT_TRUE(stored.has_value()) << stored.error().ToString();
  EXPECT_EQ(stored->answers, "pain=3");
  EXPECT_EQ(stored->source, "link");
  auto again = AnswerInvitation(*store_, instruments_, token, {{"pain", 2}}, answered_on);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(again.error().message().find("already been answered"), std::string::npos);
  auto reopened = OpenInvitation(*store_, instruments_, token, answered_on);
  ASSERT_FALSE(reopened.has_value());
  EXPECT_EQ(reopened.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(OpenInvitation(*store_, instruments_, "notatoken", answered_on).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListPromResponses("BCIR")->size(), 1u);
  EXPECT_EQ((*store_->ListPromInvitations({}))[0].status, PromInvitationStatus::kAnswered);
}

TEST_F(PromsRunTest, AnExpiredLinkIsRefused) {
  Plan();
  testing::SmtpSink sink;
  Channels channels = Smtp(sink.port());
  Deliver(channels);
  std::smatch link;
  const std::string mail = sink.messages().at(0);
  ASSERT_TRUE(std::regex_search(mail, link, std::regex("proms/([a-z2-7]+)")));
  const std::string token = link[1];
  auto late = AnswerInvitation(*store_, instruments_, token, {{"pain", 3}}, D(2025, 9, 14));
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(PromsRunTest, ATemporaryRefusalIsRetriedWithBackOffUntilItGoesToTheDeadLetterList) {
  Plan();
  testing::SmtpSink sink(451);
  Channels channels = Smtp(sink.port());
  EXPECT_EQ(Deliver(channels).retried, 1);
  auto pending = *store_->ListPromMessages(PromMessageStatus::kPending, std::nullopt);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].next_attempt, options_.now + std::chrono::seconds(300));
  EXPECT_EQ(pending[0].last_error, "SMTP RCPT TO: relay replied 451");
  EXPECT_EQ(Deliver(channels).retried, 0) << "not due again before the back-off";
  options_.now += std::chrono::seconds(300);
  EXPECT_EQ(Deliver(channels).retried, 1);
  options_.now += std::chrono::seconds(1200);
  EXPECT_EQ(Deliver(channels).dead, 1);
  auto dead = *store_->ListPromMessages(PromMessageStatus::kDead, std::nullopt);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].attempts, 3);
  EXPECT_THAT(dead[0].last_error, ::testing::Not(HasSubstr("ann@")));
}

TEST_F(PromsRunTest, APermanentRefusalGoesStraightToTheDeadLetterList) {
  Plan();
  testing::SmtpSink sink(554);
  Channels channels = Smtp(sink.port());
  EXPECT_EQ(Deliver(channels).dead, 1);
  EXPECT_EQ(store_->ListPromMessages(PromMessageStatus::kDead, std::nullopt)->size(), 1u);
}

TEST_F(PromsRunTest, ARelayThatIsDownIsRetriedLater) {
  Plan();
  int port = 0;
  {
    testing::SmtpSink gone;
    port = gone.port();
  }  // nothing listens there any more
  Channels channels = Smtp(port);
  EXPECT_EQ(Deliver(channels).retried, 1);
}

TEST_F(PromsRunTest, RemindsOnceOnTheReminderDayAndExpiresWhenTheLinkCloses) {
  Plan();
  options_.today = D(2025, 7, 29);
  EXPECT_EQ(Plan().reminders, 1);
  EXPECT_EQ(Plan().reminders, 0);
  auto messages = *store_->ListPromMessages(PromMessageStatus::kPending, std::nullopt);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[1].purpose, "reminder-1");
  options_.today = D(2025, 9, 14);
  EXPECT_EQ(Plan().expired, 1);
  EXPECT_EQ((*store_->ListPromInvitations({}))[0].status, PromInvitationStatus::kExpired);
}

TEST_F(PromsRunTest, LetterAndSmsChannelsWriteTheirBatchFiles) {
  options_.channels = {"letter", "sms"};
  Plan();
  Channels channels;
  channels["letter"] = std::make_unique<LetterBatchChannel>(dir_ / "letters.csv");
  channels["sms"] =
      std::make_unique<SmsChannel>(std::make_unique<FileSmsAdapter>(dir_ / "sms.txt"));
  EXPECT_EQ(Deliver(channels).sent, 2);
  std::ifstream letters(dir_ / "letters.csv");
  std::string header, row;
  std::getline(letters, header);
  std::getline(letters, row);
  EXPECT_EQ(header,
            "message_id,name,address_1,address_2,address_3,address_4,address_5,purpose,"
            "link,expires");
  EXPECT_THAT(row, HasSubstr("Ann Example,1 Test Street,Leeds,LS1 1AA,,,invitation,"));
  std::ifstream sms(dir_ / "sms.txt");
  std::string text;
  std::getline(sms, text);
  EXPECT_THAT(text, HasSubstr("07700900001\tThe implant registry asks"));
}

// The HTTP SMS provider behind the channel interface: 503 and 429 are retried with back-off,
// then a 2xx marks the text sent; a 400 is a dead letter at once.
TEST_F(PromsRunTest, AnSmsProviderOverHttpIsRetriedWithBackOffThenSentOrDeadLettered) {
  options_.channels = {"sms"};
  Plan();
  testing::HttpSink sink(503);
  HttpSmsOptions sms;
  sms.url = "http://127.0.0.1:" + std::to_string(sink.port()) + "/send";
  sms.timeout = std::chrono::milliseconds(2000);
  Channels channels;
  channels["sms"] = std::make_unique<SmsChannel>(std::move(*HttpSmsAdapter::Create(sms)));
  EXPECT_EQ(Deliver(channels).retried, 1);
  auto pending = *store_->ListPromMessages(PromMessageStatus::kPending, std::nullopt);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].next_attempt, options_.now + std::chrono::seconds(300));
  EXPECT_THAT(pending[0].last_error, HasSubstr("answered 503"));
  EXPECT_THAT(pending[0].last_error, ::testing::Not(HasSubstr("07700900001")));
  sink.set_status(429);
  options_.now += std::chrono::seconds(300);
  EXPECT_EQ(Deliver(channels).retried, 1);
  EXPECT_EQ(store_->ListPromMessages(PromMessageStatus::kPending, std::nullopt)->at(0).next_attempt,
            options_.now + std::chrono::seconds(1200));
  sink.set_status(200);
  options_.now += std::chrono::seconds(1200);
  EXPECT_EQ(Deliver(channels).sent, 1);
  EXPECT_EQ(sink.requests().size(), 3u);
  EXPECT_THAT(sink.requests().back().body, HasSubstr(R"("to":"07700900001")"));

  options_.today += std::chrono::days(14);  // the reminder, to a provider that refuses it
  Plan();
  sink.set_status(400);
  EXPECT_EQ(Deliver(channels).dead, 1);
  auto dead = *store_->ListPromMessages(PromMessageStatus::kDead, std::nullopt);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].purpose, "reminder-1");
  EXPECT_EQ(dead[0].attempts, 1);
}

TEST_F(PromsRunTest, APatientWithoutContactDetailsIsADeadLetterNotASilentGap) {
  store_ = std::move(*storage::sqlite::OpenStore(":memory:"));
  auto start = store_->BeginSubmission({"k2", "RRK", "BCIR", {}});
  domain::Patient patient;
  patient.pseudonym = PseudonymOf(9);
  domain::Procedure p;
  p.registry = "BCIR";
  p.procedure_ref = "P9";
  p.patient = *start->transaction->PutPatient(patient);
  p.date = D(2025, 1, 15);
  ASSERT_TRUE(start->transaction->PutProcedure(p).has_value());
  ASSERT_TRUE(
      start->transaction->FinishSubmission({domain::SubmissionStatus::kAccepted, 1, 1, 0, "{}"}));
  ASSERT_TRUE(start->transaction->Commit().has_value());
  Plan();
  testing::SmtpSink sink;
  Channels channels = Smtp(sink.port());
  EXPECT_EQ(Deliver(channels).dead, 1);
  EXPECT_EQ((*store_->ListPromMessages(PromMessageStatus::kDead, std::nullopt))[0].last_error,
            "not sent: no contact details for this patient");
}

}  // namespace
}  // namespace orp::proms
