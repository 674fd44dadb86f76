// Queries: writes of the catalogue (organisations, clinicians, device models), submissions,
// findings and the audit log.
#include <fmt/format.h>

#include "orp/storage/postgres/codec.h"
#include "orp/storage/postgres/queries.h"

namespace orp::storage::postgres {
namespace {

Result<void> Run(Connection& db, std::string_view sql, const Params& params) {
  auto rows = db.Query(sql, params);
  if (!rows) return std::unexpected(rows.error());
  return {};
}

}  // namespace

// Sites are added or updated, never removed: procedures keep pointing at closed sites.
Result<void> Queries::PutOrganisation(const Organisation& org) {
  ORP_RETURN_IF_ERROR(Run(db_,
                          "INSERT INTO organisations (code, name) VALUES ($1, $2) "
                          "ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                          Params().Add(org.code.code()).Add(org.name)));
  for (const domain::Site& site : org.sites) {
    ORP_RETURN_IF_ERROR(
        Run(db_,
            "INSERT INTO sites (code, organisation, name, postcode) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (code) DO UPDATE SET organisation = excluded.organisation, "
            "name = excluded.name, postcode = excluded.postcode",
            Params()
                .Add(site.code.code())
                .Add(org.code.code())
                .Add(site.name)
                .Add(TextOr(site.postcode, PostcodeText))));
  }
  return {};
}

Result<void> Queries::PutClinician(const Clinician& c) {
  return Run(db_,
             "INSERT INTO clinicians (gmc, name, specialty) VALUES ($1, $2, $3) "
             "ON CONFLICT (gmc) DO UPDATE SET name = excluded.name, specialty = excluded.specialty",
             Params().Add(c.gmc.number()).Add(c.name).Add(c.specialty));
}

// All findings in one statement (parallel arrays), numbered after those already stored.
Result<void> Queries::AddFindings(SubmissionId submission, std::span<const Finding> findings) {
  if (findings.empty()) return {};
  std::vector<std::optional<std::string>> columns[6];
  for (const Finding& f : findings) {
    columns[0].push_back(std::to_string(f.row));
    columns[1].push_back(f.procedure_ref);
    columns[2].push_back(f.field);
    columns[3].push_back(f.rule);
    columns[4].push_back(std::string(domain::Name(f.severity)));
    columns[5].push_back(f.message);
  }
  Params params;
  params.Add(submission.value);
  for (const auto& column : columns) params.Add(ArrayLiteral(column));
  return Run(db_,
             "INSERT INTO findings (submission, ordinal, \"row\", procedure_ref, field, rule, "
             "severity, message) SELECT $1, (SELECT coalesce(max(ordinal), 0) FROM findings "
             "WHERE submission = $1) + u.ord, u.r, u.ref, u.field, u.rule, u.severity, u.message "
             "FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], "
             "$7::text[]) WITH ORDINALITY AS u(r, ref, field, rule, severity, message, ord)",
             params);
}

Result<int64_t> Queries::AppendAudit(const AuditRecord& r) {
  // One appender at a time, until its transaction ends (the chain's advisory lock, taken by
  // LastAuditRecord): the chain stays one linear chain however many servers write. Readers and
  // other writers are not blocked; the head is known here, so an append is one INSERT.
  auto last = LastAuditRecord();
  if (!last) return std::unexpected(last.error());
  const std::string expected = *last ? (*last)->hash : std::string();
  if (r.prev_hash != expected) {
    return FailedPrecondition(
        "audit entry does not follow the last entry (prev_hash differs): another writer "
        "appended first; recompute the hash and retry");
  }
  const int64_t seq = *last ? (*last)->seq + 1 : 1;
  ORP_RETURN_IF_ERROR(Run(db_,
                          "INSERT INTO audit_log (seq, at, actor, role, action, object, "
                          "request_id, purpose, outcome, prev_hash, hash) "
                          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                          Params()
                              .Add(seq)
                              .Add(int64_t{r.at.time_since_epoch().count()})
                              .Add(r.actor)
                              .Add(r.role)
                              .Add(r.action)
                              .Add(r.object)
                              .Add(r.request_id)
                              .Add(r.purpose)
                              .Add(r.outcome)
                              .Add(r.prev_hash)
                              .Add(r.hash)));
  AuditRecord appended = r;
  appended.seq = seq;
  audit_head_ = std::optional<AuditRecord>(std::move(appended));
  ++audit_appends_;
  return seq;
}

Result<std::optional<SubmissionId>> Queries::InsertSubmission(const SubmissionRequest& request) {
  // A concurrent transaction that inserted the same key makes this INSERT wait for it: if it
  // commits, nothing is inserted here (the caller returns its receipt); if it rolls back, this
  // one proceeds.
  auto rows = db_.Query(
      "INSERT INTO submissions (idempotency_key, submitter, registry, received_at, status) "
      "VALUES ($1, $2, $3, $4, 'pending') ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
      Params()
          .Add(request.idempotency_key)
          .Add(request.submitter)
          .Add(request.registry)
          .Add(int64_t{request.received_at.time_since_epoch().count()}));
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) return std::optional<SubmissionId>();
  return std::optional<SubmissionId>(SubmissionId{(*rows)[0].Int(0)});
}

Result<void> Queries::FinishSubmission(SubmissionId submission, const SubmissionOutcome& o) {
  return Run(db_,
             "UPDATE submissions SET status = $1, received = $2, accepted = $3, rejected = $4, "
             "receipt_json = $5 WHERE id = $6",
             Params()
                 .Add(domain::Name(o.status))
                 .Add(o.received)
                 .Add(o.accepted)
                 .Add(o.rejected)
                 .Add(o.receipt_json)
                 .Add(submission.value));
}

}  // namespace orp::storage::postgres
