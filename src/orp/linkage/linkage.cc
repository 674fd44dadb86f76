#include "orp/linkage/linkage.h"

#include <algorithm>

namespace orp::linkage {

Result<LinkedPatient> PatientLinker::Link(const domain::Patient& patient, bool anonymous) {
  if (anonymous) {
    Result<domain::PatientId> id = transaction_.PutPatient(domain::Patient{});
    if (!id) return std::unexpected(id.error());
    return LinkedPatient{*id, PatientMatch::kAnonymous};
  }
  if (patient.pseudonym) {
    if (auto it = seen_.find(*patient.pseudonym); it != seen_.end()) {
      return LinkedPatient{it->second, PatientMatch::kPseudonym};
    }
    Result<domain::PatientId> id = transaction_.PutPatient(patient);
    if (!id) return std::unexpected(id.error());
    seen_.emplace(*patient.pseudonym, *id);
    return LinkedPatient{*id, PatientMatch::kPseudonym};
  }
  if (patient.date_of_birth && patient.sex && patient.postcode) {
    storage::DemographicKey key{*patient.date_of_birth, *patient.sex, *patient.postcode};
    Result<std::vector<domain::Patient>> found = lookups_.FindPatientsByDemographics(key, 2);
    if (!found) return std::unexpected(found.error());
    if (found->size() == 1) return LinkedPatient{found->front().id, PatientMatch::kDemographics};
  }
  Result<domain::PatientId> id = transaction_.PutPatient(patient);
  if (!id) return std::unexpected(id.error());
  return LinkedPatient{*id, PatientMatch::kNoUniqueMatch};
}

namespace {

bool SameDevice(const domain::Implant& stored, const domain::Implant& named) {
  const std::optional<domain::DeviceId> stored_di = domain::DeviceIdOf(stored);
  if (!stored_di || stored_di != domain::DeviceIdOf(named)) return false;  // GTIN or HIBCC DI
  if (named.lot.empty() && named.serial.empty()) return false;
  return (named.lot.empty() || named.lot == stored.lot) &&
         (named.serial.empty() || named.serial == stored.serial);
}

}  // namespace

Result<std::vector<domain::Implant>> ImplantsRemovedBy(storage::Reader& reader,
                                                       const domain::Procedure& procedure) {
  if (procedure.type != domain::ProcedureType::kRevision &&
      procedure.type != domain::ProcedureType::kExplant) {
    return std::vector<domain::Implant>{};
  }
  storage::InSituQuery query{procedure.patient, procedure.registry, procedure.body_site,
                             std::nullopt};
  if (procedure.laterality && *procedure.laterality != domain::Laterality::kNotApplicable) {
    query.laterality = procedure.laterality;
  }
  Result<std::vector<domain::Implant>> in_situ = reader.ImplantsInSitu(query);
  if (!in_situ) return std::unexpected(in_situ.error());
  std::vector<domain::Implant> candidates = std::move(*in_situ);  // most recent first
  std::vector<domain::Implant> removed;
  auto take = [&](std::vector<domain::Implant>::iterator it) {
    removed.push_back(*it);
    candidates.erase(it);
  };
  int unnamed = 0;
  for (const domain::Implant& row : procedure.implants) {
    if (row.action != domain::DeviceAction::kExplanted) continue;
    auto exact = std::find_if(candidates.begin(), candidates.end(),
                              [&](const domain::Implant& c) { return SameDevice(c, row); });
    if (exact != candidates.end()) {
      take(exact);
    } else {
      ++unnamed;
    }
  }
  for (; unnamed > 0 && !candidates.empty(); --unnamed) take(candidates.begin());
  const bool names_none = std::none_of(
      procedure.implants.begin(), procedure.implants.end(),
      [](const domain::Implant& i) { return i.action == domain::DeviceAction::kExplanted; });
  if (names_none && !candidates.empty()) {
    const domain::ProcedureId latest = candidates.front().procedure;
    for (const domain::Implant& c : candidates) {
      if (c.procedure == latest) removed.push_back(c);
    }
  }
  return removed;
}

Result<void> RecordRemovals(storage::Transaction& transaction, const domain::Procedure& procedure,
                            const std::vector<domain::Implant>& removed) {
  if (removed.empty()) return {};
  std::vector<domain::ImplantId> ids;
  for (const domain::Implant& implant : removed) ids.push_back(implant.id);
  ORP_RETURN_IF_ERROR(transaction.MarkImplantsRemoved(ids, procedure.id, procedure.date));
  for (const domain::Implant& implant : removed) {
    domain::OutcomeEvent event;
    event.patient = procedure.patient;
    event.kind = procedure.type == domain::ProcedureType::kRevision ? domain::OutcomeKind::kRevision
                                                                    : domain::OutcomeKind::kExplant;
    event.date = procedure.date;
    event.registry = procedure.registry;
    event.procedure = implant.procedure;
    event.implant = implant.id;
    event.submission = transaction.submission();
    Result<domain::OutcomeEventId> added = transaction.AddOutcomeEvent(event);
    if (!added) return std::unexpected(added.error());
  }
  return {};
}

}  // namespace orp::linkage
