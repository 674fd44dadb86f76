// Queries: the writes. The caller holds a transaction open around them.
#include <fmt/format.h>

#include <ctime>

#include "orp/storage/sqlite/codec.h"
#include "orp/storage/sqlite/collect.h"
#include "orp/storage/sqlite/queries.h"

namespace orp::storage::sqlite {
namespace {

const std::string kInsertProcedure = fmt::format(
    "INSERT INTO procedures ({}, change_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
    "?12, ?13, ?14, ?15, ?16, ?17, ?19)",
    kProcedureColumns);
constexpr std::string_view kUpdateProcedure =
    "UPDATE procedures SET registry = ?1, procedure_ref = ?2, provider_site = ?3, "
    "clinician_gmc = ?4, patient = ?5, date = ?6, type = ?7, opcs_codes = ?8, snomed_code = ?9, "
    "laterality = ?10, body_site = ?11, indication = ?12, asa_grade = ?13, bmi = ?14, "
    "fields = ?15, submission = ?16, version = ?17, change_seq = ?19 WHERE id = ?18";
const std::string kInsertImplant = fmt::format(
    "INSERT INTO implants (patient, {}, change_seq) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    kImplantColumns);
constexpr std::string_view kUpdateImplant =
    "UPDATE implants SET patient = ?1, procedure = ?2, gtin = ?3, lot = ?4, serial = ?5, "
    "expiry = ?6, raw_scan = ?7, action = ?8, laterality = ?9, in_situ = ?10, removed_by = ?11, "
    "removed_on = ?12, fields = ?13, change_seq = ?14 WHERE id = ?15";

bool SameDevice(const Implant& a, const Implant& b) {
  return a.gtin == b.gtin && a.other_di == b.other_di && a.lot == b.lot && a.serial == b.serial &&
         a.action == b.action;
}

}  // namespace

Result<int64_t> Queries::ChangeSeq() {
  if (change_seq_ != 0) return change_seq_;
  ORP_RETURN_IF_ERROR(Execute(db_, "INSERT INTO changes (at) VALUES (?1)",
                              [](Stmt& s) { s.Bind(1, int64_t{std::time(nullptr)}); }));
  change_seq_ = db_.LastInsertRowid();
  return change_seq_;
}

// PutPatient's conflict clause for a patient with a pseudonym: a known pseudonym fills in what the
// stored patient lacks.
constexpr std::string_view kUpsertPseudonym =
    "ON CONFLICT (pseudonym) DO UPDATE SET change_seq = excluded.change_seq, "
    "nhs_cipher = coalesce(excluded.nhs_cipher, nhs_cipher), "
    "date_of_birth = coalesce(excluded.date_of_birth, date_of_birth), "
    "sex = CASE WHEN excluded.sex <> '' THEN excluded.sex ELSE sex END, "
    "postcode = CASE WHEN excluded.postcode <> '' THEN excluded.postcode ELSE postcode END, "
    "date_of_death = coalesce(date_of_death, excluded.date_of_death), "
    "opted_out = max(opted_out, excluded.opted_out) RETURNING id";

Result<PatientId> Queries::PutPatient(const Patient& patient) {
  ORP_RETURN_IF_ERROR(ChangeSeq());
  if (patient.id.stored()) {
    ORP_RETURN_IF_ERROR(Execute(
        db_,
        "UPDATE patients SET pseudonym = ?1, nhs_cipher = ?2, date_of_birth = ?3, sex = ?4, "
        "postcode = ?5, date_of_death = ?6, opted_out = ?7, change_seq = ?9 WHERE id = ?8",
        [&](Stmt& s) {
          BindPatient(s, 1, patient);
          s.Bind(8, patient.id.value).Bind(9, change_seq_);
        }));
    if (db_.Changes() == 0)
      return NotFound(fmt::format("patient {} does not exist", patient.id.value));
    return patient.id;
  }
  // A known pseudonym fills in what the stored patient lacks; RETURNING gives the id either way.
  // Without a pseudonym nothing can conflict, and the plain INSERT needs no index on pseudonym (a
  // bulk load into an empty store defers patients_by_pseudonym: storage/bulk_load_writes.h).
  static const std::string kInsert =
      "INSERT INTO patients (pseudonym, nhs_cipher, date_of_birth, sex, postcode, date_of_death, "
      "opted_out, change_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ";
  static const std::string kUpsert = kInsert + std::string(kUpsertPseudonym);
  static const std::string kPlain = kInsert + "RETURNING id";
  auto id = First<int64_t>(
      db_, patient.pseudonym ? kUpsert : kPlain,
      [&](Stmt& s) {
        BindPatient(s, 1, patient);
        s.Bind(8, change_seq_);
      },
      [](const Stmt& s) -> Result<int64_t> { return s.Int(0); });
  if (!id) return std::unexpected(id.error());
  if (!*id) return Internal("patient insert returned no id");
  return PatientId{**id};
}

Result<PutKind> Queries::PutProcedure(Procedure& procedure, SubmissionId submission) {
  if (!procedure.patient.stored()) {
    return InvalidArgument(
        fmt::format("procedure {} has no stored patient", procedure.procedure_ref));
  }
  ORP_RETURN_IF_ERROR(ChangeSeq());
  procedure.submission = submission;
  auto existing = First<std::pair<int64_t, int>>(
      db_, "SELECT id, version FROM procedures WHERE registry = ?1 AND procedure_ref = ?2",
      [&](Stmt& s) { s.Bind(1, procedure.registry).Bind(2, procedure.procedure_ref); },
      [](const Stmt& s) -> Result<std::pair<int64_t, int>> {
        return std::pair{s.Int(0), static_cast<int>(s.Int(1))};
      });
  if (!existing) return std::unexpected(existing.error());
  if (!*existing) {
    procedure.version = 1;
    ORP_RETURN_IF_ERROR(Execute(db_, kInsertProcedure, [&](Stmt& s) {
      BindProcedure(s, 1, procedure);
      s.Bind(19, change_seq_);
    }));
    procedure.id.value = db_.LastInsertRowid();
    ORP_RETURN_IF_ERROR(InsertImplants(procedure));
    return PutKind::kInserted;
  }
  procedure.id.value = (*existing)->first;
  procedure.version = (*existing)->second + 1;
  ORP_RETURN_IF_ERROR(ArchiveVersion(procedure.id));
  auto previous = ImplantsOf(procedure.id);
  if (!previous) return std::unexpected(previous.error());
  ORP_RETURN_IF_ERROR(Execute(db_, kUpdateProcedure, [&](Stmt& s) {
    BindProcedure(s, 1, procedure);
    s.Bind(18, procedure.id.value).Bind(19, change_seq_);
  }));
  ORP_RETURN_IF_ERROR(ReplaceImplants(procedure, std::move(*previous)));
  return PutKind::kNewVersion;
}

Result<void> Queries::ArchiveVersion(ProcedureId id) {
  ORP_RETURN_IF_ERROR(Execute(
      db_,
      fmt::format("INSERT INTO procedure_versions (procedure, {0}) SELECT id, {0} FROM procedures "
                  "WHERE id = ?1",
                  kProcedureColumns),
      [&](Stmt& s) { s.Bind(1, id.value); }));
  return Execute(db_,
                 fmt::format("INSERT INTO implant_versions (version, implant, {0}) "
                             "SELECT p.version, i.id, {1} FROM implants i "
                             "JOIN procedures p ON p.id = i.procedure WHERE i.procedure = ?1",
                             kImplantColumns, kImplantColumnsOfI.substr(6)),
                 [&](Stmt& s) { s.Bind(1, id.value); });
}

Result<void> Queries::InsertImplants(Procedure& procedure) {
  for (Implant& implant : procedure.implants) {
    Normalise(implant, procedure);
    ORP_RETURN_IF_ERROR(Execute(db_, kInsertImplant, [&](Stmt& s) {
      s.Bind(1, procedure.patient.value);
      BindImplant(s, 2, implant);
      s.Bind(14, change_seq_);
    }));
    implant.id.value = db_.LastInsertRowid();
  }
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
      ORP_RETURN_IF_ERROR(Execute(db_, kInsertImplant, [&](Stmt& s) {
        s.Bind(1, procedure.patient.value);
        BindImplant(s, 2, implant);
        s.Bind(14, change_seq_);
      }));
      implant.id.value = db_.LastInsertRowid();
      continue;
    }
    kept[match] = true;
    const Implant& old = previous[match];
    implant.id = old.id;
    if (implant.action == domain::DeviceAction::kImplanted) implant.in_situ = old.in_situ;
    implant.removed_by = old.removed_by;
    implant.removed_on = old.removed_on;
    ORP_RETURN_IF_ERROR(Execute(db_, kUpdateImplant, [&](Stmt& s) {
      s.Bind(1, procedure.patient.value);
      BindImplant(s, 2, implant);
      s.Bind(14, change_seq_).Bind(15, implant.id.value);
    }));
  }
  for (size_t i = 0; i < previous.size(); ++i) {
    if (kept[i]) continue;
    ORP_RETURN_IF_ERROR(Execute(db_, "DELETE FROM implants WHERE id = ?1",
                                [&](Stmt& s) { s.Bind(1, previous[i].id.value); }));
  }
  return {};
}

