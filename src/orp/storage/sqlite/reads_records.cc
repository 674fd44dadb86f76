// Queries: reads of implants for linkage and recall, the procedure and patient streams and the
// audit log (the point reads of submissions, findings and outcome events are in sql_records.cc).
#include <fmt/format.h>

#include "orp/storage/sqlite/codec.h"
#include "orp/storage/sqlite/collect.h"
#include "orp/storage/sqlite/queries.h"

namespace orp::storage::sqlite {
namespace {

constexpr std::string_view kSelectAudit =
    "SELECT seq, at, actor, role, action, object, request_id, purpose, outcome, prev_hash, hash "
    "FROM audit_log ";

Result<AuditRecord> ReadAudit(const Stmt& s) {
  AuditRecord r;
  r.seq = s.Int(0);
  r.at = domain::Instant(std::chrono::seconds(s.Int(1)));
  r.actor = s.Text(2);
  r.role = s.Text(3);
  r.action = s.Text(4);
  r.object = s.Text(5);
  r.request_id = s.Text(6);
  r.purpose = s.Text(7);
  r.outcome = s.Text(8);
  r.prev_hash = s.Text(9);
  r.hash = s.Text(10);
  return r;
}

// Steps `stmt` and hands each row to `visit` through `read`; stops when visit returns false.
template <typename T, typename ReadFn>
Result<void> Stream(Stmt& stmt, ReadFn read, const Visitor<T>& visit) {
  while (true) {
    auto row = stmt.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
    Result<T> item = read(stmt);
    if (!item) return std::unexpected(item.error());
    if (!visit(*item)) return {};
  }
}

}  // namespace

Result<std::vector<Implant>> Queries::ImplantsInSitu(const InSituQuery& q) {
  static const std::string sql = fmt::format(
      "SELECT {} FROM implants i JOIN procedures p ON p.id = i.procedure "
      "WHERE i.patient = ?1 AND i.in_situ = 1 AND i.action = 'implanted' AND p.registry = ?2 "
      "AND (?3 = '' OR p.body_site = ?3) AND (?4 = '' OR i.laterality = ?4 OR i.laterality = 'B') "
      "ORDER BY p.date DESC, i.id DESC",
      kImplantColumnsOfI);
  return Collect<Implant>(
      db_, sql,
      [&](Stmt& s) {
        s.Bind(1, q.patient.value).Bind(2, q.registry).Bind(3, q.body_site);
        s.Bind(4, TextOr(q.laterality, domain::LateralityCode));
      },
      ReadImplant);
}

// The gtin column holds any agency's DI text (see codec.cc BindImplant; the forms cannot collide).
Result<std::vector<Implant>> Queries::FindImplantsByDevice(const DeviceId& device,
                                                           std::string_view lot,
                                                           std::string_view serial) {
  std::string sql = fmt::format(
      "SELECT id, {} FROM implants WHERE gtin = ?1 AND (?2 = '' OR lot = ?2) "
      "AND (?3 = '' OR serial = ?3) ORDER BY id",
      kImplantColumns);
  return Collect<Implant>(
      db_, sql, [&](Stmt& s) { s.Bind(1, device.text()).Bind(2, lot).Bind(3, serial); },
      ReadImplant);
}

// Two cursors merged by procedure id — procedures in id order, implants in (procedure, id)
// order — so streaming costs one pass over each table, not a query per procedure. A refresh
// (changed_after > 0) first collects the changed ids through the change_seq indexes: an OR in
// the WHERE clause would make SQLite scan both tables whole however small the change.
Result<void> Queries::ForEachProcedure(const ProcedureFilter& f, const Visitor<Procedure>& visit) {
  // A procedure is "changed" when its row or any of its implants is.
  constexpr std::string_view kChanged =
      "IN (SELECT id FROM procedures WHERE change_seq > ?2 "
      "UNION SELECT procedure FROM implants WHERE change_seq > ?2)";
  const bool all = f.changed_after == 0;
  // A page (after_id, limit) seeks the rowid and the implants_by_procedure index: a deep page
  // costs what the first does. LIMIT -1 is no limit; the implants cursor needs none, as it is
  // only stepped while procedures come.
  auto procs = db_.Prepare(fmt::format(
      "SELECT p.id, {} FROM procedures p WHERE (?1 = '' OR p.registry = ?1) {} AND p.id > ?3 "
      "ORDER BY p.id LIMIT ?4",
      kProcedureColumnsOfP, all ? "AND ?2 = 0" : fmt::format("AND p.id {}", kChanged)));
  auto implants = db_.Prepare(fmt::format(
      "SELECT {} FROM implants i JOIN procedures p ON p.id = i.procedure "
      "WHERE (?1 = '' OR p.registry = ?1) {} AND i.procedure > ?3 ORDER BY i.procedure, i.id",
      kImplantColumnsOfI, all ? "AND ?2 = 0" : fmt::format("AND i.procedure {}", kChanged)));
  if (!procs) return std::unexpected(procs.error());
  if (!implants) return std::unexpected(implants.error());
  procs->Bind(1, f.registry).Bind(2, f.changed_after).Bind(3, f.after_id);
  procs->Bind(4, f.limit > 0 ? f.limit : int64_t{-1});
  implants->Bind(1, f.registry).Bind(2, f.changed_after).Bind(3, f.after_id);
  std::optional<Implant> pending;
  auto next_implant = [&]() -> Result<void> {
    pending.reset();
    auto row = implants->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
    auto implant = ReadImplant(*implants);
    if (!implant) return std::unexpected(implant.error());
    pending = std::move(*implant);
    return {};
  };
  ORP_RETURN_IF_ERROR(next_implant());
  return Stream<Procedure>(
      *procs,
      [&](const Stmt& s) -> Result<Procedure> {
        auto p = ReadProcedure(s);
        if (!p) return p;
        while (pending && pending->procedure == p->id) {
          p->implants.push_back(std::move(*pending));
          ORP_RETURN_IF_ERROR(next_implant());
        }
        return p;
      },
      visit);
}

Result<void> Queries::ForEachPatient(int64_t changed_after, const Visitor<Patient>& visit) {
  // Through the change_seq index when refreshing (see ForEachProcedure).
  auto stmt = db_.Prepare(fmt::format(
      "SELECT {} FROM patients {} ORDER BY id", kPatientColumns,
      changed_after == 0 ? "WHERE ?1 = 0"
                         : "WHERE id IN (SELECT id FROM patients WHERE change_seq > ?1)"));
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(1, changed_after);
  return Stream<Patient>(*stmt, ReadPatient, visit);
}

Result<std::optional<AuditRecord>> Queries::LastAuditRecord() {
  return First<AuditRecord>(
      db_, std::string(kSelectAudit) + "ORDER BY seq DESC LIMIT 1", [](Stmt&) {}, ReadAudit);
}

Result<void> Queries::ForEachAuditRecord(int64_t after_seq, const Visitor<AuditRecord>& visit) {
  auto stmt = db_.Prepare(std::string(kSelectAudit) + "WHERE seq > ?1 ORDER BY seq");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(1, after_seq);
  return Stream<AuditRecord>(*stmt, ReadAudit, visit);
}

}  // namespace orp::storage::sqlite
