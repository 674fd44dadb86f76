#include "orp/proms/schedule.h"

#include <algorithm>

namespace orp::proms {

std::string_view IneligibleName(Ineligible reason) {
  switch (reason) {
    case Ineligible::kNone: return "eligible";
    case Ineligible::kDied: return "died";
    case Ineligible::kOptedOut: return "opted-out";
    case Ineligible::kImplantRemoved: return "implant-removed";
    case Ineligible::kNotPrimary: return "not-primary";
  }
  return "?";
}

Date AddMonths(Date date, int months) {
  const std::chrono::year_month_day ymd(date);
  const std::chrono::year_month target =
      std::chrono::year_month(ymd.year(), ymd.month()) + std::chrono::months(months);
  const std::chrono::day last =
      std::chrono::year_month_day_last(target.year(), std::chrono::month_day_last(target.month()))
          .day();
  return Date(
      std::chrono::year_month_day(target.year(), target.month(), std::min(ymd.day(), last)));
}

Ineligible CheckEligible(const ProcedureFacts& facts, Date due) {
  if (facts.type != domain::ProcedureType::kPrimary) return Ineligible::kNotPrimary;
  if (facts.died) return Ineligible::kDied;
  if (facts.opted_out) return Ineligible::kOptedOut;
  if (facts.had_implants && facts.all_implants_removed && *facts.all_implants_removed <= due) {
    return Ineligible::kImplantRemoved;
  }
  return Ineligible::kNone;
}

std::vector<DueTimePoint> DueTimePoints(const domain::RegistryDefinition& registry,
                                        const InstrumentSet& instruments,
                                        const ProcedureFacts& facts, Date today) {
  std::vector<DueTimePoint> out;
  for (const domain::FollowUpSchedule& schedule : registry.follow_up) {
    if (schedule.kind == domain::FollowUpKind::kClinical) continue;
    if (instruments.Find(schedule.instrument) == nullptr) continue;
    for (int months : schedule.months) {
      const Date due = AddMonths(facts.procedure_date, months);
      const Date window_end = due + std::chrono::days(schedule.window_days);
      if (today < due || today >= window_end) continue;
      if (CheckEligible(facts, due) != Ineligible::kNone) continue;
      out.push_back({&schedule, schedule.instrument, months, due,
                     today + std::chrono::days(schedule.window_days)});
    }
  }
  return out;
}

int ReminderDue(const domain::FollowUpSchedule& schedule, Date invited, int reminders_sent,
                Date today) {
  if (reminders_sent >= static_cast<int>(schedule.reminder_days.size())) return 0;
  const Date when = invited + std::chrono::days(schedule.reminder_days[reminders_sent]);
  return today >= when ? reminders_sent + 1 : 0;
}

std::chrono::seconds RetryPolicy::DelayAfter(int attempts) const {
  std::chrono::seconds delay = first_delay;
  for (int i = 1; i < attempts && delay < max_delay; ++i) delay *= factor;
  return std::min(delay, max_delay);
}

}  // namespace orp::proms
