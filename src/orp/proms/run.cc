#include "orp/proms/run.h"

#include <fmt/format.h>

#include <set>

namespace orp::proms {
namespace {

using storage::PromInvitation;
using storage::PromInvitationStatus;
using storage::PromMessage;
using storage::PromMessageStatus;

struct PatientFacts {
  std::optional<Date> died;
  bool opted_out = false;
};

Result<std::map<domain::PatientId, PatientFacts>> LoadPatients(storage::Store& store) {
  std::map<domain::PatientId, PatientFacts> out;
  auto done = store.ForEachPatient(0, [&](const domain::Patient& p) {
    out[p.id] = {p.date_of_death, p.opted_out};
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

ProcedureFacts FactsOf(const domain::Procedure& procedure, const PatientFacts& patient) {
  ProcedureFacts facts{
      procedure.type, procedure.date, patient.died, patient.opted_out, !procedure.implants.empty(),
      std::nullopt};
  for (const domain::Implant& implant : procedure.implants) {
    if (implant.in_situ || !implant.removed_on) return facts;  // something is still in place
    if (!facts.all_implants_removed || *implant.removed_on > *facts.all_implants_removed) {
      facts.all_implants_removed = implant.removed_on;
    }
  }
  return facts;
}

// A placeholder token hash until delivery mints the real token: unique, and no token hashes
// to it (it is not 64 hex digits).
std::string PendingTokenHash(const domain::Procedure& p, const DueTimePoint& due) {
  return fmt::format("pending:{}:{}:{}", p.id.value, due.instrument, due.months);
}

Result<void> QueueMessages(storage::Transaction& tx, int64_t invitation, const std::string& purpose,
                           const RunOptions& options) {
  for (const std::string& channel : options.channels) {
    PromMessage m{0, invitation,  purpose, channel,     PromMessageStatus::kPending,
                  0, options.now, "",      std::nullopt};
    auto added = tx.EnqueuePromMessage(m);
    if (!added) return std::unexpected(added.error());
  }
  return {};
}

Result<void> InviteDue(storage::Transaction& tx, const domain::RegistryDefinition& registry,
                       const domain::Procedure& procedure, const std::vector<DueTimePoint>& due,
                       const RunOptions& options, RunReport& report) {
  for (const DueTimePoint& point : due) {
    PromInvitation i;
    i.registry = registry.code;
    i.procedure = procedure.id;
    i.patient = procedure.patient;
    i.instrument = point.instrument;
    i.months = point.months;
    i.due = point.due;
    i.invited = options.today;
    i.expires = point.expires;
    i.token_hash = PendingTokenHash(procedure, point);
    auto added = tx.AddPromInvitation(i);
    if (!added) return std::unexpected(added.error());
    if (!*added) continue;  // invited on an earlier run
    ++report.invited;
    ORP_RETURN_IF_ERROR(QueueMessages(tx, i.id, "invitation", options));
  }
  return {};
}

// Counts the time points of `registry` due today that the patient may not be asked.
void CountIneligible(const domain::RegistryDefinition& registry, const InstrumentSet& instruments,
                     const ProcedureFacts& facts, Date today, RunReport& report) {
  for (const domain::FollowUpSchedule& schedule : registry.follow_up) {
    if (schedule.kind == domain::FollowUpKind::kClinical) continue;
    if (instruments.Find(schedule.instrument) == nullptr) continue;
    for (int months : schedule.months) {
      const Date due = AddMonths(facts.procedure_date, months);
      if (today < due || today >= due + std::chrono::days(schedule.window_days)) continue;
      Ineligible why = CheckEligible(facts, due);
      if (why != Ineligible::kNone) ++report.not_invited[std::string(IneligibleName(why))];
    }
  }
}

const domain::FollowUpSchedule* ScheduleFor(const domain::RegistryDefinition& registry,
                                            std::string_view instrument) {
  for (const auto& s : registry.follow_up) {
    if (s.instrument == instrument) return &s;
  }
  return nullptr;
}

Result<void> RemindAndExpire(storage::Transaction& tx, const domain::RegistryDefinition& registry,
                             const RunOptions& options, RunReport& report) {
  auto open = tx.ListPromInvitations({registry.code, PromInvitationStatus::kOpen});
  if (!open) return std::unexpected(open.error());
  for (PromInvitation& i : *open) {
    if (options.today > i.expires) {
      i.status = PromInvitationStatus::kExpired;
      ORP_RETURN_IF_ERROR(tx.UpdatePromInvitation(i));
      ++report.expired;
      continue;
    }
    const domain::FollowUpSchedule* schedule = ScheduleFor(registry, i.instrument);
    if (schedule == nullptr) continue;
    int reminder = ReminderDue(*schedule, i.invited, i.reminders_sent, options.today);
    if (reminder == 0) continue;
    i.reminders_sent = reminder;
    ORP_RETURN_IF_ERROR(tx.UpdatePromInvitation(i));
    ORP_RETURN_IF_ERROR(QueueMessages(tx, i.id, fmt::format("reminder-{}", reminder), options));
    ++report.reminders;
  }
  return {};
}

Result<void> PlanRegistry(storage::Store& store, const domain::RegistryDefinition& registry,
                          const InstrumentSet& instruments,
                          const std::map<domain::PatientId, PatientFacts>& patients,
                          const RunOptions& options, RunReport& report) {
  // Read first, write after: a ForEach callback may not call into the store.
  std::vector<std::pair<domain::Procedure, std::vector<DueTimePoint>>> due_now;
  auto done = store.ForEachProcedure({registry.code, 0}, [&](const domain::Procedure& p) {
    auto patient = patients.find(p.patient);
    const ProcedureFacts facts =
        FactsOf(p, patient == patients.end() ? PatientFacts{} : patient->second);
    CountIneligible(registry, instruments, facts, options.today, report);
    auto due = DueTimePoints(registry, instruments, facts, options.today);
    if (!due.empty()) due_now.emplace_back(p, std::move(due));
    return true;
  });
  if (!done) return std::unexpected(done.error());
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  for (const auto& [procedure, due] : due_now) {
    ORP_RETURN_IF_ERROR(InviteDue(**tx, registry, procedure, due, options, report));
  }
  ORP_RETURN_IF_ERROR(RemindAndExpire(**tx, registry, options, report));
  return (*tx)->Commit();
}

}  // namespace

Result<void> PlanInvitations(storage::Store& store, const domain::RegistrySet& registries,
                             const InstrumentSet& instruments, const RunOptions& options,
                             RunReport& report) {
  auto patients = LoadPatients(store);
  if (!patients) return std::unexpected(patients.error());
  for (const domain::RegistryDefinition& registry : registries.registries()) {
    bool any = false;
    for (const auto& schedule : registry.follow_up) {
      if (schedule.kind == domain::FollowUpKind::kClinical) continue;
      if (instruments.Find(schedule.instrument) == nullptr) {
        report.not_installed.push_back(fmt::format("{}: {}", registry.code, schedule.instrument));
      } else {
        any = true;
      }
    }
    if (any)
      ORP_RETURN_IF_ERROR(PlanRegistry(store, registry, instruments, *patients, options, report));
  }
  return {};
}

}  // namespace orp::proms
