// Queries: bulk ingest (ingest4, #4). Lookups of a whole chunk in one statement (= ANY of an
// array parameter); patients inserted in one statement (parallel arrays through unnest);
// procedures one statement each, with all their implants (writes.cc).
#include <fmt/format.h>

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

// The whole batch in one statement: the procedures as parallel arrays, their implants as
// parallel arrays naming their procedure's position; identity values come back ascending in
// insertion order (procedures by position, implants in batch order). No ON CONFLICT: a stored or
// repeated (registry, procedure_ref) fails the statement with a unique violation
// (kAlreadyExists), and the transaction rolls back.
Result<void> Queries::InsertProcedures(std::span<Procedure> procedures, SubmissionId submission) {
  for (const Procedure& p : procedures) {
    if (!p.patient.stored()) {
      return InvalidArgument(fmt::format("procedure {} has no stored patient", p.procedure_ref));
    }
  }
  if (procedures.empty()) return {};
  ORP_RETURN_IF_ERROR(ChangeSeq());
  static const std::string kSql = fmt::format(
      "WITH u AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], "
      "$6::bigint[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], "
      "$13::text[], $14::int[], $15::float8[], $16::text[]) WITH ORDINALITY AS u(registry, ref, "
      "site, gmc, patient, date, type, opcs, snomed, laterality, body_site, indication, asa, bmi, "
      "fields, ord)), "
      "p AS (INSERT INTO procedures ({}, change_seq) SELECT registry, ref, site, gmc, patient, "
      "date, type, opcs, snomed, laterality, body_site, indication, asa, bmi, fields::jsonb, $17, "
      "1, $1 FROM u ORDER BY ord RETURNING id, registry, procedure_ref), "
      "i AS (INSERT INTO implants (procedure, patient, gtin, lot, serial, expiry, raw_scan, "
      "action, "
      "laterality, in_situ, removed_by, removed_on, fields, change_seq) SELECT p.id, u.patient, "
      "m.gtin, m.lot, m.serial, m.expiry, m.raw_scan, m.action, m.laterality, m.in_situ, "
      "m.removed_by, m.removed_on, m.fields::jsonb, $1 FROM unnest($18::text[], $19::text[], "
      "$20::text[], $21::int[], $22::text[], $23::text[], $24::text[], $25::bool[], "
      "$26::bigint[], $27::int[], $28::text[], $29::bigint[]) WITH ORDINALITY AS m(gtin, lot, "
      "serial, expiry, raw_scan, action, laterality, in_situ, removed_by, removed_on, fields, "
      "parent, ord) JOIN u ON u.ord = m.parent JOIN p ON p.registry = u.registry AND "
      "p.procedure_ref = u.ref ORDER BY m.ord RETURNING id) "
      "SELECT (SELECT array_agg(id ORDER BY id) FROM p), (SELECT array_agg(id ORDER BY id) FROM i)",
      kProcedureColumns);
  std::vector<std::optional<std::string>> cols[15];
  std::vector<Implant> implants;
  std::vector<std::optional<std::string>> parents;
  for (size_t n = 0; n < procedures.size(); ++n) {
    Procedure& p = procedures[n];
    p.submission = submission;
    p.version = 1;
    Params row;  // the procedure's 17 columns as text, in kProcedureColumns order
    AddProcedure(row, p);
    std::vector<const char*> values = row.Values();
    for (int c = 0; c < 15; ++c) {
      cols[c].push_back(values[c] ? std::optional<std::string>(values[c]) : std::nullopt);
    }
    for (Implant& m : p.implants) {
      if (!m.laterality) m.laterality = p.laterality;
      if (m.action == domain::DeviceAction::kExplanted) m.in_situ = false;
      implants.push_back(m);
      parents.push_back(std::to_string(n + 1));
    }
  }
  Params params;
  params.Add(change_seq_);
  for (const auto& column : cols) params.Add(ArrayLiteral(column));
  submission.stored() ? params.Add(submission.value) : params.AddNull();
  AddImplantArrays(params, implants);
  params.Add(ArrayLiteral(parents));
  auto rows = db_.Query(kSql, params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<int64_t> procedure_ids = ParseIdArray((*rows)[0].View(0));
  std::vector<int64_t> implant_ids = ParseIdArray((*rows)[0].View(1));
  if (procedure_ids.size() != procedures.size() || implant_ids.size() != implants.size()) {
    return Internal("procedure insert returned a different number of ids");
  }
  size_t next_implant = 0;
  for (size_t n = 0; n < procedures.size(); ++n) {
    Procedure& p = procedures[n];
    p.id.value = procedure_ids[n];
    for (Implant& m : p.implants) {
      m.id.value = implant_ids[next_implant++];
      m.procedure = p.id;
      if (!m.laterality) m.laterality = p.laterality;
      if (m.action == domain::DeviceAction::kExplanted) m.in_situ = false;
    }
  }
  return {};
}

}  // namespace orp::storage::postgres
