// Queries: a provider's submission history and its records waiting for a fix (web, #9).
// Semantics in storage/submission_reads.h. Written once over sql.h for both backends.
#include <string>

#include "orp/storage/sql_codec.h"
#include "orp/storage/sql_queries.h"
#include "orp/storage/submission_reads.h"

namespace orp::storage {

SubmissionReads* AsSubmissionReads(Reader& reader) {
  return dynamic_cast<SubmissionReads*>(&reader);
}

}  // namespace orp::storage

namespace orp::storage::sql {
namespace {

// kSubmissionColumns, then the error and warning counts.
Result<SubmissionSummary> ReadSummary(const Statement& s) {
  auto submission = ReadSubmission(s);
  if (!submission) return std::unexpected(submission.error());
  return SubmissionSummary{std::move(*submission), s.Int(9), s.Int(10)};
}

// The finding's key and its submission's time, then kFindingColumns.
Result<WaitingFinding> ReadWaiting(const Statement& s) {
  auto finding = ReadFinding(s, 3);
  if (!finding) return std::unexpected(finding.error());
  return WaitingFinding{s.Int(0), s.Int(1), InstantOf(s.Int(2)), std::move(*finding)};
}

}  // namespace

// Newest first by id (ids are assigned in the order submissions begin); the finding counts are
// range reads of the findings primary key (submission, ordinal).
Result<std::vector<SubmissionSummary>> Queries::ListSubmissions(std::string_view submitter,
                                                                int64_t before_id, int limit) {
  if (limit < 1) return InvalidArgument("limit: must be at least 1");
  return Collect<SubmissionSummary>(
      db_,
      "SELECT s.id, s.idempotency_key, s.submitter, s.registry, s.received_at, s.status, "
      "s.received, s.accepted, s.rejected, "
      "(SELECT count(*) FROM findings f WHERE f.submission = s.id AND f.severity = 'error'), "
      "(SELECT count(*) FROM findings f WHERE f.submission = s.id AND f.severity = 'warning') "
      "FROM submissions s WHERE s.submitter = ?1 AND (CAST(?2 AS BIGINT) = 0 OR s.id < ?2) "
      "ORDER BY s.id DESC LIMIT ?3",
      [&](Statement& s) { s.Bind(1, submitter).Bind(2, before_id).Bind(3, int64_t{limit}); },
      ReadSummary);
}

// A finding waits when its procedure had an error in that submission, and no later submission by
// the same submitter either wrote the procedure (procedures.submission is the latest writer) or
// rejected it again (then that later rejection is the one listed). Every step is an index seek
// (migration 0014; SqliteMigrations.WaitingForFixIsReadThroughIndexes): the submitter's
// submissions by submissions_by_submitter, their findings by the findings key, rejections of a
// procedure_ref by findings_errors_by_ref, and the procedure itself by procedures_by_ref
// (registry, procedure_ref) once per registry code, the codes found by a loose index scan
// (registry_codes) since a finding does not name its registry.
const std::string_view kWaitingForFixQuery =
    "WITH RECURSIVE registry_codes(code) AS (SELECT min(registry) FROM procedures "
    "  UNION ALL SELECT (SELECT min(registry) FROM procedures WHERE registry > code) "
    "  FROM registry_codes WHERE code IS NOT NULL) "
    "SELECT f.submission, f.ordinal, s.received_at, f.\"row\", f.procedure_ref, f.field, "
    "f.rule, f.severity, f.message FROM submissions s JOIN findings f ON f.submission = s.id "
    "WHERE s.submitter = ?1 AND f.procedure_ref <> '' "
    "AND EXISTS (SELECT 1 FROM findings e WHERE e.procedure_ref = f.procedure_ref "
    "  AND e.submission = f.submission AND e.severity = 'error') "
    "AND NOT EXISTS (SELECT 1 FROM registry_codes rc JOIN procedures p "
    "  ON p.registry = rc.code AND p.procedure_ref = f.procedure_ref "
    "  JOIN submissions ps ON ps.id = p.submission "
    "  WHERE p.submission > f.submission AND ps.submitter = s.submitter) "
    "AND NOT EXISTS (SELECT 1 FROM findings l JOIN submissions ls ON ls.id = l.submission "
    "  WHERE l.procedure_ref = f.procedure_ref AND l.submission > f.submission "
    "  AND l.severity = 'error' AND ls.submitter = s.submitter) "
    "AND (CAST(?2 AS BIGINT) = 0 OR f.submission < ?2 "
    "  OR (f.submission = ?2 AND f.ordinal > ?3)) "
    "ORDER BY f.submission DESC, f.ordinal LIMIT ?4";

Result<std::vector<WaitingFinding>> Queries::ListWaitingForFix(std::string_view submitter,
                                                               int64_t after_submission,
                                                               int64_t after_ordinal, int limit) {
  if (limit < 1) return InvalidArgument("limit: must be at least 1");
  return Collect<WaitingFinding>(
      db_, kWaitingForFixQuery,
      [&](Statement& s) {
        s.Bind(1, submitter).Bind(2, after_submission).Bind(3, after_ordinal);
        s.Bind(4, int64_t{limit});
      },
      ReadWaiting);
}

}  // namespace orp::storage::sql
