// Queries: writes of the reference data (organisations, clinicians), submissions,
// findings and the audit log.
#include <fmt/format.h>

#include "orp/storage/sqlite/codec.h"
#include "orp/storage/sqlite/collect.h"
#include "orp/storage/sqlite/queries.h"

namespace orp::storage::sqlite {

// Sites are added or updated, never removed: procedures keep pointing at closed sites.
Result<void> Queries::PutOrganisation(const Organisation& org) {
  ORP_RETURN_IF_ERROR(Execute(db_,
                              "INSERT INTO organisations (code, name) VALUES (?1, ?2) "
                              "ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                              [&](Stmt& s) { s.Bind(1, org.code.code()).Bind(2, org.name); }));
  for (const domain::Site& site : org.sites) {
    ORP_RETURN_IF_ERROR(
        Execute(db_,
                "INSERT INTO sites (code, organisation, name, postcode) VALUES (?1, ?2, ?3, ?4) "
                "ON CONFLICT (code) DO UPDATE SET organisation = excluded.organisation, "
                "name = excluded.name, postcode = excluded.postcode",
                [&](Stmt& s) {
                  s.Bind(1, site.code.code()).Bind(2, org.code.code()).Bind(3, site.name);
                  s.Bind(4, TextOr(site.postcode, PostcodeText));
                }));
  }
  return {};
}

Result<void> Queries::PutClinician(const Clinician& c) {
  return Execute(db_,
                 "INSERT INTO clinicians (gmc, name, specialty) VALUES (?1, ?2, ?3) "
                 "ON CONFLICT (gmc) DO UPDATE SET name = excluded.name, "
                 "specialty = excluded.specialty",
                 [&](Stmt& s) { s.Bind(1, c.gmc.number()).Bind(2, c.name).Bind(3, c.specialty); });
}

Result<void> Queries::AddFindings(SubmissionId submission, std::span<const Finding> findings) {
  auto last = First<int64_t>(
      db_, "SELECT coalesce(max(ordinal), 0) FROM findings WHERE submission = ?1",
      [&](Stmt& s) { s.Bind(1, submission.value); },
      [](const Stmt& s) -> Result<int64_t> { return s.Int(0); });
  if (!last) return std::unexpected(last.error());
  int64_t ordinal = last->value_or(0);
  for (const Finding& f : findings) {
    ORP_RETURN_IF_ERROR(Execute(
        db_,
        "INSERT INTO findings (submission, ordinal, row, procedure_ref, field, rule, severity, "
        "message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        [&](Stmt& s) {
          s.Bind(1, submission.value).Bind(2, ++ordinal).Bind(3, f.row).Bind(4, f.procedure_ref);
          s.Bind(5, f.field).Bind(6, f.rule).Bind(7, domain::Name(f.severity)).Bind(8, f.message);
        }));
  }
  return {};
}

// One statement: the INSERT carries the chain check (prev_hash equals the head's hash, or "" on
// an empty log), so an append does not read the head a second time after the caller's
// LastAuditRecord (security/audit.h AppendAudit). The transaction holds the write lock
// (BEGIN IMMEDIATE), so no other writer moves the head between the two.
Result<int64_t> Queries::AppendAudit(const AuditRecord& r) {
  ORP_RETURN_IF_ERROR(Execute(
      db_,
      "INSERT INTO audit_log (at, actor, role, action, object, request_id, purpose, outcome, "
      "prev_hash, hash) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 WHERE ?9 = coalesce("
      "(SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '')",
      [&](Stmt& s) {
        s.Bind(1, int64_t{r.at.time_since_epoch().count()}).Bind(2, r.actor).Bind(3, r.role);
        s.Bind(4, r.action).Bind(5, r.object).Bind(6, r.request_id).Bind(7, r.purpose);
        s.Bind(8, r.outcome).Bind(9, r.prev_hash).Bind(10, r.hash);
      }));
  if (db_.Changes() == 0) {
    return FailedPrecondition(
        "audit entry does not follow the last entry (prev_hash differs): another writer "
        "appended first; recompute the hash and retry");
  }
  return db_.LastInsertRowid();
}

Result<SubmissionId> Queries::InsertSubmission(const SubmissionRequest& request) {
  ORP_RETURN_IF_ERROR(Execute(
      db_,
      "INSERT INTO submissions (idempotency_key, submitter, registry, received_at, status) "
      "VALUES (?1, ?2, ?3, ?4, 'pending')",
      [&](Stmt& s) {
        s.Bind(1, request.idempotency_key).Bind(2, request.submitter).Bind(3, request.registry);
        s.Bind(4, int64_t{request.received_at.time_since_epoch().count()});
      }));
  return SubmissionId{db_.LastInsertRowid()};
}

Result<void> Queries::FinishSubmission(SubmissionId submission, const SubmissionOutcome& o) {
  return Execute(db_,
                 "UPDATE submissions SET status = ?1, received = ?2, accepted = ?3, "
                 "rejected = ?4, receipt_json = ?5 WHERE id = ?6",
                 [&](Stmt& s) {
                   s.Bind(1, domain::Name(o.status)).Bind(2, o.received).Bind(3, o.accepted);
                   s.Bind(4, o.rejected).Bind(5, o.receipt_json).Bind(6, submission.value);
                 });
}

}  // namespace orp::storage::sqlite
