#include "orp/recall/patients_page.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

namespace orp::recall {
namespace {

using Json = nlohmann::ordered_json;

bool InScope(const storage::RecallPatientsQuery& q, const storage::RecallPatient& p) {
  if (p.patient.value <= q.after) return false;
  if (!q.providers) return true;
  if (q.patient && p.patient == *q.patient) return true;
  return std::find(q.providers->begin(), q.providers->end(), p.provider) != q.providers->end();
}

// The fallback for a reader without RecallReads: the whole campaign, filtered as the query
// would filter it.
Result<std::vector<storage::RecallPatientEntry>> FromWholeCampaign(
    storage::Reader& reader, const storage::RecallPatientsQuery& q) {
  auto patients = reader.RecallPatients(q.recall);
  if (!patients) return std::unexpected(patients.error());
  auto contacts = reader.RecallContacts(q.recall, {});
  if (!contacts) return std::unexpected(contacts.error());
  std::vector<storage::RecallPatientEntry> out;
  for (storage::RecallPatient& p : *patients) {  // in patient order (Reader::RecallPatients)
    if (out.size() == static_cast<size_t>(q.limit)) break;
    if (!InScope(q, p)) continue;
    storage::RecallPatientEntry entry{std::move(p), std::nullopt, {}};
    auto patient = reader.FindPatient(entry.patient.patient);
    if (!patient) return std::unexpected(patient.error());
    if (*patient) entry.pseudonym = (*patient)->pseudonym;
    for (const storage::RecallContact& c : *contacts) {
      if (c.patient == entry.patient.patient) entry.contacts.push_back(c);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

Result<PatientsPage> LoadPatientsPage(storage::Reader& reader, std::string_view reference,
                                      storage::RecallPatientsQuery q) {
  if (q.limit < 1) {
    return InvalidArgument(fmt::format("limit: at least 1, not {}", q.limit));
  }
  auto recall = reader.FindRecallByReference(reference);
  if (!recall) return std::unexpected(recall.error());
  if (!*recall) return NotFound(fmt::format("recall '{}' does not exist", reference));
  PatientsPage page{std::move(**recall), {}, {}, false};
  const int limit = q.limit;
  q.recall = page.recall.id;
  q.limit = limit + 1;
  storage::RecallReads* reads = storage::AsRecallReads(reader);
  auto rows = reads ? reads->RecallPatientsAfter(q) : FromWholeCampaign(reader, q);
  if (!rows) return std::unexpected(rows.error());
  page.patients = std::move(*rows);
  if (page.patients.size() > static_cast<size_t>(limit)) {
    page.patients.resize(static_cast<size_t>(limit));
    page.more = true;
  }
  for (const storage::RecallPatientEntry& e : page.patients) {
    page.patient_refs.push_back(e.pseudonym ? e.pseudonym->Hex()
                                            : fmt::format("patient-{}", e.patient.patient.value));
  }
  return page;
}

nlohmann::ordered_json PatientJson(const storage::RecallPatient& p, const std::string& ref,
                                   const std::vector<storage::RecallContact>& contacts) {
  Json attempts = Json::array();
  for (const storage::RecallContact& c : contacts) {
    if (c.patient != p.patient) continue;
    attempts.push_back({{"ordinal", c.ordinal},
                        {"on", FormatIsoDate(c.on)},
                        {"channel", c.channel},
                        {"result", c.result},
                        {"by", c.by}});
  }
  auto date = [](const std::optional<Date>& d) {
    return d ? Json(FormatIsoDate(*d)) : Json(nullptr);
  };
  return {{"patient", ref},
          {"provider", p.provider},
          {"stage", storage::Name(p.stage)},
          {"outcome", p.outcome == storage::RecallOutcome::kNone ? Json(nullptr)
                                                                 : Json(storage::Name(p.outcome))},
          {"reviewed_on", date(p.reviewed_on)},
          {"concluded_on", date(p.concluded_on)},
          {"joined_by", p.joined_by},
          {"contacts", std::move(attempts)}};
}

}  // namespace orp::recall
