#include "orp/recall/campaign.h"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <set>

#include "orp/recall/cohort.h"

namespace orp::recall {
namespace {

using storage::RecallOutcome;
using storage::RecallPatient;
using storage::RecallStage;

std::string PatientRef(const std::optional<domain::Patient>& p, domain::PatientId id) {
  if (p && p->pseudonym) return p->pseudonym->Hex();
  return fmt::format("patient-{}", id.value);
}

Result<storage::Recall> FindOrFail(storage::Reader& reader, std::string_view reference) {
  auto recall = reader.FindRecallByReference(reference);
  if (!recall) return std::unexpected(recall.error());
  if (!*recall) return NotFound(fmt::format("recall '{}' does not exist", reference));
  return **recall;
}

Result<void> Audit(storage::Transaction& txn, const AuditAppender& append, const Access& access,
                   std::string action, std::string object, domain::Instant now) {
  if (!append) return FailedPrecondition("recall changes need the audit log");
  auto seq = append(txn, AuditEntry(access, std::move(action), std::move(object), "ok", now));
  if (!seq) return std::unexpected(seq.error());
  return {};
}

struct Removal {
  domain::ProcedureId by;
  std::optional<Date> on;
  std::string registry;
};

// The recall's tracked implants by patient.
using Tracked = std::multimap<int64_t, domain::ImplantId>;

// True when none of the patient's implants tracked by the recall is still in situ.
Result<bool> AllTrackedRemoved(storage::Transaction& txn, const Tracked& tracked,
                               domain::PatientId patient, const std::string& registry) {
  auto in_situ = txn.ImplantsInSitu({patient, registry, "", std::nullopt});
  if (!in_situ) return std::unexpected(in_situ.error());
  auto [first, last] = tracked.equal_range(patient.value);
  for (auto it = first; it != last; ++it) {
    for (const domain::Implant& implant : *in_situ) {
      if (implant.id == it->second) return false;
    }
  }
  return true;
}

// Links the explant once every tracked implant of the patient is out: outcome explanted,
// concluded on the removal date. An outcome already decided otherwise is left alone.
Result<bool> LinkExplant(storage::Transaction& txn, const Tracked& tracked, RecallPatient& p,
                         const Removal& removal, domain::Instant now) {
  if (p.explant_procedure ||
      (p.outcome != RecallOutcome::kNone && p.outcome != RecallOutcome::kExplanted)) {
    return false;
  }
  auto all = AllTrackedRemoved(txn, tracked, p.patient, removal.registry);
  if (!all) return std::unexpected(all.error());
  if (!*all) return false;
  p.explant_procedure = removal.by;
  p.outcome = RecallOutcome::kExplanted;
  p.stage = RecallStage::kConcluded;
  p.concluded_on = removal.on;
  p.updated_at = now;
  return true;
}

// Adds the affected implants of `recall` (changed after `after`) to it: new patients, new
// implant links, explant links. Counts what joined per provider into `report`.
Result<void> Match(storage::Transaction& txn, storage::Recall& recall, int64_t after,
                   std::string_view joined_by, domain::Instant now, SyncReport& report) {
  auto criteria = ParseCriteriaJson(recall.criteria_json);
  if (!criteria) return std::unexpected(criteria.error().WithContext("stored recall criteria"));
  auto devices = ResolveDevices(txn, *criteria);
  if (!devices) return std::unexpected(devices.error());
  std::vector<AffectedImplant> rows;
  ORP_RETURN_IF_ERROR(ForEachAffected(txn, *criteria, *devices, after, [&](const auto& a) {
    rows.push_back(a);
    return true;
  }));
  auto existing = txn.RecallPatients(recall.id);
  if (!existing) return std::unexpected(existing.error());
  std::map<int64_t, RecallPatient> patients;
  for (const RecallPatient& p : *existing) patients.emplace(p.patient.value, p);
  std::map<std::string, SyncReport::Joined> joined;
  std::map<int64_t, Removal> removals;
  for (const AffectedImplant& a : rows) {
    auto [it, fresh] = patients.try_emplace(a.row.patient.value);
    SyncReport::Joined& j = joined[a.provider];
    if (fresh) {
      it->second = RecallPatient{recall.id,
                                 a.row.patient,
                                 RecallStage::kIdentified,
                                 RecallOutcome::kNone,
                                 std::nullopt,
                                 a.provider,
                                 now,
                                 now,
                                 std::nullopt,
                                 std::nullopt,
                                 std::string(joined_by)};
      ORP_RETURN_IF_ERROR(txn.PutRecallPatient(it->second));
      ++j.patients;
    }
    ++j.implants;
    ORP_RETURN_IF_ERROR(txn.AddRecallImplant({recall.id, a.row.patient, a.row.implant}));
    if (a.row.removed_by) {
      Removal& r = removals[a.row.patient.value];
      if (!r.on || (a.row.removed_on && *a.row.removed_on > *r.on)) {
        r = {*a.row.removed_by, a.row.removed_on, a.row.registry};
      }
    }
  }
  Tracked tracked;
  if (!removals.empty()) {
    auto links = txn.RecallImplants(recall.id);
    if (!links) return std::unexpected(links.error());
    for (const auto& link : *links) tracked.emplace(link.patient.value, link.implant);
  }
  for (const auto& [patient, removal] : removals) {
    RecallPatient& p = patients.at(patient);
    auto linked = LinkExplant(txn, tracked, p, removal, now);
    if (!linked) return std::unexpected(linked.error());
    if (!*linked) continue;
    ORP_RETURN_IF_ERROR(txn.PutRecallPatient(p));
    ++report.explants_linked;
  }
  for (auto& [provider, j] : joined) {
    if (j.patients == 0) continue;
    j.recall = recall.reference;
    j.provider = provider;
    report.joined.push_back(j);
  }
  auto last = txn.LastChange();
  if (!last) return std::unexpected(last.error());
  recall.synced_change = *last;
  return txn.PutRecall(recall);
}

// The patient a reference names: "patient-<id>", or a pseudonym as 64 hex digits.
Result<domain::PatientId> PatientOfRef(storage::Reader& reader, std::string_view ref) {
  if (ref.starts_with("patient-")) {
    int64_t id = 0;
    auto [end, ec] = std::from_chars(ref.data() + 8, ref.data() + ref.size(), id);
    if (ec == std::errc() && end == ref.data() + ref.size() && id > 0) return domain::PatientId{id};
  } else if (auto pseudonym = domain::Pseudonym::FromHex(ref)) {
    auto patient = reader.FindPatientByPseudonym(*pseudonym);
    if (!patient) return std::unexpected(patient.error());
    if (*patient) return (*patient)->id;
  }
  return NotFound("patient: no patient has that reference (give the pseudonym as `show` lists it)");
}

Result<RecallPatient> FindPatientIn(storage::Reader& reader, const storage::Recall& recall,
                                    std::string_view patient_ref) {
  auto id = PatientOfRef(reader, patient_ref);
  if (!id) return std::unexpected(id.error());
  auto patients = reader.RecallPatients(recall.id);
  if (!patients) return std::unexpected(patients.error());
  for (const RecallPatient& p : *patients) {
    if (p.patient == *id) return p;
  }
  return NotFound(fmt::format("patient: that patient is not in recall '{}'", recall.reference));
}

Result<void> ApplyUpdate(storage::Transaction& txn, RecallPatient& p, const PatientUpdate& u,
                         const Access& access, domain::Instant now) {
  if (p.stage == RecallStage::kConcluded) {
    return FailedPrecondition("the patient's recall is concluded; it is not changed again");
  }
  if (u.contacted_on) {
    if (u.channel.empty()) return InvalidArgument("channel: a contact attempt needs its channel");
    storage::RecallContact c{p.recall,  p.patient,        0,           *u.contacted_on,
                             u.channel, u.contact_result, access.actor};
    ORP_RETURN_IF_ERROR(txn.AddRecallContact(c));
    if (p.stage == RecallStage::kIdentified) p.stage = RecallStage::kContacted;
  }
  if (u.reviewed_on) {
    if (p.stage == RecallStage::kIdentified) {
      return FailedPrecondition(
          "reviewed: record a contact attempt first (a clinic visit is channel 'clinic')");
    }
    p.stage = RecallStage::kReviewed;
    p.reviewed_on = u.reviewed_on;
  }
  if (u.outcome) {
    if (*u.outcome == RecallOutcome::kNone) return InvalidArgument("outcome: name an outcome");
    if (p.stage != RecallStage::kReviewed) {
      return FailedPrecondition("outcome: the patient must be reviewed before an outcome");
    }
    p.outcome = *u.outcome;
    p.stage = RecallStage::kConcluded;
    p.concluded_on = u.outcome_on.value_or(std::chrono::floor<std::chrono::days>(now));
  }
  p.updated_at = now;
  return txn.PutRecallPatient(p);
}

}  // namespace

void StageCounts::Add(const RecallPatient& p) {
  ++patients;
  switch (p.stage) {
    case RecallStage::kIdentified: ++identified; break;
    case RecallStage::kContacted: ++contacted; break;
    case RecallStage::kReviewed: ++reviewed; break;
    case RecallStage::kConcluded: ++concluded; break;
  }
  if (p.outcome == RecallOutcome::kNoAction) ++no_action;
  if (p.outcome == RecallOutcome::kMonitoring) ++monitoring;
  if (p.outcome == RecallOutcome::kExplanted) ++explanted;
}

Result<storage::Recall> CreateCampaign(storage::Store& store, const CreateRequest& request,
                                       const AuditAppender& append, const Access& access,
                                       domain::Instant now) {
  if (request.reference.empty()) return InvalidArgument("reference: a recall needs a reference");
  if (request.fsn_reference.empty()) {
    return InvalidArgument("fsn_reference: a recall needs its field safety notice reference");
  }
  auto criteria = Validate(request.criteria);
  if (!criteria) return std::unexpected(criteria.error());
  auto txn = store.Begin();
  if (!txn) return std::unexpected(txn.error());
  storage::Recall recall{{},
                         request.reference,
                         request.fsn_reference,
                         request.title,
                         CriteriaJson(*criteria),
                         storage::RecallStatus::kOpen,
                         now,
                         access.actor,
                         0};
  ORP_RETURN_IF_ERROR((*txn)->PutRecall(recall));
  SyncReport ignored;
  ORP_RETURN_IF_ERROR(Match(**txn, recall, 0, "create", now, ignored));
  ORP_RETURN_IF_ERROR(
      Audit(**txn, append, access, "recall.create", "recall/" + recall.reference, now));
  ORP_RETURN_IF_ERROR((*txn)->Commit());
  return recall;
}

Result<RecallPatient> UpdatePatient(storage::Store& store, std::string_view reference,
                                    std::string_view patient_ref, const PatientUpdate& update,
                                    const AuditAppender& append, const Access& access,
                                    domain::Instant now) {
  auto txn = store.Begin();
  if (!txn) return std::unexpected(txn.error());
  auto recall = FindOrFail(**txn, reference);
  if (!recall) return std::unexpected(recall.error());
  auto patient = FindPatientIn(**txn, *recall, patient_ref);
  if (!patient) return std::unexpected(patient.error());
  ORP_RETURN_IF_ERROR(ApplyUpdate(**txn, *patient, update, access, now));
  ORP_RETURN_IF_ERROR(Audit(**txn, append, access, "recall.patient.update",
                            fmt::format("recall/{}/patient/{}", reference, patient_ref), now));
  ORP_RETURN_IF_ERROR((*txn)->Commit());
  return *patient;
}

Result<storage::Recall> SetRecallStatus(storage::Store& store, std::string_view reference,
                                        storage::RecallStatus status, const AuditAppender& append,
                                        const Access& access, domain::Instant now) {
  auto txn = store.Begin();
  if (!txn) return std::unexpected(txn.error());
  auto recall = FindOrFail(**txn, reference);
  if (!recall) return std::unexpected(recall.error());
  recall->status = status;
  ORP_RETURN_IF_ERROR((*txn)->PutRecall(*recall));
  ORP_RETURN_IF_ERROR(Audit(**txn, append, access, fmt::format("recall.{}", Name(status)),
                            "recall/" + recall->reference, now));
  ORP_RETURN_IF_ERROR((*txn)->Commit());
  return *recall;
}

Result<CampaignView> LoadCampaign(storage::Reader& reader, std::string_view reference,
                                  std::string_view provider) {
  auto recall = FindOrFail(reader, reference);
  if (!recall) return std::unexpected(recall.error());
  CampaignView view{*recall, {}, {}, {}, {}, {}};
  auto patients = reader.RecallPatients(recall->id);
  if (!patients) return std::unexpected(patients.error());
  auto contacts = reader.RecallContacts(recall->id, {});
  if (!contacts) return std::unexpected(contacts.error());
  view.patients = std::move(*patients);
  view.contacts = std::move(*contacts);
  std::map<int64_t, std::string> provider_of;
  if (!provider.empty()) {
    std::erase_if(view.patients, [&](const RecallPatient& p) { return p.provider != provider; });
  }
  for (const RecallPatient& p : view.patients) {
    auto patient = reader.FindPatient(p.patient);
    if (!patient) return std::unexpected(patient.error());
    view.patient_refs.push_back(PatientRef(*patient, p.patient));
    view.overall.Add(p);
    view.by_provider[p.provider].Add(p);
    provider_of[p.patient.value] = p.provider;
  }
  std::erase_if(view.contacts, [&](const storage::RecallContact& c) {
    return !provider_of.contains(c.patient.value);
  });
  for (const storage::RecallContact& c : view.contacts) {
    ++view.overall.contact_attempts;
    ++view.by_provider[provider_of[c.patient.value]].contact_attempts;
  }
  return view;
}

Result<SyncReport> SyncOpenRecalls(storage::Store& store, const AuditAppender& append,
                                   domain::Instant now) {
  auto recalls = store.ListRecalls();
  if (!recalls) return std::unexpected(recalls.error());
  SyncReport report;
  for (storage::Recall& listed : *recalls) {
    if (listed.status != storage::RecallStatus::kOpen) continue;
    auto txn = store.Begin();
    if (!txn) return std::unexpected(txn.error());
    auto recall = FindOrFail(**txn, listed.reference);  // re-read under the write lock
    if (!recall) return std::unexpected(recall.error());
    auto last = (*txn)->LastChange();
    if (!last) return std::unexpected(last.error());
    if (*last == recall->synced_change) continue;
    size_t before = report.joined.size();
    ORP_RETURN_IF_ERROR(Match(**txn, *recall, recall->synced_change, "sync", now, report));
    if (report.joined.size() > before) {
      Access system{"recall-sync", "system", "recall: new submissions matching an open recall", ""};
      ORP_RETURN_IF_ERROR(
          Audit(**txn, append, system, "recall.sync", "recall/" + recall->reference, now));
    }
    ORP_RETURN_IF_ERROR((*txn)->Commit());
  }
  return report;
}

std::string RegulatorReportCsv(const CampaignView& v) {
  std::string out =
      "recall,fsn_reference,provider,patients,identified,contacted,reviewed,concluded,no_action,"
      "monitoring,explanted,contact_attempts\n";
  auto row = [&](std::string_view provider, const StageCounts& c) {
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", v.recall.reference,
                       v.recall.fsn_reference, provider, c.patients, c.identified, c.contacted,
                       c.reviewed, c.concluded, c.no_action, c.monitoring, c.explanted,
                       c.contact_attempts);
  };
  for (const auto& [provider, counts] : v.by_provider) row(provider, counts);
  row("ALL", v.overall);
  return out;
}

nlohmann::ordered_json CountsJson(const StageCounts& c) {
  return {{"patients", c.patients},
          {"identified", c.identified},
          {"contacted", c.contacted},
          {"reviewed", c.reviewed},
          {"concluded", c.concluded},
          {"no_action", c.no_action},
          {"monitoring", c.monitoring},
          {"explanted", c.explanted},
          {"contact_attempts", c.contact_attempts}};
}

std::string RegulatorReportJson(const CampaignView& v) {
  nlohmann::ordered_json providers = nlohmann::ordered_json::object();
  for (const auto& [provider, counts] : v.by_provider) providers[provider] = CountsJson(counts);
  nlohmann::ordered_json out = {{"recall", v.recall.reference},
                                {"fsn_reference", v.recall.fsn_reference},
                                {"title", v.recall.title},
                                {"status", storage::Name(v.recall.status)},
                                {"criteria", nlohmann::ordered_json::parse(v.recall.criteria_json)},
                                {"overall", CountsJson(v.overall)},
                                {"by_provider", providers}};
  return out.dump(2);
}

}  // namespace orp::recall
