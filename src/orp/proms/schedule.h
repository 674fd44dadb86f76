// When a procedure's patient is due to be asked, pure functions of the registry's follow-up
// schedules (domain::FollowUpSchedule), the installed instruments and what is known of the
// patient on `today`.
//
// Rules (docs/proms.md):
//   - time point m of a schedule is due on the procedure date + m months (same day of the month,
//     the last day when the month is shorter);
//   - it is invited on the first run on or after its due day and before due + window_days; a run
//     that missed the whole window invites nobody (the time point is missed, not late);
//   - nobody is invited when the patient has died, has opted out, or every implant of the
//     procedure was removed before the due day (the question would be about something gone);
//   - only primary procedures are followed up; revisions start their own follow-up when the
//     registry's schedules say so in a later version;
//   - schedules naming an instrument that is not installed are skipped (reported by status).
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "orp/core/date.h"
#include "orp/domain/entities.h"
#include "orp/domain/registry_definition.h"
#include "orp/proms/instrument_loader.h"

namespace orp::proms {

enum class Ineligible { kNone, kDied, kOptedOut, kImplantRemoved, kNotPrimary };
std::string_view IneligibleName(Ineligible reason);  // "died", "opted-out", ...

// What the run knows of one procedure and its patient.
struct ProcedureFacts {
  domain::ProcedureType type = domain::ProcedureType::kPrimary;
  Date procedure_date{};
  std::optional<Date> died;
  bool opted_out = false;
  bool had_implants = false;
  std::optional<Date> all_implants_removed;  // the day the last implant came out
};

struct DueTimePoint {
  const domain::FollowUpSchedule* schedule = nullptr;
  std::string instrument;
  int months = 0;
  Date due{};
  Date expires{};  // today + window_days: the link's last day
};

// `date` + `months`, clamped to the end of a shorter month.
Date AddMonths(Date date, int months);

// Why this patient may not be asked at a time point due on `due`, or kNone.
Ineligible CheckEligible(const ProcedureFacts& facts, Date due);

// Time points of `registry` due for invitation on `today` (see the rules above), in schedule
// order. Baseline time points are never returned.
std::vector<DueTimePoint> DueTimePoints(const domain::RegistryDefinition& registry,
                                        const InstrumentSet& instruments,
                                        const ProcedureFacts& facts, Date today);

// The 1-based number of the reminder due on `today` for an invitation sent on `invited` that
// has had `reminders_sent`, or 0 when none is due (one reminder per run at most).
int ReminderDue(const domain::FollowUpSchedule& schedule, Date invited, int reminders_sent,
                Date today);

// Retries of a message that failed: attempt n (1-based) waits first_delay * factor^(n-1),
// capped at max_delay; after max_attempts failures the message is dead.
struct RetryPolicy {
  int max_attempts = 6;
  std::chrono::seconds first_delay{300};
  int factor = 4;
  std::chrono::seconds max_delay{std::chrono::hours(24)};

  // The delay after the `attempts`-th failure (attempts >= 1).
  std::chrono::seconds DelayAfter(int attempts) const;
  bool Exhausted(int attempts) const { return attempts >= max_attempts; }
};

}  // namespace orp::proms
