// Queries: bulk ingest (ingest4, #4). Batched lookups (one `IN (...)` statement per up to 64
// keys) and multi-row INSERTs for the rows of a submission chunk known to be new. SQLite's fixed
// work per statement execution (binding, opening a cursor on the table and each index, halting,
// closing them) is then paid once per batch instead of once per row; the B-tree writes are the
// same as PutPatient's and PutProcedure's. Batches are split into 64, 32, ..., 1 rows so that at
// most seven statement shapes per table sit in the connection's statement cache.
#include <fmt/format.h>

#include <array>

#include "orp/storage/sqlite/codec.h"
#include "orp/storage/sqlite/collect.h"
#include "orp/storage/sqlite/queries.h"

namespace orp::storage::sqlite {
namespace {

constexpr size_t kMaxRows = 64;
constexpr size_t kShapes = 7;  // 64, 32, 16, 8, 4, 2, 1

size_t ShapeIndex(size_t rows) { return static_cast<size_t>(__builtin_ctzll(kMaxRows / rows)); }

// The largest power of two <= n (n >= 1), at most kMaxRows.
size_t BatchRows(size_t n) {
  size_t rows = kMaxRows;
  while (rows > n) rows /= 2;
  return rows;
}

// One statement family: `head`, then `rows` groups of `columns` parameters, then `tail`. Groups
// are parenthesised rows of VALUES, or bare parameters of an IN list (columns == 1). The SQL
// texts are built once per shape.
class MultiRowSql {
 public:
  // All shapes are built here, so a static instance is safe to share between connections.
  MultiRowSql(std::string_view head, size_t columns, std::string_view tail = "")
      : columns_(columns) {
    std::string group;
    for (size_t c = 0; c < columns; ++c) group += c ? ", ?" : "?";
    if (tail.empty()) group = "(" + group + ")";  // VALUES rows; an IN list has bare parameters
    for (size_t rows = kMaxRows; rows >= 1; rows /= 2) {
      std::string& sql = sql_[ShapeIndex(rows)];
      sql = head;
      for (size_t r = 0; r < rows; ++r) sql += (r ? ", " : "") + group;
      sql += tail;
    }
  }
  size_t columns() const { return columns_; }
  const std::string& For(size_t rows) const { return sql_[ShapeIndex(rows)]; }

