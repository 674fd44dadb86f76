// Plausibility rules for the dates on a procedure record: the procedure is not in the future,
// the patient was born on or before it, and was not implausibly old at the time.
//
// Each returns kInvalidArgument with a message naming both dates, for the submission report a
// data manager reads. A date of birth is personal data: these messages are for the submitter's
// own report, never for logs.
// Thread safety: pure functions.
#pragma once

#include "orp/core/date.h"
#include "orp/core/result.h"

namespace orp::domain {

// Oldest plausible age, in whole years, at a procedure.
inline constexpr int kMaxPlausibleAgeYears = 120;

// The procedure date is on or before `today` (which the caller supplies, so tests and replays
// of old submissions are deterministic).
Result<void> CheckProcedureDate(Date procedure, Date today);

// The date of birth is on or before the procedure date (same day is allowed: neonatal surgery).
Result<void> CheckBirthBeforeProcedure(Date dob, Date procedure);

// The age at the procedure is at most kMaxPlausibleAgeYears whole years.
Result<void> CheckPlausibleAge(Date dob, Date procedure);

}  // namespace orp::domain
