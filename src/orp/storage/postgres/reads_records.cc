// Queries: the procedure and patient streams and the audit log (the point reads of submissions,
// findings and outcome events are in sql_records.cc).
#include <fmt/format.h>

#include "orp/storage/postgres/codec.h"
#include "orp/storage/postgres/queries.h"

namespace orp::storage::postgres {
namespace {

constexpr std::string_view kSelectAudit =
    "SELECT seq, at, actor, role, action, object, request_id, purpose, outcome, prev_hash, hash "
    "FROM audit_log ";
constexpr int kImplantFirstColumn = 18;  // after p.id and the 17 procedure columns

Result<AuditRecord> ReadAudit(const Row& r) {
  return AuditRecord{r.Int(0),  domain::Instant(std::chrono::seconds(r.Int(1))),
                     r.Text(2), r.Text(3),
                     r.Text(4), r.Text(5),
                     r.Text(6), r.Text(7),
                     r.Text(8), r.Text(9),
                     r.Text(10)};
}

}  // namespace

// One ordered pass: procedures left-joined to their implants, in (procedure id, implant id)
// order, streamed row by row and grouped here, so a national registry streams in constant memory.
Result<void> Queries::ForEachProcedure(const ProcedureFilter& f, const Visitor<Procedure>& visit) {
  // A procedure is "changed" when its row or any of its implants is.
  // A whole stream (no limit) is one merge join of the two primary-key-ordered scans. A page
  // (limit > 0) chooses its procedures first, by a seek on the primary key (id > after_id), and
  // joins each to its implants by a LATERAL index lookup (OFFSET 0 keeps the planner from
  // flattening it): with the limit a parameter, a plain join's generic plan hashed the whole
  // implants table (EXPLAIN in docs/performance.md, "Security: deep pages, audit append").
  static const std::string kFilter =
      "($1::text = '' OR p.registry = $1) AND ($2::bigint = 0 OR p.change_seq > $2 OR "
      "p.id IN (SELECT procedure FROM implants WHERE change_seq > $2)) AND p.id > $3::bigint";
  static const std::string kAll = fmt::format(
      "SELECT p.id, {}, {} FROM procedures p LEFT JOIN implants i ON i.procedure = p.id "
      "WHERE {} AND $4::bigint = 0 ORDER BY p.id, i.id",
      kProcedureColumnsOfP, kImplantColumnsOfI, kFilter);
  static const std::string kPage = fmt::format(
      "SELECT p.id, {}, {} FROM (SELECT * FROM procedures p WHERE {} ORDER BY p.id LIMIT $4) p "
      "LEFT JOIN LATERAL (SELECT * FROM implants i WHERE i.procedure = p.id ORDER BY i.id "
      "OFFSET 0) i ON true ORDER BY p.id, i.id",
      kProcedureColumnsOfP, kImplantColumnsOfI, kFilter);
  const std::string& sql = f.limit > 0 ? kPage : kAll;
  std::optional<Procedure> pending;
  bool stopped = false;
  auto streamed =
      db_.Stream(sql, Params().Add(f.registry).Add(f.changed_after).Add(f.after_id).Add(f.limit),
                 [&](const Row& row) -> Result<bool> {
                   int64_t id = row.Int(0);
                   if (pending && pending->id.value != id) {
                     if (!visit(*pending)) {
                       stopped = true;
                       return false;
                     }
                     pending.reset();
                   }
                   if (!pending) {
                     auto p = ReadProcedure(row);
                     if (!p) return std::unexpected(p.error());
                     pending = std::move(*p);
                   }
                   if (!row.IsNull(kImplantFirstColumn)) {
                     auto implant = ReadImplant(row, kImplantFirstColumn);
                     if (!implant) return std::unexpected(implant.error());
                     pending->implants.push_back(std::move(*implant));
                   }
                   return true;
                 });
  if (!streamed) return streamed;
  if (pending && !stopped) visit(*pending);
  return {};
}

Result<void> Queries::ForEachPatient(int64_t changed_after, const Visitor<Patient>& visit) {
  static const std::string kSql =
      fmt::format("SELECT {} FROM patients WHERE $1::bigint = 0 OR change_seq > $1 ORDER BY id",
                  kPatientColumns);
  return StreamRows<Patient>(kSql, Params().Add(changed_after), ReadPatient, visit);
}

// In a transaction the caller is about to append (security/audit.h AppendAudit): the chain's
// lock is taken first, so the head read here is still the head at the append and no other
// server can fork the chain — no retry, no table lock.
Result<std::optional<AuditRecord>> Queries::LastAuditRecord() {
  if (in_transaction_) {
    ORP_RETURN_IF_ERROR(LockAuditChain());
    return *audit_head_;
  }
  return First<AuditRecord>(db_, std::string(kSelectAudit) + "ORDER BY seq DESC LIMIT 1", Params(),
                            ReadAudit);
}

// The lock is a transaction-level advisory lock named per schema (as the migrator's): appenders
// queue on it until their transactions end, while readers and every other write go on. The head
// is read by a statement after the lock is granted, so its snapshot (READ COMMITTED: one per
// statement) includes the last holder's commit.
Result<void> Queries::LockAuditChain() {
  if (audit_head_) return {};
  auto locked =
      db_.Query("SELECT pg_advisory_xact_lock(hashtext('orp.audit:' || current_schema()))");
  if (!locked) return std::unexpected(locked.error());
  auto head = First<AuditRecord>(db_, std::string(kSelectAudit) + "ORDER BY seq DESC LIMIT 1",
                                 Params(), ReadAudit);
  if (!head) return std::unexpected(head.error());
  audit_head_ = std::move(*head);
  return {};
}

Result<void> Queries::ForEachAuditRecord(int64_t after_seq, const Visitor<AuditRecord>& visit) {
  return StreamRows<AuditRecord>(std::string(kSelectAudit) + "WHERE seq > $1 ORDER BY seq",
                                 Params().Add(after_seq), ReadAudit, visit);
}

}  // namespace orp::storage::postgres