 private:
  size_t columns_;
  std::array<std::string, kShapes> sql_;
};

// Inserts `items` in batches; bind(stmt, first_parameter, item) binds one row.
template <typename T, typename BindFn>
Result<void> InsertRows(Connection& db, const MultiRowSql& sql, std::span<T> items, BindFn bind) {
  for (size_t done = 0; done < items.size();) {
    const size_t rows = BatchRows(items.size() - done);
    auto stmt = db.Prepare(sql.For(rows));
    if (!stmt) return std::unexpected(stmt.error());
    for (size_t r = 0; r < rows; ++r) {
      bind(*stmt, static_cast<int>(r * sql.columns() + 1), items[done + r]);
    }
    ORP_RETURN_IF_ERROR(stmt->Run());
    done += rows;
  }
  return {};
}

// Runs `sql` (whose IN list holds `sql.columns()` == 1 parameter per key, after `fixed` leading
// parameters bound by `bind_fixed`) over `keys` in batches, padding a batch to its shape by
// repeating its last key, and hands every row to `read`.
template <typename K, typename BindKey, typename BindFixed, typename ReadFn>
Result<void> LookUp(Connection& db, const MultiRowSql& sql, int fixed, std::span<const K> keys,
                    BindFixed bind_fixed, BindKey bind_key, ReadFn read) {
  for (size_t done = 0; done < keys.size();) {
    const size_t left = keys.size() - done;
    size_t rows = 1;
    while (rows < left && rows < kMaxRows) rows *= 2;
    auto stmt = db.Prepare(sql.For(rows));
    if (!stmt) return std::unexpected(stmt.error());
    bind_fixed(*stmt);
    for (size_t r = 0; r < rows; ++r) {
      bind_key(*stmt, fixed + static_cast<int>(r) + 1, keys[done + std::min(r, left - 1)]);
    }
    while (true) {
      auto row = stmt->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      ORP_RETURN_IF_ERROR(read(*stmt));
    }
    done += std::min(rows, left);
  }
  return {};
}

Result<int64_t> MaxId(Connection& db, std::string_view sql) {
  auto max = First<int64_t>(
      db, sql, [](Stmt&) {}, [](const Stmt& s) -> Result<int64_t> { return s.Int(0); });
  if (!max) return std::unexpected(max.error());
  return max->value_or(0);
}

}  // namespace

Result<std::vector<Patient>> Queries::FindPatientsByPseudonyms(
    std::span<const Pseudonym> pseudonyms) {
  static const MultiRowSql sql(
      fmt::format("SELECT {} FROM patients WHERE pseudonym IN (", kPatientColumns), 1, ")");
  std::vector<Patient> found;
  ORP_RETURN_IF_ERROR(LookUp(
      db_, sql, 0, pseudonyms, [](Stmt&) {},
      [](Stmt& s, int index, const Pseudonym& p) { s.BindBlob(index, PseudonymBytes(p)); },
      [&](const Stmt& s) -> Result<void> {
        auto patient = ReadPatient(s);
        if (!patient) return std::unexpected(patient.error());
        found.push_back(std::move(*patient));
        return {};
      }));
  return found;
}

Result<std::map<std::string, int, std::less<>>> Queries::FindProcedureVersions(
    std::string_view registry, std::span<const std::string> procedure_refs) {
  static const MultiRowSql sql(
      "SELECT procedure_ref, version FROM procedures WHERE registry = ?1 AND procedure_ref IN (", 1,
      ")");
  std::map<std::string, int, std::less<>> versions;
  ORP_RETURN_IF_ERROR(LookUp(
      db_, sql, 1, procedure_refs, [&](Stmt& s) { s.Bind(1, registry); },
      [](Stmt& s, int index, const std::string& ref) { s.Bind(index, ref); },
      [&](const Stmt& s) -> Result<void> {
        versions.emplace(s.Text(0), static_cast<int>(s.Int(1)));
        return {};
      }));
  return versions;
}

Result<void> Queries::InsertPatients(std::span<Patient> patients) {
  static const MultiRowSql sql(
      "INSERT INTO patients (id, pseudonym, nhs_cipher, date_of_birth, sex, postcode, "
      "date_of_death, opted_out, change_seq) VALUES ",
      9);
  if (patients.empty()) return {};
  for (const Patient& p : patients) {
    if (p.id.stored()) return InvalidArgument(fmt::format("patient {} is stored", p.id.value));
  }
  ORP_RETURN_IF_ERROR(ChangeSeq());
  auto max = MaxId(db_, "SELECT coalesce(max(id), 0) FROM patients");
  if (!max) return std::unexpected(max.error());
  int64_t next = *max;
  for (Patient& p : patients) p.id.value = ++next;
  return InsertRows(db_, sql, patients, [&](Stmt& s, int first, const Patient& p) {
    s.Bind(first, p.id.value);
    BindPatient(s, first + 1, p);
    s.Bind(first + 8, change_seq_);
  });
}

Result<void> Queries::InsertProcedures(std::span<Procedure> procedures, SubmissionId submission) {
  static const MultiRowSql procedure_sql(
      fmt::format("INSERT INTO procedures (id, {}, change_seq) VALUES ", kProcedureColumns), 19);
  static const MultiRowSql implant_sql(
      fmt::format("INSERT INTO implants (id, patient, {}, change_seq) VALUES ", kImplantColumns),
      15);
  if (procedures.empty()) return {};
  for (const Procedure& p : procedures) {
    if (!p.patient.stored()) {
      return InvalidArgument(fmt::format("procedure {} has no stored patient", p.procedure_ref));
    }
  }
  ORP_RETURN_IF_ERROR(ChangeSeq());
  auto max_procedure = MaxId(db_, "SELECT coalesce(max(id), 0) FROM procedures");
  auto max_implant = MaxId(db_, "SELECT coalesce(max(id), 0) FROM implants");
  if (!max_procedure) return std::unexpected(max_procedure.error());
  if (!max_implant) return std::unexpected(max_implant.error());
  int64_t next_procedure = *max_procedure;
  int64_t next_implant = *max_implant;
  std::vector<std::pair<Implant*, PatientId>> implants;
  for (Procedure& p : procedures) {
    p.id.value = ++next_procedure;
    p.version = 1;
    p.submission = submission;
    for (Implant& implant : p.implants) {
      Normalise(implant, p);
      implant.id.value = ++next_implant;
      implants.emplace_back(&implant, p.patient);
    }
  }
  ORP_RETURN_IF_ERROR(
      InsertRows(db_, procedure_sql, procedures, [&](Stmt& s, int first, const Procedure& p) {
        s.Bind(first, p.id.value);
        BindProcedure(s, first + 1, p);
        s.Bind(first + 18, change_seq_);
      }));
  return InsertRows(db_, implant_sql, std::span(implants),
                    [&](Stmt& s, int first, const std::pair<Implant*, PatientId>& row) {
                      s.Bind(first, row.first->id.value).Bind(first + 1, row.second.value);
                      BindImplant(s, first + 2, *row.first);
                      s.Bind(first + 14, change_seq_);
                    });
}

}  // namespace orp::storage::sqlite
