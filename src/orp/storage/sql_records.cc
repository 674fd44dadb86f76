// Queries: submissions by id and by idempotency key, a submission's findings, a patient's outcome
// events, the change sequence and row counts — point reads both backends ran as twins
// (issue 10), written once over sql.h. The unbounded streams (procedures, patients, the audit
// log) stay with each backend, which streams them its own way (a PostgreSQL sql::Statement
// fetches its whole result at the first Step).
#include <fmt/format.h>

#include "orp/storage/sql_codec.h"
#include "orp/storage/sql_queries.h"

namespace orp::storage::sql {
namespace {

// kSubmissionColumns, then receipt_json.
Result<Submission> ReadSubmissionWithReceipt(const Statement& s) {
  auto submission = ReadSubmission(s);
  if (!submission) return submission;
  submission->receipt_json = s.Text(9);
  return submission;
}

template <typename BindFn>
Result<std::optional<Submission>> FirstSubmissionWhere(Database& db, std::string_view where,
                                                       BindFn bind) {
  return First<Submission>(
      db,
      fmt::format("SELECT {}, receipt_json FROM submissions WHERE {}", kSubmissionColumns, where),
      bind, ReadSubmissionWithReceipt);
}

Result<OutcomeEvent> ReadOutcomeEvent(const Statement& s) {
  OutcomeEvent e;
  e.id.value = s.Int(0);
  e.patient.value = s.Int(1);
  auto kind = domain::ParseOutcomeKind(s.Text(2));
  if (!kind) return DataLoss("stored outcome kind: " + kind.error().message());
  e.kind = *kind;
  e.date = FromDayNumber(s.Int(3));
  e.registry = s.Text(4);
  if (!s.IsNull(5)) e.procedure = ProcedureId{s.Int(5)};
  if (!s.IsNull(6)) e.implant = ImplantId{s.Int(6)};
  e.detail = s.Text(7);
  e.submission.value = s.IsNull(8) ? 0 : s.Int(8);
  return e;
}

Result<int64_t> ReadCount(const Statement& s) { return s.Int(0); }

}  // namespace

Result<std::optional<Submission>> Queries::FindSubmission(SubmissionId id) {
  return FirstSubmissionWhere(db_, "id = ?1", [&](Statement& s) { s.Bind(1, id.value); });
}

Result<std::optional<Submission>> Queries::FindSubmissionByKey(std::string_view key) {
  return FirstSubmissionWhere(db_, "idempotency_key = ?1", [&](Statement& s) { s.Bind(1, key); });
}

Result<std::vector<Finding>> Queries::FindingsOf(SubmissionId id) {
  return Collect<Finding>(
      db_,
      fmt::format("SELECT {} FROM findings WHERE submission = ?1 ORDER BY ordinal",
                  kFindingColumns),
      [&](Statement& s) { s.Bind(1, id.value); },
      [](const Statement& s) { return ReadFinding(s); });
}

Result<std::vector<OutcomeEvent>> Queries::OutcomeEventsOf(PatientId patient) {
  return Collect<OutcomeEvent>(
      db_,
      "SELECT id, patient, kind, date, registry, procedure, implant, detail, submission "
      "FROM outcome_events WHERE patient = ?1 ORDER BY date, id",
      [&](Statement& s) { s.Bind(1, patient.value); }, ReadOutcomeEvent);
}

Result<int64_t> Queries::LastChange() {
  auto last = First<int64_t>(
      db_, "SELECT coalesce(max(seq), 0) FROM changes", [](Statement&) {}, ReadCount);
  if (!last) return std::unexpected(last.error());
  return last->value_or(0);
}

Result<TableCounts> Queries::CountRows() {
  TableCounts counts;
  for (const char* table : {"organisations", "sites", "clinicians", "patients", "device_models",
                            "submissions", "findings", "procedures", "procedure_versions",
                            "implants", "implant_versions", "outcome_events", "audit_log"}) {
    auto count = First<int64_t>(
        db_, fmt::format("SELECT count(*) FROM {}", table), [](Statement&) {}, ReadCount);
    if (!count) return std::unexpected(count.error());
    counts[table] = count->value_or(0);
  }
  return counts;
}

}  // namespace orp::storage::sql
