#include "orp/proms/gain_records.h"

#include <fmt/format.h>

#include "orp/proms/bulk.h"
#include "orp/proms/scoring.h"
#include "orp/security/audit.h"

namespace orp::proms {
namespace {

struct Pair {
  std::optional<double> pre, post;
};

std::string GroupOf(const domain::Procedure& p, GainGroupBy by) {
  switch (by) {
    case GainGroupBy::kProvider: return p.provider_site ? p.provider_site->code() : "";
    case GainGroupBy::kClinician: return p.clinician ? p.clinician->number() : "";
    case GainGroupBy::kModel:
      for (const domain::Implant& implant : p.implants) {
        if (auto id = domain::DeviceIdOf(implant)) return id->text();
      }
      return "";
  }
  return "";
}

// Why the procedure cannot be modelled, or empty; fills `r` otherwise.
std::string Covariates(const domain::Procedure& p, const std::optional<domain::Patient>& patient,
                       GainRecord& r) {
  if (!patient || !patient->date_of_birth) return "no date of birth";
  if (!patient->sex ||
      (*patient->sex != domain::Sex::kMale && *patient->sex != domain::Sex::kFemale)) {
    return "sex not recorded as male or female";
  }
  if (!p.asa_grade) return "no ASA grade";
  r.age =
      std::chrono::duration<double, std::ratio<31556952>>(p.date - *patient->date_of_birth).count();
  r.male = *patient->sex == domain::Sex::kMale;
  r.asa = *p.asa_grade;
  return "";
}

// One entry for the dates of birth about to be read, committed before any is read.
Result<void> AuditDatesOfBirth(storage::Store& store, const GainAudit& audit,
                               std::string_view registry, const Instrument& instrument,
                               int patients) {
  security::AuditLog log(store);
  security::AuditEvent event;
  event.actor = audit.actor;
  event.role = audit.role;
  event.action = "proms.gain";
  event.object = fmt::format("registry/{}", registry.empty() ? "all" : registry);
  event.request_id = audit.request_id;
  event.purpose = fmt::format("{}; {}", audit.purpose, instrument.code);
  event.outcome = fmt::format("ok: dates of birth of {} patients read", patients);
  auto appended = log.Append(std::move(event));
  if (!appended) return std::unexpected(appended.error());
  return {};
}

}  // namespace

Result<GainGroupBy> ParseGainGroupBy(std::string_view text) {
  if (text == "provider") return GainGroupBy::kProvider;
  if (text == "clinician") return GainGroupBy::kClinician;
  if (text == "model") return GainGroupBy::kModel;
  return InvalidArgument(
      fmt::format("--by must be provider, clinician or model; found '{}'", text));
}

Result<GainRecords> CollectGainRecords(storage::Store& store, const Instrument& instrument,
                                       const ScoreDefinition& score, std::string_view registry,
                                       int months, GainGroupBy by, const GainAudit& audit) {
  auto responses = store.ListPromResponses(registry);
  if (!responses) return std::unexpected(responses.error());
  GainRecords out;
  std::map<domain::ProcedureId, Pair> pairs;
  for (const storage::PromResponse& r : *responses) {
    if (r.instrument != instrument.code || (r.months != 0 && r.months != months)) continue;
    auto answers = ParseAnswers(r.answers);
    if (!answers) return std::unexpected(answers.error());
    const std::optional<double> value = ComputeScore(instrument, score, *answers).value;
    (r.months == 0 ? out.pre_returned : out.post_returned) += 1;
    (r.months == 0 ? pairs[r.procedure].pre : pairs[r.procedure].post) = value;
  }
  int paired = 0;
  for (const auto& [id, pair] : pairs) paired += pair.pre && pair.post ? 1 : 0;
  ORP_RETURN_IF_ERROR(AuditDatesOfBirth(store, audit, registry, instrument, paired));
  for (const auto& [id, pair] : pairs) {
    if (!pair.pre || !pair.post) {
      ++out.excluded["no scoreable before and after pair"];
      continue;
    }
    auto procedure = store.FindProcedureById(id);
    if (!procedure) return std::unexpected(procedure.error());
    if (!*procedure) continue;
    auto patient = store.FindPatient((*procedure)->patient);
    if (!patient) return std::unexpected(patient.error());
    GainRecord record{GroupOf(**procedure, by), *pair.pre, *pair.post, 0, false, 1};
    std::string why = Covariates(**procedure, *patient, record);
    if (why.empty() && record.group.empty()) why = "group not recorded";
    if (!why.empty()) {
      ++out.excluded[why];
      continue;
    }
    out.records.push_back(std::move(record));
  }
  return out;
}

}  // namespace orp::proms
