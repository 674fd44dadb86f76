// Queries: bulk ingest (ingest4, #4; #10). Lookups of a whole chunk in one statement (= ANY of an
// array parameter); patients inserted in one statement (parallel arrays through unnest);
// procedures and their implants as one COPY each per batch.
#include <fmt/format.h>

#include <algorithm>

#include "orp/storage/postgres/codec.h"
#include "orp/storage/postgres/queries.h"

namespace orp::storage::postgres {
namespace {

// bytea in an array literal: its hex text form.
std::string HexBytea(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "\\x";
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

}  // namespace

Result<std::vector<Patient>> Queries::FindPatientsByPseudonyms(
    std::span<const Pseudonym> pseudonyms) {
  if (pseudonyms.empty()) return std::vector<Patient>();
  std::vector<std::optional<std::string>> keys;
  for (const Pseudonym& p : pseudonyms) keys.push_back(HexBytea(PseudonymBytes(p)));
  return Collect<Patient>(
      db_,
      fmt::format("SELECT {} FROM patients WHERE pseudonym = ANY($1::bytea[])", kPatientColumns),
      Params().Add(ArrayLiteral(keys)), ReadPatient);
}

Result<std::map<std::string, int, std::less<>>> Queries::FindProcedureVersions(
    std::string_view registry, std::span<const std::string> procedure_refs) {
  std::map<std::string, int, std::less<>> versions;
  if (procedure_refs.empty()) return versions;
  std::vector<std::optional<std::string>> refs(procedure_refs.begin(), procedure_refs.end());
  auto rows = db_.Query(
      "SELECT procedure_ref, version FROM procedures WHERE registry = $1 AND "
      "procedure_ref = ANY($2::text[])",
      Params().Add(registry).Add(ArrayLiteral(refs)));
  if (!rows) return std::unexpected(rows.error());
  for (int i = 0; i < rows->size(); ++i) {
    versions.emplace((*rows)[i].Text(0), static_cast<int>((*rows)[i].Int(1)));
  }
  return versions;
}

// One statement for the whole batch; the identity values come back in insertion order.
Result<void> Queries::InsertPatients(std::span<Patient> patients) {
  if (patients.empty()) return {};
  for (const Patient& p : patients) {
    if (p.id.stored()) return InvalidArgument(fmt::format("patient {} is stored", p.id.value));
  }
  ORP_RETURN_IF_ERROR(ChangeSeq());
  std::vector<std::optional<std::string>> columns[7];
  auto day = [](const std::optional<Date>& d) -> std::optional<std::string> {
    if (!d) return std::nullopt;
    return std::to_string(DayNumber(*d));
  };
  for (const Patient& p : patients) {
    columns[0].push_back(p.pseudonym ? std::optional(HexBytea(PseudonymBytes(*p.pseudonym)))
                                     : std::nullopt);
    columns[1].push_back(p.nhs_number ? std::optional(HexBytea(p.nhs_number->bytes))
                                      : std::nullopt);
    columns[2].push_back(day(p.date_of_birth));
    columns[3].push_back(TextOr(p.sex, domain::SexCode));
    columns[4].push_back(TextOr(p.postcode, PostcodeText));
    columns[5].push_back(day(p.date_of_death));
    columns[6].push_back(p.opted_out ? "t" : "f");
  }
  Params params;
  params.Add(change_seq_);
  for (const auto& column : columns) params.Add(ArrayLiteral(column));
  auto rows = db_.Query(
      "WITH i AS (INSERT INTO patients (pseudonym, nhs_cipher, date_of_birth, sex, postcode, "
      "date_of_death, opted_out, change_seq) SELECT u.pseudonym, u.cipher, u.born, u.sex, "
      "u.postcode, u.died, u.opted_out, $1 FROM unnest($2::bytea[], $3::bytea[], $4::int[], "
      "$5::text[], $6::text[], $7::int[], $8::bool[]) WITH ORDINALITY AS u(pseudonym, cipher, "
      "born, sex, postcode, died, opted_out, ord) ORDER BY u.ord RETURNING id) "
      "SELECT id FROM i ORDER BY id",
      params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() != static_cast<int>(patients.size())) {
    return Internal("patient insert returned a different number of ids");
  }
  for (size_t i = 0; i < patients.size(); ++i) patients[i].id.value = (*rows)[int(i)].Int(0);
  return {};
}

// `n` values of `table`'s identity sequence, ascending: the ids the rows of one COPY will have,
// in the order an INSERT would have given them (the sequence is not transactional either way).
// One nextval and one setval past the block, not n nextvals (those were 9% of the server's
// ingest time): the caller holds the change-sequence lock (ChangeSeq), which every writer of
// procedures and implants takes before its first insert, so no other orp draws from the
// sequence between the two. An insert by hand in between would take an id of the block, and
// the COPY would then fail on the primary key (kAlreadyExists) and roll back: never a wrong row.
Result<std::vector<int64_t>> Queries::ReserveIds(std::string_view table, size_t n) {
  std::vector<int64_t> ids;
  if (n == 0) return ids;
  if (change_seq_ == 0) return Internal("ids reserved outside the change-sequence lock");
  auto rows = db_.Query(
      "SELECT setval(s::regclass, nextval(s::regclass) + $2 - 1) "
      "FROM pg_get_serial_sequence($1, 'id') AS s",
      Params().Add(table).Add(static_cast<int64_t>(n)));
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() != 1) return Internal(fmt::format("no identity sequence for {}", table));
  const int64_t last = (*rows)[0].Int(0);
  ids.reserve(n);
  for (int64_t id = last - static_cast<int64_t>(n) + 1; id <= last; ++id) ids.push_back(id);
  return ids;
}

// The whole batch as two COPYs, procedures then their implants, with ids reserved from the
// identity sequences first (so nothing needs to come back). No ON CONFLICT: a stored or repeated
// (registry, procedure_ref) fails the COPY with a unique violation (kAlreadyExists), and the
// transaction rolls back.
Result<void> Queries::InsertProcedures(std::span<Procedure> procedures, SubmissionId submission) {
  for (const Procedure& p : procedures) {
    if (!p.patient.stored()) {
      return InvalidArgument(fmt::format("procedure {} has no stored patient", p.procedure_ref));
    }
  }
  if (procedures.empty()) return {};
  ORP_RETURN_IF_ERROR(ChangeSeq());
  size_t implant_count = 0;
  for (const Procedure& p : procedures) implant_count += p.implants.size();
  auto procedure_ids = ReserveIds("procedures", procedures.size());
  if (!procedure_ids) return std::unexpected(procedure_ids.error());
  auto implant_ids = ReserveIds("implants", implant_count);
  if (!implant_ids) return std::unexpected(implant_ids.error());
  CopyText procedure_rows;
  CopyText implant_rows;
  size_t next_implant = 0;
  for (size_t n = 0; n < procedures.size(); ++n) {
    Procedure& p = procedures[n];
    p.submission = submission;
    p.version = 1;
    p.id.value = (*procedure_ids)[n];
    AddProcedureRow(procedure_rows, p);
    for (Implant& m : p.implants) {
      m.id.value = (*implant_ids)[next_implant++];
      m.procedure = p.id;
      if (!m.laterality) m.laterality = p.laterality;
      if (m.action == domain::DeviceAction::kExplanted) m.in_situ = false;
      AddImplantRow(implant_rows, m, p.patient);
    }
  }
  static const std::string kCopyProcedures =
      fmt::format("COPY procedures (id, {}, change_seq) FROM STDIN", kProcedureColumns);
  ORP_RETURN_IF_ERROR(db_.CopyIn(kCopyProcedures, procedure_rows.data()));
  if (implant_count == 0) return {};
  return db_.CopyIn(
      "COPY implants (id, procedure, patient, gtin, lot, serial, expiry, raw_scan, action, "
      "laterality, in_situ, removed_by, removed_on, fields, change_seq) FROM STDIN",
      implant_rows.data());
}

// One COPY row of procedures: id, kProcedureColumns (the text Params would send), change_seq.
void Queries::AddProcedureRow(CopyText& rows, const Procedure& p) {
  Params row;
  AddProcedure(row, p);
  rows.Field(p.id.value);
  for (const char* value : row.Values()) {
    value ? rows.Field(std::string_view(value)) : rows.Null();
  }
  rows.Field(change_seq_);
  rows.EndRow();
}

// One COPY row of implants, the columns and text forms of AddImplantArrays.
void Queries::AddImplantRow(CopyText& rows, const Implant& m, PatientId patient) {
  rows.Field(m.id.value).Field(m.procedure.value).Field(patient.value);
  rows.FieldOrNull(ImplantDiText(m)).Field(m.lot).Field(m.serial);
  auto expiry = OptionalDay(m.expiry);
  expiry ? rows.Field(*expiry) : rows.Null();
  rows.Field(m.raw_scan).Field(domain::Name(m.action));
  rows.Field(TextOr(m.laterality, domain::LateralityCode));
  rows.Field(std::string_view(m.in_situ ? "t" : "f"));
  m.removed_by ? rows.Field(m.removed_by->value) : rows.Null();
  auto removed_on = OptionalDay(m.removed_on);
  removed_on ? rows.Field(*removed_on) : rows.Null();
  rows.Field(EncodeFields(m.fields)).Field(change_seq_);
  rows.EndRow();
}

}  // namespace orp::storage::postgres
