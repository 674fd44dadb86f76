// Queries: the writes of patients, procedures, implants and outcome events. The caller holds a
// transaction open around them.
#include <fmt/format.h>

#include <cstdlib>
#include <ctime>

#include "orp/storage/postgres/codec.h"
#include "orp/storage/postgres/queries.h"

namespace orp::storage::postgres {
namespace {

// A new (registry, procedure_ref) and all its implants in one statement, one round trip: the
// implants travel as parallel arrays. No row back means the reference is already stored.
const std::string kInsertNewProcedure = fmt::format(
    "WITH p AS (INSERT INTO procedures ({}, change_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
    "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18) "
    "ON CONFLICT (registry, procedure_ref) DO NOTHING RETURNING id), "
    "i AS (INSERT INTO implants (procedure, patient, gtin, lot, serial, expiry, raw_scan, action, "
    "laterality, in_situ, removed_by, removed_on, fields, change_seq) "
    "SELECT p.id, $5, u.gtin, u.lot, u.serial, u.expiry, u.raw_scan, u.action, u.laterality, "
    "u.in_situ, u.removed_by, u.removed_on, u.fields::jsonb, $18 FROM p, unnest($19::text[], "
    "$20::text[], $21::text[], $22::int[], $23::text[], $24::text[], $25::text[], $26::bool[], "
    "$27::bigint[], $28::int[], $29::text[]) WITH ORDINALITY AS u(gtin, lot, serial, expiry, "
    "raw_scan, action, laterality, in_situ, removed_by, removed_on, fields, ord) "
    "ORDER BY u.ord RETURNING id) "
    "SELECT p.id, (SELECT array_agg(id ORDER BY id) FROM i) FROM p",
    kProcedureColumns);
constexpr std::string_view kUpdateProcedure =
    "UPDATE procedures SET registry = $1, procedure_ref = $2, provider_site = $3, "
    "clinician_gmc = $4, patient = $5, date = $6, type = $7, opcs_codes = $8, snomed_code = $9, "
    "laterality = $10, body_site = $11, indication = $12, asa_grade = $13, bmi = $14, "
    "fields = $15, submission = $16, version = $17, change_seq = $19 WHERE id = $18";
const std::string kInsertImplant = fmt::format(
    "INSERT INTO implants ({}, patient, change_seq) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    kImplantColumns);
constexpr std::string_view kUpdateImplant =
    "UPDATE implants SET procedure = $1, gtin = $2, lot = $3, serial = $4, expiry = $5, "
    "raw_scan = $6, action = $7, laterality = $8, in_situ = $9, removed_by = $10, "
    "removed_on = $11, fields = $12, patient = $13, change_seq = $14 WHERE id = $15";

bool SameDevice(const Implant& a, const Implant& b) {
  return a.gtin == b.gtin && a.other_di == b.other_di && a.lot == b.lot && a.serial == b.serial &&
         a.action == b.action;
}

// An explanted device row records a removal; it is never itself in situ.
void Normalise(Implant& implant, const Procedure& procedure) {
  implant.procedure = procedure.id;
  if (!implant.laterality) implant.laterality = procedure.laterality;
  if (implant.action == domain::DeviceAction::kExplanted) implant.in_situ = false;
}

}  // namespace

// The implants as the parallel arrays $19..$29 of kInsertNewProcedure.
void AddImplantArrays(Params& params, const std::vector<Implant>& implants) {
  std::vector<std::optional<std::string>> columns[11];
  auto text = [](auto v) { return std::optional<std::string>(std::move(v)); };
  auto number = [](const auto& v) -> std::optional<std::string> {
    if (!v) return std::nullopt;
    return std::to_string(*v);
  };
  for (const Implant& m : implants) {
    columns[0].push_back(ImplantDiText(m));
    columns[1].push_back(m.lot);
    columns[2].push_back(m.serial);
    columns[3].push_back(number(OptionalDay(m.expiry)));
    columns[4].push_back(m.raw_scan);
    columns[5].push_back(text(std::string(domain::Name(m.action))));
    columns[6].push_back(TextOr(m.laterality, domain::LateralityCode));
    columns[7].push_back(text(m.in_situ ? "t" : "f"));
    columns[8].push_back(m.removed_by ? text(std::to_string(m.removed_by->value)) : std::nullopt);
    columns[9].push_back(number(OptionalDay(m.removed_on)));
    columns[10].push_back(EncodeFields(m.fields));
  }
  for (const auto& column : columns) params.Add(ArrayLiteral(column));
}

// "{1,2,3}" -> ids.
std::vector<int64_t> ParseIdArray(std::string_view text) {
  std::vector<int64_t> ids;
  if (text.size() < 2) return ids;
  for (const std::string& item : SplitList(text.substr(1, text.size() - 2), ',')) {
    ids.push_back(std::strtoll(item.c_str(), nullptr, 10));
  }
  return ids;
}

Result<int64_t> Queries::ChangeSeq() {
  if (change_seq_ != 0) return change_seq_;
  // EXCLUSIVE lets readers through but queues every other writer of the sequence until this
  // transaction ends: the number is then the next in commit order, and LastChange never shows a
  // number whose transaction has not committed while an earlier one is still open.
  ORP_RETURN_IF_ERROR(db_.Exec("LOCK TABLE changes IN EXCLUSIVE MODE"));
  auto rows = db_.Query(
      "INSERT INTO changes (seq, at) SELECT coalesce(max(seq), 0) + 1, $1 FROM changes "
      "RETURNING seq",
      Params().Add(int64_t{std::time(nullptr)}));
  if (!rows) return std::unexpected(rows.error());
  change_seq_ = (*rows)[0].Int(0);
  return change_seq_;
}

Result<PatientId> Queries::PutPatient(const Patient& patient) {
  ORP_RETURN_IF_ERROR(ChangeSeq());
  if (patient.id.stored()) {
    Params params;
    AddPatient(params, patient);
    params.Add(patient.id.value).Add(change_seq_);
    auto rows = db_.Query(
        "UPDATE patients SET pseudonym = $1, nhs_cipher = $2, date_of_birth = $3, sex = $4, "
        "postcode = $5, date_of_death = $6, opted_out = $7, change_seq = $9 WHERE id = $8",
        params);
    if (!rows) return std::unexpected(rows.error());
    if (rows->Affected() == 0)
      return NotFound(fmt::format("patient {} does not exist", patient.id.value));
    return patient.id;
  }
  // A known pseudonym fills in what the stored patient lacks; RETURNING gives the id either way.
  Params params;
  AddPatient(params, patient);
  params.Add(change_seq_);
  auto rows = db_.Query(
      "INSERT INTO patients AS t (pseudonym, nhs_cipher, date_of_birth, sex, postcode, "
      "date_of_death, opted_out, change_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
      "ON CONFLICT (pseudonym) DO UPDATE SET change_seq = excluded.change_seq, "
      "nhs_cipher = coalesce(excluded.nhs_cipher, t.nhs_cipher), "
      "date_of_birth = coalesce(excluded.date_of_birth, t.date_of_birth), "
      "sex = CASE WHEN excluded.sex <> '' THEN excluded.sex ELSE t.sex END, "
      "postcode = CASE WHEN excluded.postcode <> '' THEN excluded.postcode ELSE t.postcode END, "
      "date_of_death = coalesce(t.date_of_death, excluded.date_of_death), "
      "opted_out = t.opted_out OR excluded.opted_out RETURNING id",
      params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() != 1) return Internal("patient insert returned no id");
  return PatientId{(*rows)[0].Int(0)};
}

Result<std::optional<ProcedureId>> Queries::InsertNewProcedure(Procedure& procedure) {
  procedure.version = 1;
  for (Implant& implant : procedure.implants) Normalise(implant, procedure);
  Params params;
  AddProcedure(params, procedure);
  params.Add(change_seq_);
  AddImplantArrays(params, procedure.implants);
  auto rows = db_.Query(kInsertNewProcedure, params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) return std::optional<ProcedureId>();
  procedure.id.value = (*rows)[0].Int(0);
  std::vector<int64_t> ids = ParseIdArray((*rows)[0].View(1));
  if (ids.size() != procedure.implants.size()) return Internal("implant insert lost a row");
  for (size_t i = 0; i < ids.size(); ++i) {
    procedure.implants[i].id.value = ids[i];
    procedure.implants[i].procedure = procedure.id;
  }
  return procedure.id;
}

Result<PutKind> Queries::PutProcedure(Procedure& procedure, SubmissionId submission) {
  if (!procedure.patient.stored()) {
    return InvalidArgument(
        fmt::format("procedure {} has no stored patient", procedure.procedure_ref));
  }
  ORP_RETURN_IF_ERROR(ChangeSeq());
  procedure.submission = submission;
  auto inserted = InsertNewProcedure(procedure);
  if (!inserted) return std::unexpected(inserted.error());
  if (*inserted) return PutKind::kInserted;
  auto existing = First<std::pair<int64_t, int>>(
      db_, "SELECT id, version FROM procedures WHERE registry = $1 AND procedure_ref = $2",
      Params().Add(procedure.registry).Add(procedure.procedure_ref),
      [](const Row& r) -> Result<std::pair<int64_t, int>> {
        return std::pair{r.Int(0), static_cast<int>(r.Int(1))};
      });
  if (!existing) return std::unexpected(existing.error());
  if (!*existing) return Internal("procedure vanished between insert and update");
  procedure.id.value = (*existing)->first;
  procedure.version = (*existing)->second + 1;
  ORP_RETURN_IF_ERROR(ArchiveVersion(procedure.id));
  auto previous = ImplantsOf(procedure.id);
  if (!previous) return std::unexpected(previous.error());
  Params params;
  AddProcedure(params, procedure);
  params.Add(procedure.id.value).Add(change_seq_);
  auto updated = db_.Query(kUpdateProcedure, params);
  if (!updated) return std::unexpected(updated.error());
  ORP_RETURN_IF_ERROR(ReplaceImplants(procedure, std::move(*previous)));
  return PutKind::kNewVersion;
}

Result<void> Queries::ArchiveVersion(ProcedureId id) {
  static const std::string kProcedure = fmt::format(
      "INSERT INTO procedure_versions (procedure, {0}) SELECT id, {0} FROM procedures "
      "WHERE id = $1",
      kProcedureColumns);
  static const std::string kImplants = fmt::format(
      "INSERT INTO implant_versions (version, implant, {0}) SELECT p.version, {1} FROM implants i "
      "JOIN procedures p ON p.id = i.procedure WHERE i.procedure = $1",
      kImplantColumns, kImplantColumnsOfI);
  auto archived = db_.Query(kProcedure, Params().Add(id.value));
  if (!archived) return std::unexpected(archived.error());
  auto implants = db_.Query(kImplants, Params().Add(id.value));
  if (!implants) return std::unexpected(implants.error());
  return {};
}

Result<void> Queries::InsertImplant(Implant& implant, PatientId patient) {
  Params params;
  AddImplant(params, implant);
  params.Add(patient.value).Add(change_seq_);
  auto rows = db_.Query(kInsertImplant, params);
  if (!rows) return std::unexpected(rows.error());
  implant.id.value = (*rows)[0].Int(0);
  return {};
}

// Implants matching an earlier one keep its id and removal state (later procedures may point at
// them); the rest of the earlier ones are deleted and the new ones inserted.
Result<void> Queries::ReplaceImplants(Procedure& procedure, std::vector<Implant> previous) {
  std::vector<bool> kept(previous.size(), false);
  for (Implant& implant : procedure.implants) {
    Normalise(implant, procedure);
    size_t match = 0;
    while (match < previous.size() && (kept[match] || !SameDevice(previous[match], implant))) {
      ++match;
    }
    if (match == previous.size()) {
      ORP_RETURN_IF_ERROR(InsertImplant(implant, procedure.patient));
      continue;
    }
    kept[match] = true;
    const Implant& old = previous[match];
    implant.id = old.id;
    if (implant.action == domain::DeviceAction::kImplanted) implant.in_situ = old.in_situ;
    implant.removed_by = old.removed_by;
    implant.removed_on = old.removed_on;
    Params params;
    AddImplant(params, implant);
    params.Add(procedure.patient.value).Add(change_seq_).Add(implant.id.value);
    auto updated = db_.Query(kUpdateImplant, params);
    if (!updated) return std::unexpected(updated.error());
  }
  for (size_t i = 0; i < previous.size(); ++i) {
    if (kept[i]) continue;
    auto deleted =
        db_.Query("DELETE FROM implants WHERE id = $1", Params().Add(previous[i].id.value));
    if (!deleted) return std::unexpected(deleted.error());
  }
  return {};
}

Result<void> Queries::MarkImplantsRemoved(std::span<const ImplantId> implants, ProcedureId by,
                                          Date on) {
  ORP_RETURN_IF_ERROR(ChangeSeq());
  for (ImplantId id : implants) {
    auto rows = db_.Query(
        "UPDATE implants SET in_situ = false, removed_by = $1, removed_on = $2, change_seq = $4 "
        "WHERE id = $3",
        Params().Add(by.value).Add(DayNumber(on)).Add(id.value).Add(change_seq_));
    if (!rows) return std::unexpected(rows.error());
    if (rows->Affected() == 0) return NotFound(fmt::format("implant {} does not exist", id.value));
  }
  return {};
}

Result<void> Queries::RecordDeath(PatientId patient, Date date, SubmissionId submission) {
  ORP_RETURN_IF_ERROR(ChangeSeq());
  auto rows = db_.Query(
      "UPDATE patients SET date_of_death = coalesce(date_of_death, $1), change_seq = $3 "
      "WHERE id = $2",
      Params().Add(DayNumber(date)).Add(patient.value).Add(change_seq_));
  if (!rows) return std::unexpected(rows.error());
  if (rows->Affected() == 0)
    return NotFound(fmt::format("patient {} does not exist", patient.value));
  auto events = OutcomeEventsOf(patient);
  if (!events) return std::unexpected(events.error());
  for (const OutcomeEvent& e : *events) {
    if (e.kind == domain::OutcomeKind::kDeath) return {};
  }
  OutcomeEvent death;
  death.patient = patient;
  death.kind = domain::OutcomeKind::kDeath;
  death.date = date;
  death.submission = submission;
  auto id = AddOutcomeEvent(death);
  if (!id) return std::unexpected(id.error());
  return {};
}

Result<OutcomeEventId> Queries::AddOutcomeEvent(const OutcomeEvent& e) {
  Params params;
  params.Add(e.patient.value).Add(domain::Name(e.kind)).Add(DayNumber(e.date)).Add(e.registry);
  e.procedure ? params.Add(e.procedure->value) : params.AddNull();
  e.implant ? params.Add(e.implant->value) : params.AddNull();
  params.Add(e.detail);
  e.submission.stored() ? params.Add(e.submission.value) : params.AddNull();
  auto rows = db_.Query(
      "INSERT INTO outcome_events (patient, kind, date, registry, procedure, implant, detail, "
      "submission) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      params);
  if (!rows) return std::unexpected(rows.error());
  return OutcomeEventId{(*rows)[0].Int(0)};
}

}  // namespace orp::storage::postgres
