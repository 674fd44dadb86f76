// Queries: recall (recall8, #8) — the affected-implant query (migration 0007_recall; the latest
// procedure from the covering index of migration 0010), in the device index's order and in
// patient order (recall_reads.h).
#include <fmt/format.h>

#include <algorithm>
#include <compare>
#include <deque>
#include <utility>
#include <vector>

#include "orp/storage/recall_reads.h"
#include "orp/storage/sql_codec.h"
#include "orp/storage/sql_queries.h"

namespace orp::storage::sql {
namespace {

// The patient's most recent procedure `l` (its provider_site and date), read from the covering
// index procedures_by_patient_latest alone (migration 0010), never from the procedure row. SQLite
// has no LATERAL: the subquery finds the id, and the join is pinned to the same index (whose
// leaf page the subquery has just read), where its planner would otherwise fetch the row by id.
// `patient` names the outer query's patient id column.
std::string LatestProcedureJoin(Dialect dialect, std::string_view patient) {
  if (dialect == Dialect::kPostgres) {
    return fmt::format(
        "JOIN LATERAL (SELECT q.provider_site, q.date FROM procedures q "
        "WHERE q.patient = {0} ORDER BY q.date DESC, q.id DESC LIMIT 1) l ON true ",
        patient);
  }
  return fmt::format(
      "JOIN procedures l INDEXED BY procedures_by_patient_latest ON l.patient = {0} "
      "AND l.id = (SELECT q.id FROM procedures q WHERE q.patient = {0} "
      "ORDER BY q.date DESC, q.id DESC LIMIT 1) ",
      patient);
}

// The WHERE clause of the affected-implant query (implants `i`, their procedures `p`).
// Parameters: ?1..?5 the dates and changed_after (NULL when unset), then the device ids, then
// the lots.
std::string RecallImplantWhere(const RecallImplantQuery& q) {
  const int lots_from = 6 + static_cast<int>(q.device_ids.size());
  std::string lots =
      q.lots.empty() ? std::string()
                     : fmt::format(" AND i.lot IN ({})", Placeholders(lots_from, q.lots.size()));
  return fmt::format(
      "WHERE i.action = 'implanted' AND i.gtin IN ({}){} "
      "AND (CAST(?1 AS INTEGER) IS NULL OR p.date >= ?1) "
      "AND (CAST(?2 AS INTEGER) IS NULL OR p.date <= ?2) "
      "AND (CAST(?3 AS INTEGER) IS NULL OR i.expiry >= ?3) "
      "AND (CAST(?4 AS INTEGER) IS NULL OR i.expiry <= ?4) "
      "AND (CAST(?5 AS BIGINT) IS NULL OR i.change_seq > ?5) ",
      Placeholders(6, q.device_ids.size()), lots);
}

// The affected-implant SELECT for `q` (parameters: RecallImplantWhere). The order differs by
// engine, each its cheapest: on SQLite the device index's (gtin, lot, id), so nothing is sorted;
// on PostgreSQL the implant id.
std::string RecallImplantSql(const RecallImplantQuery& q, Dialect dialect) {
  return fmt::format(
      "SELECT i.id, i.procedure, i.patient, i.gtin, i.lot, i.serial, i.expiry, i.raw_scan, "
      "i.in_situ, i.removed_by, i.removed_on, p.registry, p.procedure_ref, p.date, "
      "p.provider_site, pt.pseudonym, pt.nhs_cipher, pt.date_of_death, l.provider_site, l.date, "
      "coalesce(s.organisation, '') "
      "FROM implants i JOIN procedures p ON p.id = i.procedure "
      "JOIN patients pt ON pt.id = i.patient {}"
      "LEFT JOIN sites s ON s.code = l.provider_site {}ORDER BY {}",
      LatestProcedureJoin(dialect, "i.patient"), RecallImplantWhere(q),
      dialect == Dialect::kSqlite ? "i.gtin, i.lot, i.id" : "i.id");
}

// The part filter of recall_reads.h: blocks of 256 implant ids, tested on the device index's entry
// (its row id) before the implant row is read. Nothing when `parts` is 1.
std::string PartWhere(const RecallImplantQuery& q, int part, int parts) {
  return parts > 1
             ? fmt::format("{}AND (i.id / 256) % {} = {} ", RecallImplantWhere(q), parts, part)
             : RecallImplantWhere(q);
}

// PostgreSQL's patient-ordered cohort (recall_reads.h): the cohort (implants and their
// procedures) is materialised sorted by patient first, and only then joined to the patient row
// and the latest procedure, so those seeks come in key order; the result is sorted again.
std::string PostgresImplantByPatientSql(const RecallImplantQuery& q, int part, int parts) {
  return fmt::format(
      "WITH c AS MATERIALIZED (SELECT i.id, i.procedure, i.patient, i.gtin, i.lot, i.serial, "
      "i.expiry, i.raw_scan, i.in_situ, i.removed_by, i.removed_on, p.registry, "
      "p.procedure_ref, p.date, p.provider_site "
      "FROM implants i JOIN procedures p ON p.id = i.procedure {}ORDER BY i.patient, i.id) "
      "SELECT c.id, c.procedure, c.patient, c.gtin, c.lot, c.serial, c.expiry, c.raw_scan, "
      "c.in_situ, c.removed_by, c.removed_on, c.registry, c.procedure_ref, c.date, "
      "c.provider_site, pt.pseudonym, pt.nhs_cipher, pt.date_of_death, l.provider_site, l.date, "
      "coalesce(s.organisation, '') "
      "FROM c JOIN patients pt ON pt.id = c.patient {}"
      "LEFT JOIN sites s ON s.code = l.provider_site ORDER BY c.patient, c.id",
      PartWhere(q, part, parts), LatestProcedureJoin(Dialect::kPostgres, "c.patient"));
}

// SQLite's patient-ordered cohort, first statement: the cohort's own columns (0-14 of
// ReadRecallImplant: implants and their procedures) in the device index's order, unsorted.
std::string SqliteCohortSql(const RecallImplantQuery& q, int part, int parts) {
  return fmt::format(
      "SELECT i.id, i.procedure, i.patient, i.gtin, i.lot, i.serial, i.expiry, i.raw_scan, "
      "i.in_situ, i.removed_by, i.removed_on, p.registry, p.procedure_ref, p.date, "
      "p.provider_site FROM implants i JOIN procedures p ON p.id = i.procedure {}",
      PartWhere(q, part, parts));
}

// Second statement: for each patient id of the JSON array ?1 (ascending, no repeats), in that
// order (CROSS JOIN keeps json_each outermost), the id and the patient columns of
// ReadPatientColumns. A patient without a row or a procedure yields no row, as the inner joins
// of the one-statement form drop their implants.
std::string SqlitePatientsSql() {
  return fmt::format(
      "SELECT pt.id, pt.pseudonym, pt.nhs_cipher, pt.date_of_death, l.provider_site, l.date, "
      "coalesce(s.organisation, '') FROM json_each(?1) j CROSS JOIN patients pt ON pt.id = "
      "j.value {}LEFT JOIN sites s ON s.code = l.provider_site",
      LatestProcedureJoin(Dialect::kSqlite, "pt.id"));
}

// Binds RecallImplantWhere's parameters.
void BindRecallImplantQuery(Statement& s, const RecallImplantQuery& q) {
  s.Bind(1, OptionalDay(q.implanted_from)).Bind(2, OptionalDay(q.implanted_to));
  s.Bind(3, OptionalDay(q.expiry_from)).Bind(4, OptionalDay(q.expiry_to));
  q.changed_after > 0 ? s.Bind(5, q.changed_after) : s.BindNull(5);
  int next = 6;
  for (const auto& di : q.device_ids) s.Bind(next++, di);
  for (const auto& lot : q.lots) s.Bind(next++, lot);
}

// Columns 0-14 of the affected-implant row: the implant and its procedure.
void ReadCohortColumns(const Statement& s, RecallImplantRow& r) {
  r.implant.value = s.Int(0);
  r.procedure.value = s.Int(1);
  r.patient.value = s.Int(2);
  r.device_id = s.Text(3);
  r.lot = s.Text(4);
  r.serial = s.Text(5);
  r.expiry = OptionalDate(s, 6);
  r.raw_scan = s.Text(7);
  r.in_situ = s.Int(8) != 0;
  if (!s.IsNull(9)) r.removed_by = domain::ProcedureId{s.Int(9)};
  r.removed_on = OptionalDate(s, 10);
  r.registry = s.Text(11);
  r.procedure_ref = s.Text(12);
  r.implanted_on = FromDayNumber(s.Int(13));
  r.implanting_site = s.Text(14);
}

// The patient's columns from `first` on: pseudonym, NHS number ciphertext, date of death, the
// latest procedure's site and date, the site's organisation.
void ReadPatientColumns(const Statement& s, int first, RecallImplantRow& r) {
  if (!s.IsNull(first)) {
    std::string bytes = s.Blob(first);
    domain::Pseudonym pseudonym;
    if (bytes.size() == pseudonym.bytes.size()) {
      std::copy(bytes.begin(), bytes.end(), pseudonym.bytes.begin());
      r.pseudonym = pseudonym;
    }
  }
  if (!s.IsNull(first + 1)) r.nhs_number = domain::EncryptedNhsNumber{s.Blob(first + 1)};
  r.date_of_death = OptionalDate(s, first + 2);
  r.latest_site = s.Text(first + 3);
  r.latest_procedure_on = FromDayNumber(s.Int(first + 4));
  r.latest_organisation = s.Text(first + 5);
}

RecallImplantRow ReadRecallImplant(const Statement& s) {
  RecallImplantRow r;
  ReadCohortColumns(s, r);
  ReadPatientColumns(s, 15, r);
  return r;
}

// A cohort row's place in (patient, implant) order.
struct CohortKey {
  int64_t patient;
  int64_t implant;
  size_t row;  // index into the rows as read
  auto operator<=>(const CohortKey&) const = default;
};

// The distinct patients of `keys` (sorted), each with their columns (SqlitePatientsSql; only
// patient and the ReadPatientColumns fields are set), in ascending patient id. Rows are held in
// deques here: growing one never relocates the rows already read.
Result<std::deque<RecallImplantRow>> ReadPatientsOf(Database& db,
                                                    const std::vector<CohortKey>& keys) {
  std::string ids = "[";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0 && keys[i].patient == keys[i - 1].patient) continue;
    if (i > 0) ids += ',';
    ids += fmt::format("{}", keys[i].patient);
  }
  ids += ']';
  std::deque<RecallImplantRow> patients;
  ORP_RETURN_IF_ERROR(ForEachRow(
      db, SqlitePatientsSql(), [&](Statement& s) { s.Bind(1, ids); },
      [&](const Statement& s) -> Result<bool> {
        RecallImplantRow& r = patients.emplace_back();
        r.patient.value = s.Int(0);
        ReadPatientColumns(s, 1, r);
        return true;
      }));
  auto id = [](const RecallImplantRow& r) { return r.patient.value; };
  if (!std::ranges::is_sorted(patients, {}, id)) std::ranges::sort(patients, {}, id);
  return patients;
}

