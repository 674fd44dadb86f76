// Queries: the reads.
#include <fmt/format.h>

#include "orp/storage/sqlite/codec.h"
#include "orp/storage/sqlite/collect.h"
#include "orp/storage/sqlite/queries.h"

namespace orp::storage::sqlite {
namespace {

const std::string kSelectPatient = fmt::format("SELECT {} FROM patients ", kPatientColumns);
const std::string kSelectProcedure =
    fmt::format("SELECT id, {} FROM procedures ", kProcedureColumns);
const std::string kSelectImplant = fmt::format("SELECT id, {} FROM implants ", kImplantColumns);
}  // namespace

Result<std::optional<Patient>> Queries::FindPatient(PatientId id) {
  return First<Patient>(
      db_, kSelectPatient + "WHERE id = ?1", [&](Stmt& s) { s.Bind(1, id.value); }, ReadPatient);
}

Result<std::optional<Patient>> Queries::FindPatientByPseudonym(const Pseudonym& pseudonym) {
  return First<Patient>(
      db_, kSelectPatient + "WHERE pseudonym = ?1",
      [&](Stmt& s) { s.BindBlob(1, PseudonymBytes(pseudonym)); }, ReadPatient);
}

Result<std::vector<Patient>> Queries::FindPatientsByDemographics(const DemographicKey& key,
                                                                 int limit) {
  return Collect<Patient>(
      db_,
      kSelectPatient +
          "WHERE date_of_birth = ?1 AND sex = ?2 AND postcode = ?3 "
          "ORDER BY id LIMIT ?4",
      [&](Stmt& s) {
        s.Bind(1, DayNumber(key.date_of_birth)).Bind(2, domain::SexCode(key.sex));
        s.Bind(3, key.postcode.canonical());
        s.Bind(4, limit);
      },
      ReadPatient);
}

Result<std::vector<Implant>> Queries::ImplantsOf(ProcedureId procedure) {
  return Collect<Implant>(
      db_, kSelectImplant + "WHERE procedure = ?1 ORDER BY id",
      [&](Stmt& s) { s.Bind(1, procedure.value); }, ReadImplant);
}

Result<std::optional<Procedure>> Queries::FindProcedureById(ProcedureId id) {
  auto p = First<Procedure>(
      db_, kSelectProcedure + "WHERE id = ?1", [&](Stmt& s) { s.Bind(1, id.value); },
      ReadProcedure);
  if (!p || !*p) return p;
  auto implants = ImplantsOf(id);
  if (!implants) return std::unexpected(implants.error());
  (*p)->implants = std::move(*implants);
  return p;
}

Result<std::optional<Procedure>> Queries::FindProcedure(std::string_view registry,
                                                        std::string_view ref) {
  auto id = First<int64_t>(
      db_, "SELECT id FROM procedures WHERE registry = ?1 AND procedure_ref = ?2",
      [&](Stmt& s) { s.Bind(1, registry).Bind(2, ref); },
      [](const Stmt& s) -> Result<int64_t> { return s.Int(0); });
  if (!id) return std::unexpected(id.error());
  if (!*id) return std::optional<Procedure>();
  return FindProcedureById(ProcedureId{**id});
}

Result<std::vector<Implant>> Queries::ImplantVersionsOf(ProcedureId procedure, int version) {
  return Collect<Implant>(
      db_,
      fmt::format("SELECT implant, {} FROM implant_versions WHERE procedure = ?1 AND version = ?2 "
                  "ORDER BY implant",
                  kImplantColumns),
      [&](Stmt& s) { s.Bind(1, procedure.value).Bind(2, version); }, ReadImplant);
}

Result<std::vector<Procedure>> Queries::ProcedureHistory(std::string_view registry,
                                                         std::string_view ref) {
  auto current = FindProcedure(registry, ref);
  if (!current) return std::unexpected(current.error());
  if (!*current) return std::vector<Procedure>();
  ProcedureId id = (*current)->id;
  auto history = Collect<Procedure>(
      db_,
      fmt::format("SELECT procedure, {} FROM procedure_versions WHERE procedure = ?1 "
                  "ORDER BY version",
                  kProcedureColumns),
      [&](Stmt& s) { s.Bind(1, id.value); }, ReadProcedure);
  if (!history) return std::unexpected(history.error());
  for (Procedure& p : *history) {
    auto implants = ImplantVersionsOf(id, p.version);
    if (!implants) return std::unexpected(implants.error());
    p.implants = std::move(*implants);
  }
  history->push_back(std::move(**current));
  return history;
}

}  // namespace orp::storage::sqlite
