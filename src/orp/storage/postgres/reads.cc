// Queries: the reads of patients, the catalogue and procedures.
#include <fmt/format.h>

#include "orp/storage/postgres/codec.h"
#include "orp/storage/postgres/queries.h"

namespace orp::storage::postgres {
namespace {

const std::string kSelectPatient = fmt::format("SELECT {} FROM patients ", kPatientColumns);
const std::string kSelectProcedure =
    fmt::format("SELECT id, {} FROM procedures ", kProcedureColumns);
const std::string kSelectImplant = fmt::format("SELECT id, {} FROM implants ", kImplantColumns);
Result<int64_t> ReadInt(const Row& r) { return r.Int(0); }

}  // namespace

Result<std::optional<Patient>> Queries::FindPatient(PatientId id) {
  return First<Patient>(db_, kSelectPatient + "WHERE id = $1", Params().Add(id.value), ReadPatient);
}

Result<std::optional<Patient>> Queries::FindPatientByPseudonym(const Pseudonym& pseudonym) {
  return First<Patient>(db_, kSelectPatient + "WHERE pseudonym = $1",
                        Params().AddBytea(PseudonymBytes(pseudonym)), ReadPatient);
}

Result<std::vector<Patient>> Queries::FindPatientsByDemographics(const DemographicKey& key,
                                                                 int limit) {
  return Collect<Patient>(
      db_,
      kSelectPatient +
          "WHERE date_of_birth = $1 AND sex = $2 AND postcode = $3 ORDER BY id LIMIT $4",
      Params()
          .Add(DayNumber(key.date_of_birth))
          .Add(domain::SexCode(key.sex))
          .Add(key.postcode.canonical())
          .Add(limit),
      ReadPatient);
}

Result<std::vector<Implant>> Queries::ImplantsOf(ProcedureId procedure) {
  return Collect<Implant>(db_, kSelectImplant + "WHERE procedure = $1 ORDER BY id",
                          Params().Add(procedure.value),
                          [](const Row& r) { return ReadImplant(r); });
}

Result<std::optional<Procedure>> Queries::FindProcedureById(ProcedureId id) {
  auto p = First<Procedure>(db_, kSelectProcedure + "WHERE id = $1", Params().Add(id.value),
                            [](const Row& r) { return ReadProcedure(r); });
  if (!p || !*p) return p;
  auto implants = ImplantsOf(id);
  if (!implants) return std::unexpected(implants.error());
  (*p)->implants = std::move(*implants);
  return p;
}

Result<std::optional<Procedure>> Queries::FindProcedure(std::string_view registry,
                                                        std::string_view ref) {
  auto id =
      First<int64_t>(db_, "SELECT id FROM procedures WHERE registry = $1 AND procedure_ref = $2",
                     Params().Add(registry).Add(ref), ReadInt);
  if (!id) return std::unexpected(id.error());
  if (!*id) return std::optional<Procedure>();
  return FindProcedureById(ProcedureId{**id});
}

Result<std::vector<Implant>> Queries::ImplantVersionsOf(ProcedureId procedure, int version) {
  return Collect<Implant>(
      db_,
      fmt::format("SELECT implant, {} FROM implant_versions WHERE procedure = $1 AND version = $2 "
                  "ORDER BY implant",
                  kImplantColumns),
      Params().Add(procedure.value).Add(version), [](const Row& r) { return ReadImplant(r); });
}

Result<std::vector<Procedure>> Queries::ProcedureHistory(std::string_view registry,
                                                         std::string_view ref) {
  auto current = FindProcedure(registry, ref);
  if (!current) return std::unexpected(current.error());
  if (!*current) return std::vector<Procedure>();
  ProcedureId id = (*current)->id;
  auto history = Collect<Procedure>(
      db_,
      fmt::format("SELECT procedure, {} FROM procedure_versions WHERE procedure = $1 "
                  "ORDER BY version",
                  kProcedureColumns),
      Params().Add(id.value), [](const Row& r) { return ReadProcedure(r); });
  if (!history) return std::unexpected(history.error());
  for (Procedure& p : *history) {
    auto implants = ImplantVersionsOf(id, p.version);
    if (!implants) return std::unexpected(implants.error());
    p.implants = std::move(*implants);
  }
  history->push_back(std::move(**current));
  return history;
}

// The procedure of each of the patient's implants is looked up by its key: the lateral subquery
// with OFFSET 0 is not flattened into a join, so the plan cannot start from the registry. A
// generic plan made while the tables were small (ingest prepares this at its first linkage) did
// exactly that: a bitmap scan of every procedure of the registry per call, 2 ms at 20k
// procedures and growing with the registry (issue #10, docs/performance.md "## PostgreSQL").
Result<std::vector<Implant>> Queries::ImplantsInSitu(const InSituQuery& q) {
  std::string sql = fmt::format(
      "SELECT {} FROM implants i CROSS JOIN LATERAL (SELECT p.registry, p.body_site, p.date "
      "FROM procedures p WHERE p.id = i.procedure OFFSET 0) p "
      "WHERE i.patient = $1 AND i.in_situ AND i.action = 'implanted' AND p.registry = $2 "
      "AND ($3::text = '' OR p.body_site = $3) "
      "AND ($4::text = '' OR i.laterality = $4 OR i.laterality = 'B') "
      "ORDER BY p.date DESC, i.id DESC",
      kImplantColumnsOfI);
  return Collect<Implant>(db_, sql,
                          Params()
                              .Add(q.patient.value)
                              .Add(q.registry)
                              .Add(q.body_site)
                              .Add(TextOr(q.laterality, domain::LateralityCode)),
                          [](const Row& r) { return ReadImplant(r); });
}

// The gtin column holds any agency's DI text (a GTIN is digits, a HIBCC DI starts with a letter).
Result<std::vector<Implant>> Queries::FindImplantsByDevice(const DeviceId& device,
                                                           std::string_view lot,
                                                           std::string_view serial) {
  std::string sql = fmt::format(
      "SELECT id, {} FROM implants WHERE gtin = $1 AND ($2::text = '' OR lot = $2) "
      "AND ($3::text = '' OR serial = $3) ORDER BY id",
      kImplantColumns);
  return Collect<Implant>(db_, sql, Params().Add(device.text()).Add(lot).Add(serial),
                          [](const Row& r) { return ReadImplant(r); });
}

}  // namespace orp::storage::postgres