// SQLite's patient-ordered cohort (recall_reads.h) in two statements read in one snapshot (a
// savepoint, which also nests inside a write transaction): the cohort's own columns in the
// device index's order, put in (patient, implant) order here by sorting their keys; then each
// distinct patient's row and latest procedure, once per patient in key order. Why not one
// statement: SQLite's sorter spent about a quarter of the statement's CPU sorting the wide cohort
// rows, and the correlated latest-procedure seeks ran once per implant, not per patient (a
// 100k-implant model has 40k patients in the bench registry): docs/performance.md "## Recall",
// Session 7. The cohort is held in memory (as the one statement's sorter held it) until the
// patients are read; the snapshot is released before `visit` sees the first row.
Result<void> SqliteImplantsByPatient(Database& db, const RecallImplantQuery& q, int part, int parts,
                                     const Visitor<RecallImplantRow>& visit) {
  auto no_bind = [](Statement&) {};
  ORP_RETURN_IF_ERROR(Execute(db, "SAVEPOINT orp_recall_cohort", no_bind));
  std::deque<RecallImplantRow> rows;
  std::vector<CohortKey> keys;
  Result<void> read = ForEachRow(
      db, SqliteCohortSql(q, part, parts), [&](Statement& s) { BindRecallImplantQuery(s, q); },
      [&](const Statement& s) -> Result<bool> {
        RecallImplantRow& r = rows.emplace_back();
        ReadCohortColumns(s, r);
        keys.push_back({r.patient.value, r.implant.value, rows.size() - 1});
        return true;
      });
  std::ranges::sort(keys);
  Result<std::deque<RecallImplantRow>> patients =
      read ? ReadPatientsOf(db, keys) : std::unexpected(read.error());
  Result<void> released = Execute(db, "RELEASE orp_recall_cohort", no_bind);
  if (!patients) return std::unexpected(patients.error());
  ORP_RETURN_IF_ERROR(released);
  auto patient = patients->begin();
  for (const CohortKey& key : keys) {
    while (patient != patients->end() && patient->patient.value < key.patient) ++patient;
    if (patient == patients->end() || patient->patient.value != key.patient) continue;
    RecallImplantRow& r = rows[key.row];
    r.pseudonym = patient->pseudonym;
    r.nhs_number = patient->nhs_number;
    r.date_of_death = patient->date_of_death;
    r.latest_site = patient->latest_site;
    r.latest_procedure_on = patient->latest_procedure_on;
    r.latest_organisation = patient->latest_organisation;
    if (!visit(r)) break;
  }
  return {};
}

}  // namespace