Result<void> Queries::MarkImplantsRemoved(std::span<const ImplantId> implants, ProcedureId by,
                                          Date on) {
  ORP_RETURN_IF_ERROR(ChangeSeq());
  for (ImplantId id : implants) {
    ORP_RETURN_IF_ERROR(Execute(
        db_,
        "UPDATE implants SET in_situ = 0, removed_by = ?1, removed_on = ?2, change_seq = ?4 "
        "WHERE id = ?3",
        [&](Stmt& s) {
          s.Bind(1, by.value).Bind(2, DayNumber(on)).Bind(3, id.value).Bind(4, change_seq_);
        }));
    if (db_.Changes() == 0) return NotFound(fmt::format("implant {} does not exist", id.value));
  }
  return {};
}

Result<void> Queries::RecordDeath(PatientId patient, Date date, SubmissionId submission) {
  ORP_RETURN_IF_ERROR(ChangeSeq());
  ORP_RETURN_IF_ERROR(Execute(
      db_,
      "UPDATE patients SET date_of_death = coalesce(date_of_death, ?1), change_seq = ?3 "
      "WHERE id = ?2",
      [&](Stmt& s) { s.Bind(1, DayNumber(date)).Bind(2, patient.value).Bind(3, change_seq_); }));
  if (db_.Changes() == 0) return NotFound(fmt::format("patient {} does not exist", patient.value));
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
  ORP_RETURN_IF_ERROR(Execute(
      db_,
      "INSERT INTO outcome_events (patient, kind, date, registry, procedure, implant, detail, "
      "submission) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
      [&](Stmt& s) {
        s.Bind(1, e.patient.value).Bind(2, domain::Name(e.kind)).Bind(3, DayNumber(e.date));
        s.Bind(4, e.registry);
        e.procedure ? s.Bind(5, e.procedure->value) : s.BindNull(5);
        e.implant ? s.Bind(6, e.implant->value) : s.BindNull(6);
        s.Bind(7, e.detail);
        e.submission.stored() ? s.Bind(8, e.submission.value) : s.BindNull(8);
      }));
  return OutcomeEventId{db_.LastInsertRowid()};
}

}  // namespace orp::storage::sqlite
