// Conformance of the submission history reads (web, #9; submission_reads.h) on both backends.
#include <gmock/gmock.h>

#include "orp/storage/conformance_test.h"
#include "orp/storage/submission_reads.h"

namespace orp::storage::conformance {
namespace {

using domain::Severity;

Finding Error(const std::string& ref, const std::string& field) {
  return {1, ref, field, field + ".invalid", Severity::kError, field + " is not valid"};
}
Finding Warning(const std::string& ref, const std::string& field) {
  return {1, ref, field, field + ".unusual", Severity::kWarning, field + " is unusual"};
}

// Commits one submission by `submitter` that writes `accepted` and records `findings`.
SubmissionId SubmitAs(Store& store, const std::string& key, const std::string& submitter,
                      std::vector<Procedure> accepted, const std::vector<Finding>& findings) {
  auto start = store.BeginSubmission(
      {key, submitter, "BCIR", domain::Instant(std::chrono::seconds(1764160000))});
  EXPECT_TRUE(start.has_value() && start->transaction);
  Transaction& txn = *start->transaction;
  for (Procedure& p : accepted) EXPECT_TRUE(txn.PutProcedure(p).has_value());
  EXPECT_TRUE(txn.AddFindings(findings).has_value());
  SubmissionOutcome outcome{domain::SubmissionStatus::kPartiallyAccepted,
                            int64_t(accepted.size()) + 1, int64_t(accepted.size()), 1, "{}"};
  EXPECT_TRUE(txn.FinishSubmission(outcome).has_value());
  EXPECT_TRUE(txn.Commit().has_value());
  return txn.submission();
}

std::vector<int64_t> Ids(const std::vector<SubmissionSummary>& list) {
  std::vector<int64_t> ids;
  for (const SubmissionSummary& s : list) ids.push_back(s.submission.id.value);
  return ids;
}

std::vector<std::string> Keys(const std::vector<WaitingFinding>& list) {
  std::vector<std::string> keys;
  for (const WaitingFinding& w : list) {
    keys.push_back(std::to_string(w.submission) + ":" + w.finding.procedure_ref + ":" +
                   w.finding.field);
  }
  return keys;
}

TEST_P(StoreConformance, SubmissionHistoryIsTheSubmittersOwnNewestFirstInKeyedPages) {
  SubmissionReads* reads = AsSubmissionReads(*store_);
  ASSERT_NE(reads, nullptr);
  PatientId patient = AddPatient(SamplePatient(1));
  int64_t a = SubmitAs(*store_, "a", "RRK", {SampleProcedure("P1", patient)},
                       {Error("P2", "nhs_number"), Warning("P1", "bmi"), Warning("P1", "asa")})
                  .value;
  SubmitAs(*store_, "other", "RXX", {}, {});
  int64_t b = SubmitAs(*store_, "b", "RRK", {}, {}).value;
  int64_t c = SubmitAs(*store_, "c", "RRK", {}, {Error("P3", "date")}).value;

  auto first = reads->ListSubmissions("RRK", 0, 2);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_THAT(Ids(*first), ::testing::ElementsAre(c, b));
  auto rest = reads->ListSubmissions("RRK", b, 2);
  ASSERT_TRUE(rest.has_value());
  ASSERT_THAT(Ids(*rest), ::testing::ElementsAre(a));
  const SubmissionSummary& oldest = rest->front();
  EXPECT_EQ(oldest.errors, 1);
  EXPECT_EQ(oldest.warnings, 2);
  EXPECT_EQ(oldest.submission.accepted, 1);
  EXPECT_EQ(oldest.submission.idempotency_key, "a");
  EXPECT_EQ(oldest.submission.received_at, domain::Instant(std::chrono::seconds(1764160000)));
  EXPECT_EQ(reads->ListSubmissions("RRK", 0, 0).error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, WaitingForFixListsTheLatestRejectionOfProceduresNotWrittenSince) {
  SubmissionReads* reads = AsSubmissionReads(*store_);
  ASSERT_NE(reads, nullptr);
  PatientId patient = AddPatient(SamplePatient(1));
  // P1 and P2 are rejected, P3 accepted with a warning; the whole-file finding has no reference.
  int64_t s1 = SubmitAs(*store_, "s1", "RRK", {SampleProcedure("P3", patient)},
                        {Error("P1", "nhs_number"), Warning("P1", "bmi"), Error("P2", "date"),
                         Warning("P3", "asa"), Error("", "header")})
                   .value;
  SubmitAs(*store_, "s2", "RRK", {SampleProcedure("P2", patient)}, {});  // fixes P2
  SubmitAs(*store_, "s3", "RXX", {SampleProcedure("P1", patient)}, {});  // not RRK's fix
  auto waiting = reads->ListWaitingForFix("RRK", 0, 0, 10);
  ASSERT_TRUE(waiting.has_value()) << waiting.error().ToString();
  std::string k1 = std::to_string(s1);
  EXPECT_THAT(Keys(*waiting), ::testing::ElementsAre(k1 + ":P1:nhs_number", k1 + ":P1:bmi"));

  // Rejected again later: only the latest rejection waits, and it pages by (submission, ordinal).
  int64_t s4 = SubmitAs(*store_, "s4", "RRK", {}, {Error("P1", "date"), Error("P1", "sex")}).value;
  auto page = reads->ListWaitingForFix("RRK", 0, 0, 1);
  ASSERT_TRUE(page.has_value());
  std::string k4 = std::to_string(s4);
  ASSERT_THAT(Keys(*page), ::testing::ElementsAre(k4 + ":P1:date"));
  auto next = reads->ListWaitingForFix("RRK", page->back().submission, page->back().ordinal, 5);
  ASSERT_TRUE(next.has_value());
  EXPECT_THAT(Keys(*next), ::testing::ElementsAre(k4 + ":P1:sex"));
  EXPECT_TRUE(reads->ListWaitingForFix("RXX", 0, 0, 5)->empty());
}

}  // namespace
}  // namespace orp::storage::conformance