Result<void> Queries::ForEachRecallImplant(const RecallImplantQuery& q,
                                           const Visitor<RecallImplantRow>& visit) {
  if (q.device_ids.empty()) {
    return InvalidArgument("a recall implant query needs at least one device identifier");
  }
  return StreamEachRow(
      db_, RecallImplantSql(q, db_.dialect()), [&](Statement& s) { BindRecallImplantQuery(s, q); },
      [&](const Statement& s) -> Result<bool> { return visit(ReadRecallImplant(s)); });
}

Result<void> Queries::ForEachRecallImplantByPatient(const RecallImplantQuery& q,
                                                    const Visitor<RecallImplantRow>& visit) {
  return ForEachRecallImplantPartByPatient(q, 0, 1, visit);
}

Result<void> Queries::ForEachRecallImplantPartByPatient(const RecallImplantQuery& q, int part,
                                                        int parts,
                                                        const Visitor<RecallImplantRow>& visit) {
  if (q.device_ids.empty()) {
    return InvalidArgument("a recall implant query needs at least one device identifier");
  }
  if (parts < 1 || part < 0 || part >= parts) {
    return InvalidArgument(fmt::format(
        "a recall cohort part must be 0 to parts - 1 of parts >= 1, not {} of {}", part, parts));
  }
  if (db_.dialect() == Dialect::kSqlite) return SqliteImplantsByPatient(db_, q, part, parts, visit);
  return StreamEachRow(
      db_, PostgresImplantByPatientSql(q, part, parts),
      [&](Statement& s) { BindRecallImplantQuery(s, q); },
      [&](const Statement& s) -> Result<bool> { return visit(ReadRecallImplant(s)); });
}

}  // namespace orp::storage::sql
