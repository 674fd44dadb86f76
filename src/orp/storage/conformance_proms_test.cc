// Store conformance: PROMs invitations, responses and outbox (proms, #11).
#include <gmock/gmock.h>

#include "orp/storage/conformance_test.h"
#include "orp/storage/proms_reads.h"

namespace orp::storage::conformance {
namespace {

using domain::Instant;

struct Stored {
  PatientId patient;
  ProcedureId procedure;
};

Stored PutProcedureIn(Store& store, const std::string& key = "proms-k1", uint8_t seed = 7,
                      const std::string& ref = "P1") {
  auto start = store.BeginSubmission({key, "RRK", "BCIR", {}});
  EXPECT_TRUE(start.has_value() && start->transaction);
  Transaction& tx = *start->transaction;
  auto patient = tx.PutPatient(SamplePatient(seed));
  EXPECT_TRUE(patient.has_value());
  Procedure procedure = SampleProcedure(ref, *patient);
  EXPECT_TRUE(tx.PutProcedure(procedure).has_value());
  EXPECT_TRUE(tx.FinishSubmission({domain::SubmissionStatus::kAccepted, 1, 1, 0, "{}"}));
  EXPECT_TRUE(tx.Commit().has_value());
  return {*patient, procedure.id};
}

PromInvitation SampleInvitation(const Stored& s, int months, const std::string& token_hash) {
  PromInvitation i;
  i.registry = "BCIR";
  i.procedure = s.procedure;
  i.patient = s.patient;
  i.instrument = "PAIN-NRS";
  i.months = months;
  i.due = Day(2025, 1, 10);
  i.invited = Day(2025, 1, 11);
  i.expires = Day(2025, 3, 12);
  i.token_hash = token_hash;
  return i;
}

PromResponse SampleResponse(const Stored& s, int months, const std::string& answers) {
  PromResponse r;
  r.registry = "BCIR";
  r.procedure = s.procedure;
  r.patient = s.patient;
  r.instrument = "PAIN-NRS";
  r.instrument_version = "1";
  r.months = months;
  r.completed = Day(2025, 1, 20);
  r.answers = answers;
  r.source = "link";
  return r;
}

// Runs `write` in a transaction and commits it; returns what `write` returned.
template <typename Fn>
auto Write(Store& store, Fn write) {
  auto tx = store.Begin();
  EXPECT_TRUE(tx.has_value());
  auto result = write(**tx);
  if (result) {
    EXPECT_TRUE((*tx)->Commit().has_value());
  }
  return result;
}

TEST_P(StoreConformance, PromInvitationRoundTripsAndIsFoundByItsTokenHash) {
  Stored s = PutProcedureIn(*store_);
  PromInvitation invitation = SampleInvitation(s, 6, std::string(64, 'a'));
  auto added = Write(*store_, [&](Transaction& tx) { return tx.AddPromInvitation(invitation); });
  ASSERT_TRUE(added.has_value()) << added.error().ToString();
  EXPECT_TRUE(*added);
  EXPECT_NE(invitation.id, 0);
  auto found = store_->FindPromInvitationByToken(std::string(64, 'a'));
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ(**found, invitation);
  EXPECT_EQ(*store_->PromInvitationsOf(s.procedure), std::vector<PromInvitation>{invitation});
  EXPECT_FALSE(store_->FindPromInvitationByToken(std::string(64, 'b'))->has_value());
}

TEST_P(StoreConformance, PromInvitationForTheSameTimePointIsNotAddedTwice) {
  Stored s = PutProcedureIn(*store_);
  PromInvitation first = SampleInvitation(s, 6, std::string(64, 'a'));
  ASSERT_TRUE(*Write(*store_, [&](Transaction& tx) { return tx.AddPromInvitation(first); }));
  PromInvitation again = SampleInvitation(s, 6, std::string(64, 'c'));
  auto added = Write(*store_, [&](Transaction& tx) { return tx.AddPromInvitation(again); });
  ASSERT_TRUE(added.has_value());
  EXPECT_FALSE(*added);
  PromInvitation reused_token = SampleInvitation(s, 12, std::string(64, 'a'));
  auto tx = store_->Begin();
  auto refused = (*tx)->AddPromInvitation(reused_token);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kAlreadyExists);
}

TEST_P(StoreConformance, PromInvitationUpdateMovesStatusAndFilterFindsIt) {
  Stored s = PutProcedureIn(*store_);
  PromInvitation i = SampleInvitation(s, 6, std::string(64, 'a'));
  ASSERT_TRUE(*Write(*store_, [&](Transaction& tx) { return tx.AddPromInvitation(i); }));
  i.status = PromInvitationStatus::kAnswered;
  i.reminders_sent = 2;
  i.token_hash = std::string(64, 'd');
  ASSERT_TRUE(Write(*store_, [&](Transaction& tx) { return tx.UpdatePromInvitation(i); }));
  auto answered = store_->ListPromInvitations({"BCIR", PromInvitationStatus::kAnswered});
  ASSERT_TRUE(answered.has_value());
  EXPECT_EQ(*answered, std::vector<PromInvitation>{i});
  EXPECT_TRUE(store_->ListPromInvitations({"", PromInvitationStatus::kOpen})->empty());
  PromInvitation unknown = i;
  unknown.id = 9999;
  auto tx = store_->Begin();
  EXPECT_EQ((*tx)->UpdatePromInvitation(unknown).error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreConformance, PromResponseRoundTripsAndARepeatIsRefusedQuietly) {
  Stored s = PutProcedureIn(*store_);
  PromResponse r = SampleResponse(s, 0, "pain=7");
  r.source = "bulk:NJR";
  ASSERT_TRUE(*Write(*store_, [&](Transaction& tx) { return tx.AddPromResponse(r); }));
  PromResponse repeat = r;
  repeat.answers = "pain=3";
  EXPECT_FALSE(*Write(*store_, [&](Transaction& tx) { return tx.AddPromResponse(repeat); }));
  EXPECT_EQ(*store_->ListPromResponses("BCIR"), std::vector<PromResponse>{r});
  EXPECT_TRUE(store_->ListPromResponses("NJR")->empty());
}

TEST_P(StoreConformance, PromOutboxListsDueMessagesAndNeverQueuesOneTwice) {
  Stored s = PutProcedureIn(*store_);
  PromInvitation i = SampleInvitation(s, 6, std::string(64, 'a'));
  ASSERT_TRUE(*Write(*store_, [&](Transaction& tx) { return tx.AddPromInvitation(i); }));
  const Instant t0{std::chrono::seconds(1'750'000'000)};
  PromMessage email{0, i.id, "invitation", "email", PromMessageStatus::kPending, 0, t0, "", {}};
  PromMessage letter{
      0,  i.id, "invitation", "letter", PromMessageStatus::kPending, 0, t0 + std::chrono::hours(1),
      "", {}};
  ASSERT_TRUE(*Write(*store_, [&](Transaction& tx) { return tx.EnqueuePromMessage(email); }));
  ASSERT_TRUE(*Write(*store_, [&](Transaction& tx) { return tx.EnqueuePromMessage(letter); }));
  PromMessage again = email;
  EXPECT_FALSE(*Write(*store_, [&](Transaction& tx) { return tx.EnqueuePromMessage(again); }));

  auto due = store_->ListPromMessages(PromMessageStatus::kPending, t0);
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(*due, std::vector<PromMessage>{email});
  EXPECT_EQ(store_->ListPromMessages(PromMessageStatus::kPending, std::nullopt)->size(), 2u);

  email.status = PromMessageStatus::kSent;
  email.attempts = 1;
  email.sent_at = t0 + std::chrono::seconds(5);
  letter.status = PromMessageStatus::kDead;
  letter.attempts = 5;
  letter.last_error = "relay refused: 554";
  ASSERT_TRUE(Write(*store_, [&](Transaction& tx) { return tx.UpdatePromMessage(email); }));
  ASSERT_TRUE(Write(*store_, [&](Transaction& tx) { return tx.UpdatePromMessage(letter); }));
  EXPECT_TRUE(store_->ListPromMessages(PromMessageStatus::kPending, std::nullopt)->empty());
  EXPECT_EQ(*store_->ListPromMessages(PromMessageStatus::kSent, std::nullopt),
            std::vector<PromMessage>{email});
  EXPECT_EQ(*store_->ListPromMessages(PromMessageStatus::kDead, std::nullopt),
            std::vector<PromMessage>{letter});
}

TEST_P(StoreConformance, PromsReadByPatientFindsOnlyThatPatientsInvitationsAndResponses) {
  Stored mine = PutProcedureIn(*store_);
  Stored theirs = PutProcedureIn(*store_, "proms-k2", 8, "P2");
  ASSERT_NE(mine.patient, theirs.patient);
  PromInvitation open = SampleInvitation(mine, 6, std::string(64, 'a'));
  PromInvitation answered = SampleInvitation(mine, 12, std::string(64, 'b'));
  answered.status = PromInvitationStatus::kAnswered;
  PromInvitation other = SampleInvitation(theirs, 6, std::string(64, 'c'));
  PromResponse baseline = SampleResponse(mine, 0, "pain=7");
  PromResponse other_response = SampleResponse(theirs, 0, "pain=2");
  ASSERT_TRUE(Write(*store_, [&](Transaction& tx) -> Result<bool> {
    for (PromInvitation* i : {&open, &other, &answered}) {
      auto added = tx.AddPromInvitation(*i);
      if (!added) return added;
    }
    auto added = tx.AddPromResponse(other_response);
    if (!added) return added;
    return tx.AddPromResponse(baseline);
  }));
  PromsReads* reads = AsPromsReads(*store_);
  ASSERT_NE(reads, nullptr);
  auto invitations = reads->PromInvitationsOfPatient(mine.patient);
  ASSERT_TRUE(invitations.has_value()) << invitations.error().ToString();
  EXPECT_EQ(*invitations, (std::vector<PromInvitation>{open, answered}));  // id order
  auto responses = reads->PromResponsesOfPatient(mine.patient);
  ASSERT_TRUE(responses.has_value()) << responses.error().ToString();
  EXPECT_EQ(*responses, std::vector<PromResponse>{baseline});
  EXPECT_TRUE(reads->PromInvitationsOfPatient(PatientId{999999})->empty());

  // A transaction reads the same, its own uncommitted writes included.
  auto tx = store_->Begin();
  ASSERT_TRUE(tx.has_value());
  PromResponse later = SampleResponse(theirs, 6, "pain=1");
  ASSERT_TRUE((*tx)->AddPromResponse(later).has_value());
  PromsReads* in_tx = AsPromsReads(**tx);
  ASSERT_NE(in_tx, nullptr);
  EXPECT_EQ(*in_tx->PromResponsesOfPatient(theirs.patient),
            (std::vector<PromResponse>{other_response, later}));
  EXPECT_EQ(*in_tx->PromInvitationsOfPatient(theirs.patient), std::vector<PromInvitation>{other});
}

}  // namespace
}  // namespace orp::storage::conformance
